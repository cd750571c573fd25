import { k8s } from 'cdk8s-plus-28';
import { EDGE_TAINT_KEY, Tier, TIER_LABEL } from '../spec/tier';

/** Where a workload may run. */
export interface PlacementOptions {
  /**
   * Tiers whose nodes may run the workload. One tier becomes a `nodeSelector`;
   * several become a required node affinity on `edge.tier`.
   */
  readonly tiers: readonly Tier[];
  /**
   * Pin the workload to one node (by its name, which is also its
   * `kubernetes.io/hostname` label).
   * @default - any node of the tiers
   */
  readonly nodeName?: string;
  /**
   * Further node labels the node must carry, e.g. `{ accelerator: 'nvidia-jetson' }`.
   * @default - none
   */
  readonly nodeLabels?: Readonly<Record<string, string>>;
}

/** The scheduling fields of a pod spec that place it: selector, tolerations and affinity always agree. */
export interface PodPlacement {
  /** Labels the node must carry. */
  readonly nodeSelector: Record<string, string>;
  /** Tolerations of the edge taints of the chosen tiers. */
  readonly tolerations: k8s.Toleration[];
  /** Node affinity, when the workload may run on more than one tier. */
  readonly affinity?: k8s.Affinity;
}

/**
 * The one place that turns "run on these tiers / this node" into pod spec fields.
 * Every construct places its pods through here, so a selector can never point at
 * a tier whose taint the pod does not tolerate.
 */
export function placePods(options: PlacementOptions): PodPlacement {
  const tiers = [...new Set(options.tiers)];
  if (tiers.length === 0) throw new Error('placement needs at least one tier');
  const nodeSelector: Record<string, string> = { ...options.nodeLabels };
  if (tiers.length === 1) nodeSelector[TIER_LABEL] = tiers[0];
  if (options.nodeName) nodeSelector['kubernetes.io/hostname'] = options.nodeName;
  const tolerations = tiers.map((tier): k8s.Toleration => ({
    key: EDGE_TAINT_KEY, operator: 'Equal', value: tier, effect: 'NoSchedule',
  }));
  if (tiers.length === 1) return { nodeSelector, tolerations };
  const affinity: k8s.Affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: TIER_LABEL, operator: 'In', values: tiers }] }],
      },
    },
  };
  return { nodeSelector, tolerations, affinity };
}

/**
 * Tolerations of every edge taint, for node agents (DaemonSets) that must run on
 * each edge node whatever its tier.
 */
export function tolerateAllEdgeTaints(): k8s.Toleration[] {
  return [{ key: EDGE_TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' }];
}
