import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { workloadLabels } from '../core/site/labels';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import { toYaml } from '../core/yaml';
import {
  containerResources, PSS_EXCEPTION_ANNOTATION, restrictedContainerSecurityContext, restrictedPodSecurityContext,
} from '../core/workload/pod-defaults';
import { EdgeSite } from '../fleet/edge-site';
import { tolerateAllEdgeTaints } from '../core/site/placement';
import { ContainerBudget, Tier, TIERS } from '../core/spec/tier';
import type { MonitoringLogsOptions } from './monitoring-options';
import { fluentBitConfig } from './private/fluent-bit-config';
import { ciliumNodeEgress } from './private/cilium-egress';
import { apiServerPeers, apiServerPorts, cloudPeers, urlPort } from './private/network-peers';

/** Props of a FluentBit; EdgeMonitoring resolves every default before. */
export interface FluentBitProps {
  /** Namespace to run in. */
  readonly namespace: string;
  /** Where and how to ship the logs. */
  readonly logs: MonitoringLogsOptions;
  /** Most bytes buffered on each node's disk for the output. */
  readonly bufferLimitBytes: number;
  /** Tier whose profile sizes the memory buffer (the site's tier). */
  readonly tier: Tier;
  /** Requests and limits of the container. */
  readonly resources: ContainerBudget;
  /**
   * Container image, pinned.
   * @default 'cr.fluentbit.io/fluent/fluent-bit:3.2.4'
   */
  readonly image?: string;
}

/** The Fluent Bit image the library pins. */
export const FLUENT_BIT_IMAGE = 'cr.fluentbit.io/fluent/fluent-bit:3.2.4';
/** Why Fluent Bit runs above the restricted profile; recorded on the namespace and the DaemonSet. */
export const FLUENT_BIT_PSS_REASON = 'fluent-bit reads the root-owned container logs under the host /var/log (hostPath, read-only) as root and buffers them in the host /var/lib/fluent-bit (hostPath) so they survive pod restarts';

/** Labels of the Fluent Bit pods. */
export const FLUENT_BIT_LABELS: Readonly<Record<string, string>> = workloadLabels('fluent-bit');
/** Port of Fluent Bit's HTTP server (metrics). */
export const FLUENT_BIT_HTTP_PORT = 2020;
/** Path of Fluent Bit's Prometheus metrics. */
export const FLUENT_BIT_METRICS_PATH = '/api/v2/metrics/prometheus';

const STORAGE_DIR = '/var/lib/fluent-bit';
const CONFIG_DIR = '/fluent-bit/etc/edge';
const CREDENTIAL_ENV = 'CLOUD_LOG_CREDENTIAL';

/**
 * Fluent Bit on every node: tails the container logs, adds Kubernetes metadata and
 * the site name, and ships them to the cloud. Chunks are buffered on the node's
 * disk (a host directory, so a restarted pod resumes where it stopped) up to a size
 * limit, and retried without limit, so logs written while offline arrive later.
 * A documented Pod Security exception: host log files are root-owned.
 */
