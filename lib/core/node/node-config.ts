import { EDGE_WORKER_LABEL, NODE_POOL_LABEL, nodeMembership } from '../site/flavor-labels';
import type { NodeAllocatable } from './capacity';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../spec/site-spec';
import { parseBytes, parseCpuMillis } from '../validation/quantity';
import type { KubeletProfile, Reservation } from '../spec/tier';
import { EDGE_ROLE_LABEL, EDGE_TAINT_KEY, tierProfile } from '../spec/tier';
import { ACCELERATOR_LABEL } from '../site/labels';

/**
 * The node-level settings of a node as plain data, shared by the k3s config
 * drop-ins and the KubeletConfiguration so both runtimes get the same kubelet.
 */

/** The taint a node registers with, or undefined for server nodes. */
export function registrationTaint(node: ResolvedNodeSpec): { key: string; value: string; effect: 'NoSchedule' } | undefined {
  // A server node also runs the cluster's own add-ons (CoreDNS, metrics-server, the
  // local-path provisioner), which do not tolerate the edge taint: tainting it
  // would leave a single-node site without DNS. Server nodes carry the tier labels
  // only; workloads still reach them through the tier nodeSelector.
  if (node.role === 'server') return undefined;
  return { key: EDGE_TAINT_KEY, value: node.tier, effect: 'NoSchedule' };
}

/** Labels a node sets on itself at registration (a kubelet may set these under NodeRestriction). */
export function registrationLabels(node: ResolvedNodeSpec, site: ResolvedSiteSpec): Record<string, string> {
  const labels: Record<string, string> = { 'edge.tier': node.tier, 'edge.site': site.name };
  if (site.region) labels['topology.kubernetes.io/region'] = site.region;
  if (site.zone) labels['topology.kubernetes.io/zone'] = site.zone;
  if (node.accelerator) labels[ACCELERATOR_LABEL] = node.accelerator.kind;
  // An OpenYurt node joins its pool by this label at registration (as `yurtadm join`
  // does); the pool's controller may not move it afterwards.
  const membership = nodeMembership(node, site);
  if (membership?.label === NODE_POOL_LABEL) {
    labels[NODE_POOL_LABEL] = membership.value;
    labels[EDGE_WORKER_LABEL] = String(node.role === 'agent');
  }
  Object.assign(labels, node.labels);
  return sortKeys(labels);
}

/** Labels a node carries once registered and patched (or put into its pool or group). */
export function clusterNodeLabels(node: ResolvedNodeSpec, site: ResolvedSiteSpec): Record<string, string> {
  const membership = nodeMembership(node, site);
  return {
    ...registrationLabels(node, site),
    ...(membership ? { [membership.label]: membership.value } : {}),
    'kubernetes.io/hostname': node.name,
    [EDGE_ROLE_LABEL]: '',
  };
}

/** What a node offers to pods: capacity minus kubelet reservations and the hard eviction threshold. */
export function nodeAllocatable(node: ResolvedNodeSpec, site: ResolvedSiteSpec): NodeAllocatable {
  const kubelet = tierProfile(node.tier).kubelet;
  const cpu = parseCpuMillis(node.capacity.cpu)! - parseCpuMillis(kubelet.systemReserved.cpu)! - parseCpuMillis(kubelet.kubeReserved.cpu)!;
  const memory = parseBytes(node.capacity.memory)! - parseBytes(kubelet.systemReserved.memory)!
    - parseBytes(kubelet.kubeReserved.memory)! - parseBytes(kubelet.evictionHard['memory.available'])!;
  return { name: node.name, tier: node.tier, labels: clusterNodeLabels(node, site), cpuMillis: Math.max(cpu, 0), memoryBytes: Math.max(memory, 0), maxPods: kubelet.maxPods };
}

/** The kubelet profile of the node's tier. */
export function kubeletProfile(node: ResolvedNodeSpec): KubeletProfile {
  return tierProfile(node.tier).kubelet;
}

/** A reservation in the kubelet's map form. */
export function reservationMap(reservation: Reservation): Record<string, string> {
  return { 'cpu': reservation.cpu, 'memory': reservation.memory, 'ephemeral-storage': reservation.ephemeralStorage };
}

/** `a=1,b=2` from a map, keys sorted (the kubelet's flag syntax for maps). */
export function joinMap(map: Readonly<Record<string, string>>, separator = '='): string {
  return Object.keys(map).sort().map((k) => `${k}${separator}${map[k]}`).join(',');
}

/** A copy of a string map with sorted keys. */
export function sortKeys(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]]));
}

/**
 * The kubelet settings of a node's tier as kubelet flag arguments without the leading `--`,
 * in the kubelet's flag order: k3s takes them as `kubelet-arg+`, a plain kubelet before 1.28
 * (no drop-in folder) as flags.
 */
export function kubeletTierArgs(node: ResolvedNodeSpec): string[] {
  const kubelet = kubeletProfile(node);
  return [
    `max-pods=${kubelet.maxPods}`,
    `system-reserved=${joinMap(reservationMap(kubelet.systemReserved))}`,
    `kube-reserved=${joinMap(reservationMap(kubelet.kubeReserved))}`,
    `eviction-hard=${joinMap(kubelet.evictionHard, '<')}`,
    `eviction-minimum-reclaim=${joinMap(kubelet.evictionMinimumReclaim)}`,
    `image-gc-high-threshold=${kubelet.imageGcHighThresholdPercent}`,
    `image-gc-low-threshold=${kubelet.imageGcLowThresholdPercent}`,
  ];
}
