import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodSecurityProfile, podSecurityLabels, PSS_EXCEPTION_ANNOTATION } from '../workload/pod-defaults';

/** Props of a SiteNamespace. */
export interface SiteNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Kubernetes minor version the PSA labels pin their policy version to. */
  readonly kubernetesVersion: string;
  /**
   * Pod Security level the namespace enforces.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityProfile;
}

/**
 * A namespace of a site: Pod Security Admission labels (enforce, plus audit and
 * warn at `restricted` so every exception stays visible), a default-deny
 * NetworkPolicy for ingress and egress, and an allow for DNS egress. Everything
 * else a workload needs is an explicit allow added on top.
 */
export class SiteNamespace extends Construct {
  /** Namespace name. */
  public readonly name: string;
  /** The Namespace object. */
  public readonly namespace: k8s.KubeNamespace;
  private level: PodSecurityProfile;
  private readonly exceptionReasons: string[] = [];
  private readonly kubernetesVersion: string;

  public constructor(scope: Construct, id: string, props: SiteNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.level = props.podSecurity ?? 'restricted';
    this.kubernetesVersion = props.kubernetesVersion;
    this.namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: { name: props.name, labels: podSecurityLabels(this.level, props.kubernetesVersion) },
    });
    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace: props.name },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns-egress', namespace: props.name },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          }],
          ports: [
            { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
          ],
        }],
      },
    });
  }

  /** The Pod Security level the namespace enforces. */
  public get podSecurity(): PodSecurityProfile {
    return this.level;
  }

  /**
   * Lets the namespace run pods above `restricted`, for the named host-level
   * agents that need it. The reason is recorded on the namespace, and the
   * workload itself must carry the same exception annotation.
   */
  public allowPodSecurity(level: Exclude<PodSecurityProfile, 'restricted'>, reason: string): void {
    if (level === 'privileged' || this.level === 'restricted') this.level = level;
    const meta = ApiObject.of(this.namespace).metadata;
    for (const [key, value] of Object.entries(podSecurityLabels(this.level, this.kubernetesVersion))) meta.addLabel(key, value);
    if (!this.exceptionReasons.includes(reason)) this.exceptionReasons.push(reason);
    meta.addAnnotation(PSS_EXCEPTION_ANNOTATION, this.exceptionReasons.join('; '));
  }
}
