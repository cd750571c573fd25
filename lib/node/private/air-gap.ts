import type { EdgeSite } from '../../site/edge-site';
import { apiObjectsOf } from '../../private/manifests';
import { imagesOf } from '../../private/images';
import { airGapImageProblem, localRegistries } from '../../private/registry-mirrors';
import { systemUpgradeControllerImages } from '../system-upgrade-controller';

/**
 * The synth-time rule of an air-gapped site for every image its pods, its spread workloads
 * and its upgrade jobs run (the platform layer's images are checked with the site's
 * convergence, where its releases are known).
 */
export function airGapProblems(site: EdgeSite): string[] {
  const images = [...new Set([...imagesOf(apiObjectsOf(site)), ...systemUpgradeControllerImages(site.spec)])].sort();
  return images.flatMap((image) => airGapImageProblem(site.spec.name, image, site.nodes, localRegistries(site.spec.cluster)) ?? []);
}
