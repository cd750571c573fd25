import type { EdgeAppOptions } from '../core/site/edge-app';
import type { Tier } from '../core/spec/tier';

/**
 * The options of a MEC service, shared by the MecService construct, its rules and
 * the inventory's `mecServices` list.
 */

/** 5G QoS class of a MEC service's traffic (3GPP TS 23.501 resource types). */
export type MecQosClass = 'GBR' | 'Non-GBR' | 'Delay-critical GBR';
/** Every MEC QoS class. */
export const MEC_QOS_CLASSES: readonly MecQosClass[] = ['GBR', 'Non-GBR', 'Delay-critical GBR'];
/** Node label of MEC servers next to the UPF. */
export const MEC_NODE_LABEL = 'node.kubernetes.io/mec';
/** Annotation: whether the UPF breaks the service's traffic out locally. */
export const MEC_UPF_BREAKOUT_ANNOTATION = 'mec.5g.io/upf-breakout';
/** Annotation: the 5G QoS class. */
export const MEC_QOS_CLASS_ANNOTATION = 'mec.5g.io/qos-class';
/** Annotation: the end-to-end latency budget. */
export const MEC_LATENCY_BUDGET_ANNOTATION = 'mec.5g.io/latency-budget';
/** Why a MecService with `netAdmin` runs above the restricted profile. */
export const MEC_NET_ADMIN_PSS_REASON = 'a MEC service asked for NET_ADMIN (routes, traffic shaping on its own interfaces), which no level below privileged allows';

/** The EdgeApp options a MEC service shares, with the same meaning and rules. */
export type MecAppOptions = Pick<EdgeAppOptions, 'name' | 'namespace' | 'image' | 'replicas' | 'command' | 'args' | 'env' | 'secretEnv'
| 'ports' | 'probes' | 'resources' | 'writablePaths' | 'writableSizeLimit' | 'priorityClass' | 'labels' | 'runAsUser' | 'runAsGroup' | 'fsGroup'>;

/** A 5G MEC application; shared by `MecService` and the inventory's `mecServices` list. */
export interface MecServiceOptions extends MecAppOptions {
  /** QoS class of the traffic, for the `mec.5g.io/qos-class` annotation. */
  readonly qosClass: MecQosClass;
  /** End-to-end latency budget, e.g. `5ms` (a duration), for the `mec.5g.io/latency-budget` annotation. */
  readonly latencyBudget: string;
  /**
   * Whether the UPF breaks the traffic out locally to this service.
   * @default true
   */
  readonly upfBreakout?: boolean;
  /**
   * Tier of the MEC nodes that run the service.
   * @default - the site's tier
   */
  readonly tier?: Tier;
  /**
   * Whole NVIDIA GPUs per pod (`nvidia.com/gpu` limit); the pods then need a MEC node with an `nvidia-gpu` accelerator.
   * @default 0
   */
  readonly gpu?: number;
  /**
   * Add the NET_ADMIN capability (a documented Pod Security exception: the namespace
   * enforces `privileged`). Non-root processes only get it from a file capability
   * on the binary (`setcap cap_net_admin+ep`), so privilege escalation is allowed
   * for that container.
   * @default false
   */
  readonly netAdmin?: boolean;
  /**
   * What to do when the pods cannot spread evenly over zones (`topology.kubernetes.io/zone`, max skew 1).
   * @default 'DoNotSchedule'
   */
  readonly zoneSpread?: 'DoNotSchedule' | 'ScheduleAnyway';
}
