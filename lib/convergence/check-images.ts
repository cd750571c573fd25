import type { Problem } from '../private/problems';
import type { ResolvedSiteSpec } from '../site/site-spec';
import type { ClusterModel } from './cluster-model';

/** The registry an image reference pulls from (`docker.io` when it names none). */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/**
 * Every image the site's nodes pull, its workloads' and its platform layer's, is in the
 * site's air-gap list; on an air-gapped site, each comes from a registry a mirror serves.
 */
export function checkImages(model: ClusterModel, spec: ResolvedSiteSpec, siteImages: readonly string[], imageList: readonly string[], path: string): Problem[] {
  const listed = new Set(imageList);
  const problems: Problem[] = [];
  const missing = [...new Set([...siteImages, ...model.platformImages])].filter((i) => !listed.has(i)).sort();
  if (missing.length > 0) problems.push({ path, message: `nodes/${spec.name}/images.txt lacks images the site pulls: ${missing.join(', ')}` });
  if (spec.cluster.airGap) {
    const mirrored = new Set(spec.registryMirror?.registries ?? []);
    const unserved = [...new Set([...siteImages, ...model.platformImages])].filter((i) => !mirrored.has('*') && !mirrored.has(registryOf(i))).sort();
    if (unserved.length > 0) {
      problems.push({ path, message: `is air-gapped, but no mirror serves the registries of ${unserved.join(', ')}; add their registries to registryMirror.registries (or "*")` });
    }
  }
  return problems;
}
