import { isIP } from 'node:net';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import {
  CiliumNetworkPolicy, CiliumNetworkPolicySpecEgress, CiliumNetworkPolicySpecEgressToEntities,
  CiliumNetworkPolicySpecEgressToPortsPortsProtocol, CiliumNetworkPolicySpecIngress,
  CiliumNetworkPolicySpecIngressFromEntities, CiliumNetworkPolicySpecIngressToPortsPortsProtocol,
} from '../../../imports/cilium.io';
import type { ResolvedSiteSpec } from '../spec/site-spec';

/**
 * The explicit allows every security component adds on top of a namespace's
 * default deny. One description, two renderings: a Kubernetes NetworkPolicy, or
 * with `cni: cilium` a CiliumNetworkPolicy, which can name what NetworkPolicy
 * cannot (the API server and the nodes as entities instead of address ranges).
 * The namespace's default deny and DNS allow stay Kubernetes NetworkPolicies on
 * both CNIs; Cilium enforces those too and allows the union of all policies.
 */

/** Label every namespace carries with its own name (set by the API server since 1.21). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** The label Cilium gives each endpoint with its namespace. */
const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

/** Who is on the other side of an allowed connection. */
export type AllowPeer =
  /** Pods of a namespace, all of them or those carrying the labels. */
  | { readonly kind: 'pods'; readonly namespace: string; readonly labels?: Readonly<Record<string, string>> }
  /** Addresses outside the cluster. */
  | { readonly kind: 'cidrs'; readonly cidrs: readonly string[] }
  /** The Kubernetes API server. */
  | { readonly kind: 'api-server' }
  /** The site's nodes (kubelets, host-network daemons). */
  | { readonly kind: 'nodes' };

/** A port of an allowed connection. */
export interface AllowPort {
  /** Port number. */
  readonly port: number;
  /** Transport protocol. @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** One allowed direction to or from a peer. */
export interface AllowRule {
  /** The other side. */
  readonly peer: AllowPeer;
  /** The ports; for the API server 443 and 6443 when none are given. @default - every port */
  readonly ports?: readonly AllowPort[];
}

/** A set of allows for the pods of one namespace. */
export interface AllowPolicy {
  /** Name of the policy object. */
  readonly name: string;
  /** Namespace of the pods it applies to. */
  readonly namespace: string;
  /** Labels of the pods it applies to. @default - every pod of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Connections the pods accept. @default - none */
  readonly ingress?: readonly AllowRule[];
  /** Connections the pods open. @default - none */
  readonly egress?: readonly AllowRule[];
}

const ANYWHERE = ['0.0.0.0/0', '::/0'];
// The API server after the `kubernetes` Service's DNAT is on 6443 (k3s, kubeadm);
// 443 covers CNIs that match before the translation.
const API_SERVER_PORTS: readonly AllowPort[] = [{ port: 443 }, { port: 6443 }];

/** Adds the policy in the site's CNI flavour and returns the object. */
export function addAllowPolicy(scope: Construct, id: string, site: ResolvedSiteSpec, policy: AllowPolicy): ApiObject {
  return site.network.cni === 'cilium' ? ciliumPolicy(scope, id, policy) : kubernetesPolicy(scope, id, site, policy);
}

/** The address ranges a peer stands for where only addresses can be named. */
export function peerCidrs(peer: Exclude<AllowPeer, { kind: 'pods' }>, site: ResolvedSiteSpec): readonly string[] {
  switch (peer.kind) {
    case 'cidrs': return peer.cidrs;
    case 'nodes': return site.network.siteCidrs.length > 0 ? site.network.siteCidrs : ANYWHERE;
    case 'api-server': return apiServerCidrs(site);
  }
}

/** The address of the API server when `cluster.serverUrl` is an IP literal, else where the nodes are. */
function apiServerCidrs(site: ResolvedSiteSpec): readonly string[] {
  const host = site.cluster.serverUrl ? new URL(site.cluster.serverUrl).hostname.replace(/^\[|\]$/g, '') : undefined;
  if (host && isIP(host) === 4) return [`${host}/32`];
  if (host && isIP(host) === 6) return [`${host}/128`];
  return peerCidrs({ kind: 'nodes' }, site);
}

function portsOf(rule: AllowRule): readonly AllowPort[] | undefined {
  return rule.ports ?? (rule.peer.kind === 'api-server' ? API_SERVER_PORTS : undefined);
}

function kubernetesPolicy(scope: Construct, id: string, site: ResolvedSiteSpec, policy: AllowPolicy): k8s.KubeNetworkPolicy {
  const ingress = policy.ingress ?? [];
  const egress = policy.egress ?? [];
  const toRule = (rule: AllowRule) => {
    const ports = portsOf(rule)?.map((p): k8s.NetworkPolicyPort => ({ protocol: p.protocol ?? 'TCP', port: k8s.IntOrString.fromNumber(p.port) }));
    return { peers: kubernetesPeers(rule.peer, site), ...(ports ? { ports } : {}) };
  };
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: policy.name, namespace: policy.namespace },
    spec: {
      podSelector: policy.podLabels ? { matchLabels: { ...policy.podLabels } } : {},
      policyTypes: [...(ingress.length ? ['Ingress'] : []), ...(egress.length ? ['Egress'] : [])],
      ingress: ingress.length ? ingress.map(toRule).map(({ peers, ...rest }) => ({ from: peers, ...rest })) : undefined,
      egress: egress.length ? egress.map(toRule).map(({ peers, ...rest }) => ({ to: peers, ...rest })) : undefined,
    },
  });
}

