import { embeddedImages } from '../node/embedded-images';
import { podTemplateOf } from '../policy/pod-security';
import { imagesOfTemplate } from '../policy/pod-templates';

/** Every container image the objects' pod templates use, sorted and de-duplicated. */
export function imagesOf(objects: readonly any[]): string[] {
  const images = new Set<string>();
  for (const object of objects) {
    const own = podTemplateOf(object);
    if (own) for (const image of imagesOfTemplate(own)) images.add(image);
    // Pod templates inside custom resources (YurtAppSet, EdgeApplication) and the upgrade Plans' image.
    for (const image of embeddedImages(object)) images.add(image);
  }
  return [...images].sort();
}
