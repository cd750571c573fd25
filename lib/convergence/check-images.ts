import type { Problem } from '../core/validation/problems';
import { airGapImageProblem, localRegistries, MirroredNode } from '../core/node/registry-mirrors';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import type { ClusterModel } from './cluster-model';

/**
 * Every image the site's nodes pull, its workloads' and its platform layer's, is in the
 * site's air-gap list; on an air-gapped site, the platform layer's images come through a
 * mirror of every node too (the site's own images are held to that rule by its air-gap
 * validation, with the same function).
 */
export function checkImages(model: ClusterModel, spec: ResolvedSiteSpec, siteImages: readonly string[], imageList: readonly string[], nodes: readonly MirroredNode[]): Problem[] {
  const listed = new Set(imageList);
  const problems: Problem[] = [];
  const missing = [...new Set([...siteImages, ...model.platformImages])].filter((i) => !listed.has(i)).sort();
  if (missing.length > 0) problems.push({ path: spec.name, message: `nodes/${spec.name}/images.txt lacks images the site pulls: ${missing.join(', ')}` });
  if (spec.cluster.airGap) {
    for (const image of model.platformImages) {
      const problem = airGapImageProblem(spec.name, image, nodes, localRegistries(spec.cluster));
      if (problem) problems.push({ path: `${spec.name}/terraform`, message: `${problem} (the platform layer pulls it)` });
    }
  }
  return problems;
}