function kubernetesPeers(peer: AllowPeer, site: ResolvedSiteSpec): k8s.NetworkPolicyPeer[] {
  if (peer.kind === 'pods') {
    return [{
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } },
      podSelector: peer.labels ? { matchLabels: { ...peer.labels } } : {},
    }];
  }
  return peerCidrs(peer, site).map((cidr) => ({ ipBlock: { cidr } }));
}

function ciliumPolicy(scope: Construct, id: string, policy: AllowPolicy): CiliumNetworkPolicy {
  const ingress = (policy.ingress ?? []).map(ciliumIngress);
  const egress = (policy.egress ?? []).map(ciliumEgress);
  return new CiliumNetworkPolicy(scope, id, {
    metadata: { name: policy.name, namespace: policy.namespace },
    spec: {
      endpointSelector: policy.podLabels ? { matchLabels: { ...policy.podLabels } } : {},
      ingress: ingress.length ? ingress : undefined,
      egress: egress.length ? egress : undefined,
    },
  });
}

function ciliumEndpoint(peer: Extract<AllowPeer, { kind: 'pods' }>): { matchLabels: Record<string, string> } {
  return { matchLabels: { [CILIUM_NAMESPACE_LABEL]: peer.namespace, ...peer.labels } };
}

function ciliumIngress(rule: AllowRule): CiliumNetworkPolicySpecIngress {
  const ports = portsOf(rule);
  const toPorts = ports ? [{ ports: ports.map((p) => ({ port: String(p.port), protocol: CiliumNetworkPolicySpecIngressToPortsPortsProtocol[p.protocol ?? 'TCP'] })) }] : undefined;
  switch (rule.peer.kind) {
    case 'pods': return { fromEndpoints: [ciliumEndpoint(rule.peer)], toPorts };
    case 'cidrs': return { fromCidr: [...rule.peer.cidrs], toPorts };
    case 'nodes': return { fromEntities: [CiliumNetworkPolicySpecIngressFromEntities.HOST, CiliumNetworkPolicySpecIngressFromEntities.REMOTE_HYPHEN_NODE], toPorts };
    case 'api-server': return { fromEntities: [CiliumNetworkPolicySpecIngressFromEntities.KUBE_HYPHEN_APISERVER], toPorts };
  }
}

function ciliumEgress(rule: AllowRule): CiliumNetworkPolicySpecEgress {
  const ports = portsOf(rule);
  const toPorts = ports ? [{ ports: ports.map((p) => ({ port: String(p.port), protocol: CiliumNetworkPolicySpecEgressToPortsPortsProtocol[p.protocol ?? 'TCP'] })) }] : undefined;
  switch (rule.peer.kind) {
    case 'pods': return { toEndpoints: [ciliumEndpoint(rule.peer)], toPorts };
    case 'cidrs': return { toCidr: [...rule.peer.cidrs], toPorts };
    case 'nodes': return { toEntities: [CiliumNetworkPolicySpecEgressToEntities.HOST, CiliumNetworkPolicySpecEgressToEntities.REMOTE_HYPHEN_NODE], toPorts };
    case 'api-server': return { toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER], toPorts };
  }
}
