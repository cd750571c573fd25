import type { EdgeAppOptions } from '../core/site/edge-app';
import type { Tier } from '../core/spec/tier';

/**
 * Options of the workloads spread over a site's OpenYurt node pools or KubeEdge
 * node groups: an EdgeApp's options (a Deployment template) plus the pools or
 * groups it runs in, each with its own replica count.
 */

/** One pool (OpenYurt) or group (KubeEdge) a spread workload runs in. */
export interface SpreadTargetOptions {
  /** The tier whose pool or group it is: the site's edge nodes of that tier. */
  readonly tier: Tier;
  /** Pods in this pool or group. */
  readonly replicas: number;
}

/**
 * A workload spread over the site's OpenYurt Edge pools by a YurtAppSet, as written
 * under `components.yurtAppSets`. The app options are the Deployment template
 * (`kind`, `replicas`, `node` and `tier` do not apply: the pools decide).
 */
export interface OpenYurtAppSetOptions extends EdgeAppOptions {
  /** The Edge pools it runs in (by tier), each with its replica count. */
  readonly pools: readonly SpreadTargetOptions[];
}

/**
 * A workload spread over the site's KubeEdge node groups by an EdgeApplication, as
 * written under `components.edgeApplications`. The app options are the Deployment
 * template (`kind`, `replicas`, `node` and `tier` do not apply: the groups decide).
 */
export interface KubeEdgeApplicationOptions extends EdgeAppOptions {
  /** The node groups it runs in (by tier), each with its replica count. */
  readonly groups: readonly SpreadTargetOptions[];
}
