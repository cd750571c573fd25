import type { EdgeSite } from '../../fleet/edge-site';
import { apiObjectsOf } from '../../core/manifests';
import { imagesOf } from '../../core/workload/images';
import { airGapImageProblem, localRegistries } from '../../core/node/registry-mirrors';
import { systemUpgradeControllerImages } from '../../core/node/system-upgrade-controller';

/**
 * The synth-time rule of an air-gapped site for every image its pods, its spread workloads
 * and its upgrade jobs run (the platform layer's images are checked with the site's
 * convergence, where its releases are known).
 */
export function airGapProblems(site: EdgeSite): string[] {
  const images = [...new Set([...imagesOf(apiObjectsOf(site)), ...systemUpgradeControllerImages(site.spec)])].sort();
  return images.flatMap((image) => airGapImageProblem(site.spec.name, image, site.nodes, localRegistries(site.spec.cluster)) ?? []);
}
