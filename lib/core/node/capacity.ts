import type { Tier } from '../spec/tier';

/** What one workload asks of the nodes it can run on. */
export interface WorkloadDemand {
  /** Construct path of the workload, for error messages. */
  readonly path: string;
  /** Kind, namespace and name, e.g. `Deployment line-a/edge-collector`. */
  readonly description: string;
  /** Tiers whose nodes may run it. */
  readonly tiers: readonly Tier[];
  /** The node it is pinned to. @default - any node of the tiers */
  readonly nodeName?: string;
  /** Node labels the node must carry. @default - none */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /** Number of pods; undefined for a DaemonSet (one pod on every matching node). */
  readonly replicas?: number;
  /** CPU requested by one pod, in millicores. */
  readonly cpuMillis: number;
  /** Memory requested by one pod, in bytes. */
  readonly memoryBytes: number;
}

/** What a node offers to pods after the kubelet's reservations. */
export interface NodeAllocatable {
  /** Node name. */
  readonly name: string;
  /** Tier of the node. */
  readonly tier: Tier;
  /** Labels the node carries. */
  readonly labels: Readonly<Record<string, string>>;
  /** Allocatable CPU in millicores. */
  readonly cpuMillis: number;
  /** Allocatable memory in bytes. */
  readonly memoryBytes: number;
  /** Most pods the node runs. */
  readonly maxPods: number;
}

/** One node's load after placement. */
export interface NodeLoad {
  readonly node: NodeAllocatable;
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
  readonly workloads: string[];
}

/** The result of fitting a site's workloads onto its nodes. */
export interface CapacityFit {
  /** Load per node, in node order. */
  readonly loads: readonly NodeLoad[];
  /** Workloads that fit no node, and those whose last replicas fit none (one entry each), with the reason. */
  readonly unplaced: readonly { demand: WorkloadDemand; reason: string }[];
  /** Nodes whose DaemonSet and pinned pods alone exceed what they offer. */
  readonly overfilled: readonly NodeLoad[];
}

function matches(node: NodeAllocatable, demand: WorkloadDemand): boolean {
  if (!demand.tiers.includes(node.tier)) return false;
  if (demand.nodeName !== undefined && demand.nodeName !== node.name) return false;
  return Object.entries(demand.nodeLabels ?? {}).every(([k, v]) => node.labels[k] === v);
}

function fits(load: NodeLoad, demand: WorkloadDemand): boolean {
  return load.cpuMillis + demand.cpuMillis <= load.node.cpuMillis
    && load.memoryBytes + demand.memoryBytes <= load.node.memoryBytes
    && load.pods + 1 <= load.node.maxPods;
}

function add(load: NodeLoad, demand: WorkloadDemand): void {
  load.cpuMillis += demand.cpuMillis;
  load.memoryBytes += demand.memoryBytes;
  load.pods += 1;
  load.workloads.push(demand.description);
}

/**
 * Fits a site's workloads onto its nodes the way the scheduler would have to:
 * DaemonSet pods land on every matching node, pinned pods on their node, and the
 * remaining replicas are packed largest first onto the least-loaded matching node.
 * Deterministic, so the same site always gets the same verdict.
 */
export function fitWorkloads(nodes: readonly NodeAllocatable[], demands: readonly WorkloadDemand[]): CapacityFit {
  const loads: NodeLoad[] = nodes.map((node) => ({ node, cpuMillis: 0, memoryBytes: 0, pods: 0, workloads: [] }));
  const unplaced: { demand: WorkloadDemand; reason: string }[] = [];
  const daemonSets = demands.filter((d) => d.replicas === undefined);
  const replicated = demands.filter((d) => d.replicas !== undefined);
  // Fixed placements first: they have no choice of node.
  for (const demand of daemonSets) {
    for (const load of loads.filter((l) => matches(l.node, demand))) add(load, demand);
  }
  const sorted = [...replicated].sort((a, b) => Number(b.nodeName !== undefined) - Number(a.nodeName !== undefined)
    || b.memoryBytes - a.memoryBytes || b.cpuMillis - a.cpuMillis || a.path.localeCompare(b.path));
  for (const demand of sorted) {
    const candidates = loads.filter((l) => matches(l.node, demand));
    if (candidates.length === 0) {
      unplaced.push({ demand, reason: `no node of tier ${demand.tiers.join('/')}${demand.nodeName ? ` named ${demand.nodeName}` : ''}${demand.nodeLabels ? ` with labels ${JSON.stringify(demand.nodeLabels)}` : ''}` });
      continue;
    }
    for (let replica = 0; replica < demand.replicas!; replica++) {
      const target = candidates.filter((l) => fits(l, demand))
        .sort((a, b) => a.memoryBytes / a.node.memoryBytes - b.memoryBytes / b.node.memoryBytes || a.node.name.localeCompare(b.node.name))[0];
      if (target) {
        add(target, demand);
        continue;
      }
      // Replicas are alike and loads only grow: once one does not fit, none of the rest does. One problem says so.
      const last = demand.replicas!;
      unplaced.push({ demand, reason: replica + 1 === last ? `replica ${last} of ${last} does not fit` : `replicas ${replica + 1}-${last} of ${last} do not fit` });
      break;
    }
  }
  // Only DaemonSets can overfill a node: the packing above never places past the limit.
  const overfilled = loads.filter((l) => l.cpuMillis > l.node.cpuMillis || l.memoryBytes > l.node.memoryBytes || l.pods > l.node.maxPods);
  return { loads, unplaced, overfilled };
}
