/** The labels every object of a site carries, and the labels workloads select by. */

export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const SITE_LABEL = 'edge.site';
/** The node label that names a node's accelerator kind (`nvidia-gpu`, `nvidia-jetson`, ...), set at registration. */
export const ACCELERATOR_LABEL = 'accelerator';
export const NAME_LABEL = 'app.kubernetes.io/name';

/** Labels on every object of a site. */
export function siteLabels(siteName: string): Record<string, string> {
  return { [PART_OF_LABEL]: 'cdk8s-edge', [MANAGED_BY_LABEL]: 'cdk8s', [SITE_LABEL]: siteName };
}

/** Labels a workload selects its pods by: stable, never hashed. */
export function workloadLabels(name: string): Record<string, string> {
  return { [NAME_LABEL]: name };
}

/**
 * The device protocol a KubeEdge mapper's pods speak: the convergence check finds the mapper of
 * a Device's protocol by it.
 */
export const MAPPER_PROTOCOL_LABEL = 'edge.cdk8s.io/mapper-protocol';