export class FluentBit extends Construct {
  /** The ConfigMap holding `fluent-bit.yaml`. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The DaemonSet. */
  public readonly daemonSet: k8s.KubeDaemonSet;
  /** The metadata ClusterRole. */
  public readonly clusterRole: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, props: FluentBitProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const ns = props.namespace;
    site.ensureNamespace(ns).allowPodSecurity('privileged', FLUENT_BIT_PSS_REASON);
    const metadata = { name: 'fluent-bit', namespace: ns, labels: { ...FLUENT_BIT_LABELS } };
    const credentialEnv = props.logs.authSecret ? CREDENTIAL_ENV : undefined;
    const config = toYaml(fluentBitConfig({
      site: site.spec.name,
      namespace: ns,
      logs: props.logs,
      bufferLimitBytes: props.bufferLimitBytes,
      // Each chunk in memory is about 2 MB: micro nodes keep fewer up.
      maxChunksUp: props.tier === 'micro' ? 16 : 64,
      httpPort: FLUENT_BIT_HTTP_PORT,
      storageDir: STORAGE_DIR,
      credentialEnv,
    }));

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: 'edge-monitoring-fluent-bit', labels: { ...FLUENT_BIT_LABELS } },
      // The kubernetes filter reads pod and namespace metadata; nothing else.
      rules: [{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: 'edge-monitoring-fluent-bit', labels: { ...FLUENT_BIT_LABELS } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edge-monitoring-fluent-bit' },
      subjects: [{ kind: 'ServiceAccount', name: 'fluent-bit', namespace: ns }],
    });
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { ...metadata, name: 'fluent-bit-config' },
      data: { 'fluent-bit.yaml': config },
    });

    const probe = (delay: number): k8s.Probe => ({
      httpGet: { path: '/', port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds: delay, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2,
    });
    const auth = props.logs.authSecret;
    this.daemonSet = new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: { ...metadata, annotations: { [PSS_EXCEPTION_ANNOTATION]: FLUENT_BIT_PSS_REASON } },
      spec: {
        selector: { matchLabels: { ...FLUENT_BIT_LABELS } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: {
            labels: { ...FLUENT_BIT_LABELS, 'edge.site': site.spec.name },
            annotations: { 'edge.cdk8s.io/config-sha256': createHash('sha256').update(config).digest('hex') },
          },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: tolerateAllEdgeTaints(),
            serviceAccountName: 'fluent-bit',
            // The kubernetes filter reads pod metadata with this account's token.
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            priorityClassName: 'edge-critical',
            // Root, because the container log files are root-owned (0640); every
            // capability is still dropped and the root filesystem stays read-only.
            securityContext: { ...restrictedPodSecurityContext(), runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, fsGroup: 0 },
            containers: [{
              name: 'fluent-bit',
              image: props.image ?? FLUENT_BIT_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['/fluent-bit/bin/fluent-bit'],
              args: ['--config', `${CONFIG_DIR}/fluent-bit.yaml`],
              ports: [{ name: 'http', containerPort: FLUENT_BIT_HTTP_PORT, protocol: 'TCP' }],
              env: auth ? [{ name: CREDENTIAL_ENV, valueFrom: { secretKeyRef: { name: auth.secretName, key: auth.key } } }] : undefined,
              resources: containerResources(props.resources),
              securityContext: { ...restrictedContainerSecurityContext(), runAsNonRoot: false, runAsUser: 0 },
              livenessProbe: probe(15),
              readinessProbe: probe(5),
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'varlog', mountPath: '/var/log', readOnly: true },
                { name: 'storage', mountPath: STORAGE_DIR },
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: 'fluent-bit-config' } },
              { name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } },
              { name: 'storage', hostPath: { path: STORAGE_DIR, type: 'DirectoryOrCreate' } },
            ],
          },
        },
      },
    });
    new k8s.KubeNetworkPolicy(this, 'Egress', {
      metadata: { ...metadata, name: 'fluent-bit-egress' },
      spec: {
        podSelector: { matchLabels: { ...FLUENT_BIT_LABELS } },
        policyTypes: ['Egress'],
        egress: [
          { to: apiServerPeers(site.spec), ports: apiServerPorts() },
          { to: cloudPeers(site.spec), ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(urlPort(props.logs.url)) }] },
        ],
      },
    });
    ciliumNodeEgress(this, 'CiliumEgress', site.spec, { name: 'fluent-bit-node-egress', namespace: ns, podLabels: FLUENT_BIT_LABELS, nodePorts: [] });
    site.registerWorkload({
      path: this.node.path,
      description: `DaemonSet ${ns}/fluent-bit`,
      tiers: TIERS,
      cpuMillis: parseCpuMillis(props.resources.requests.cpu)!,
      memoryBytes: parseBytes(props.resources.requests.memory)!,
    });
  }
}
