import type { EdgeSite } from '../../site/edge-site';
import { apiObjectsOf } from '../../private/manifests';
import { imagesOf } from '../../private/images';
import { systemUpgradeControllerImages } from '../system-upgrade-controller';
import { embeddedImages } from './embedded-images';

/**
 * The synth-time rule of an air-gapped site: every image its pods, its spread
 * workloads and its upgrade jobs run comes through a registry mirror of every node
 * (or from a registry inside the site), since no node may fall back to the
 * registries themselves.
 */
export function airGapProblems(site: EdgeSite): string[] {
  const objects = apiObjectsOf(site);
  const images = [...new Set([...imagesOf(objects), ...objects.flatMap(embeddedImages), ...systemUpgradeControllerImages(site.spec)])].sort();
  const local = new Set([
    ...(site.spec.cluster.systemDefaultRegistry !== undefined ? [site.spec.cluster.systemDefaultRegistry] : []),
  ]);
  const problems: string[] = [];
  for (const image of images) {
    const registry = registryOf(image);
    const missing = site.nodes.filter((node) => {
      const mirrors = node.registryMirrors;
      const hosts = mirrors.map((m) => new URL(m.endpoint).host);
      return !local.has(registry) && !hosts.includes(registry) && !mirrors.some((m) => m.registries.includes('*') || m.registries.includes(registry));
    });
    if (missing.length === 0) continue;
    const served = [...new Set(missing.flatMap((n) => n.registryMirrors.flatMap((m) => m.registries)))];
    problems.push(`air-gapped site ${site.spec.name} runs image "${image}" from ${registry}, which no registry mirror of ${missing.map((n) => n.name).join(', ')} serves `
      + `(mirrored: ${served.join(', ') || 'none'}); add ${registry} (or "*") to registryMirror.registries, or pull the image from a registry inside the site`);
  }
  return problems;
}

/** The registry an image reference pulls from (`docker.io` when it names none). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}
