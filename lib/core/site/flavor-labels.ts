import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../spec/site-spec';
import type { Tier } from '../spec/tier';

/**
 * The names, labels and annotations of the OpenYurt and KubeEdge flavors, in one
 * place: the node files (registration labels), the pools and groups, and the
 * workloads spread over them must agree on every one of them.
 */

/** OpenYurt: the label that puts a node into a NodePool (set at registration, never changed in place). */
export const NODE_POOL_LABEL = 'apps.openyurt.io/nodepool';
/** OpenYurt: whether a node is an edge node (YurtHub, autonomy) or a cloud node. */
export const EDGE_WORKER_LABEL = 'openyurt.io/is-edge-worker';
/** OpenYurt: how long the control plane waits before evicting the pods of an unreachable edge node. */
export const AUTONOMY_DURATION_ANNOTATION = 'node.openyurt.io/autonomy-duration';
/** KubeEdge: the label the NodeGroup controller gives the members of a group. */
export const NODE_GROUP_LABEL = 'apps.kubeedge.io/belonging-to';

/** OpenYurt node pool names are label values: at most this long. */
export const MAX_POOL_NAME_LENGTH = 63;

/** The OpenYurt Edge pool of a site's agents of one tier: `<site>-<tier>`. */
export function nodePoolName(site: string, tier: Tier): string {
  return `${site}-${tier}`;
}

/** The OpenYurt Cloud pool of a site's servers: `<site>-cloud`. */
export function cloudPoolName(site: string): string {
  return `${site}-cloud`;
}

/** The KubeEdge NodeGroup of a site's EdgeCore nodes of one tier: `<site>-<tier>`. */
export function nodeGroupName(site: string, tier: Tier): string {
  return `${site}-${tier}`;
}

/** Whether a node runs KubeEdge's EdgeCore: the kubelet agents of a `kubeedge` site. */
export function runsEdgeCore(node: ResolvedNodeSpec, site: Pick<ResolvedSiteSpec, 'cluster'>): boolean {
  return site.cluster.flavor === 'kubeedge' && node.role === 'agent' && node.runtime === 'kubelet';
}

/**
 * The pool (OpenYurt) or group (KubeEdge) a node belongs to, or undefined when the
 * site's flavor has none for it (k3s sites, KubeEdge's cloud-side servers).
 */
export function nodeMembership(node: ResolvedNodeSpec, site: ResolvedSiteSpec): { label: string; value: string } | undefined {
  if (site.cluster.flavor === 'openyurt') {
    return { label: NODE_POOL_LABEL, value: node.role === 'server' ? cloudPoolName(site.name) : nodePoolName(site.name, node.tier) };
  }
  if (runsEdgeCore(node, site)) {
    return { label: NODE_GROUP_LABEL, value: nodeGroupName(site.name, node.tier) };
  }
  return undefined;
}

/** The nodes a site's workloads may be spread over: OpenYurt Edge pools' and KubeEdge groups' members. */
export function spreadNodes(site: ResolvedSiteSpec): ResolvedNodeSpec[] {
  if (site.cluster.flavor === 'openyurt') return site.nodes.filter((n) => n.role === 'agent');
  if (site.cluster.flavor === 'kubeedge') return site.nodes.filter((n) => runsEdgeCore(n, site));
  return [];
}
