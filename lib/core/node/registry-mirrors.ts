/** A node and the registry mirrors it pulls through, in the order it tries them. */
export interface MirroredNode {
  readonly name: string;
  readonly registryMirrors: readonly { readonly endpoint: string; readonly registries: readonly string[] }[];
}

/** The registry an image reference pulls from (`docker.io` when it names none). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/** Registries inside the site (its k3s system default registry), which an air-gapped site pulls from directly. */
export function localRegistries(cluster: { readonly systemDefaultRegistry?: string }): string[] {
  return cluster.systemDefaultRegistry !== undefined ? [cluster.systemDefaultRegistry] : [];
}

/**
 * The rule of an air-gapped site for one image: it comes through a registry mirror of every
 * node (or from a registry inside the site), since no node may fall back to the registries
 * themselves. Returns what is wrong, or undefined.
 */
export function airGapImageProblem(site: string, image: string, nodes: readonly MirroredNode[], localRegistries: readonly string[]): string | undefined {
  const registry = registryOf(image);
  if (localRegistries.includes(registry)) return undefined;
  const missing = nodes.filter((node) => {
    const mirrors = node.registryMirrors;
    return !mirrors.some((m) => new URL(m.endpoint).host === registry || m.registries.includes('*') || m.registries.includes(registry));
  });
  if (missing.length === 0) return undefined;
  const served = [...new Set(missing.flatMap((n) => n.registryMirrors.flatMap((m) => m.registries)))];
  return `air-gapped site ${site} runs image "${image}" from ${registry}, which no registry mirror of ${missing.map((n) => n.name).join(', ')} serves `
    + `(mirrored: ${served.join(', ') || 'none'}); add ${registry} (or "*") to registryMirror.registries, or pull the image from a registry inside the site`;
}
