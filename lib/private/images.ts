import { embeddedImages } from '../node/private/embedded-images';
import { podTemplateOf } from '../policy/pod-security';

/** Every container image the objects' pod templates use, sorted and de-duplicated. */
export function imagesOf(objects: readonly any[]): string[] {
  const images = new Set<string>();
  for (const object of objects) {
    const spec = podTemplateOf(object)?.spec;
    for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      if (typeof container.image === 'string') images.add(container.image);
    }
    // Pod templates inside custom resources (YurtAppSet, EdgeApplication) and the upgrade Plans' image.
    for (const image of embeddedImages(object)) images.add(image);
  }
  return [...images].sort();
}
