import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { EdgeSite } from '../../fleet/edge-site';

/**
 * NetworkPolicies the components add on top of each namespace's default deny.
 * Cross-namespace traffic needs two allows: egress where the client runs and
 * ingress where the server runs.
 */

/** A workload that others connect to. */
export interface ServedWorkload {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly port: number;
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function notSelected(selector: Readonly<Record<string, string>>): k8s.LabelSelector {
  return { matchExpressions: Object.entries(selector).map(([key, value]) => ({ key, operator: 'NotIn', values: [value] })) };
}

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}

/**
 * Lets every other pod of the workload's own namespace and every pod of the client
 * namespaces connect to its port: `<name>-ingress` in its namespace, and
 * `allow-to-<namespace>-<name>` egress in each of those namespaces (created when missing).
 */
export function allowClients(scope: Construct, served: ServedWorkload, clientNamespaces: readonly string[]): void {
  const site = EdgeSite.of(scope);
  const others = [...new Set(clientNamespaces)].filter((ns) => ns !== served.namespace).sort();
  new k8s.KubeNetworkPolicy(scope, 'Ingress', {
    metadata: { name: `${served.name}-ingress`, namespace: served.namespace },
    spec: {
      podSelector: { matchLabels: { ...served.selector } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: {} }, ...others.map((ns): k8s.NetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } }))],
        ports: [tcp(served.port)],
      }],
    },
  });
  for (const ns of [served.namespace, ...others]) {
    site.ensureNamespace(ns);
    new k8s.KubeNetworkPolicy(scope, `AllowFrom-${ns}`, {
      metadata: { name: `allow-to-${served.namespace}-${served.name}`, namespace: ns },
      spec: {
        // Every pod of a client namespace; in its own namespace, every pod but the workload itself.
        podSelector: ns === served.namespace ? notSelected(served.selector) : {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: served.namespace } }, podSelector: { matchLabels: { ...served.selector } } }],
          ports: [tcp(served.port)],
        }],
      },
    });
  }
}

/** Lets any source connect to the workload's port (`<name>-ingress`), e.g. node daemons through a NodePort. */
export function allowIngressFromAnywhere(scope: Construct, served: ServedWorkload): void {
  new k8s.KubeNetworkPolicy(scope, 'Ingress', {
    metadata: { name: `${served.name}-ingress`, namespace: served.namespace },
    spec: {
      podSelector: { matchLabels: { ...served.selector } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [tcp(served.port)] }],
    },
  });
}

/** Lets the workload's pods connect to these CIDRs on one TCP port, and nowhere else beyond what the namespace allows. */
export function allowEgressToCidrs(scope: Construct, id: string, policy: { name: string; namespace: string; selector: Readonly<Record<string, string>>; cidrs: readonly string[]; port: number }): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: policy.name, namespace: policy.namespace },
    spec: {
      podSelector: { matchLabels: { ...policy.selector } },
      policyTypes: ['Egress'],
      egress: [{ to: policy.cidrs.map((cidr): k8s.NetworkPolicyPeer => ({ ipBlock: { cidr } })), ports: [tcp(policy.port)] }],
    },
  });
}
