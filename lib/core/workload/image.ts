/**
 * Why an image reference is not pinned, or undefined when it is. Edge nodes restart
 * pods while offline with `imagePullPolicy: IfNotPresent`, so an image must name an
 * exact tag (never `latest`) or a digest.
 */
export function unpinnedImageProblem(image: string): string | undefined {
  if (/\s/.test(image) || image === '') return `"${image}" is not an image reference`;
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const nameAndTag = image.slice(lastSlash + 1);
  const colon = nameAndTag.lastIndexOf(':');
  if (colon < 0) return `image "${image}" has no tag; pin a version tag or a digest (name:1.2.3 or name@sha256:...)`;
  const tag = nameAndTag.slice(colon + 1);
  if (tag === 'latest') return `image "${image}" uses the "latest" tag; pin a version tag or a digest`;
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) return `image "${image}" has an invalid tag "${tag}"`;
  return undefined;
}
