import { podTemplateOf } from '../policy/pod-security';
import { imagesOfTemplate, podTemplatesOf } from '../policy/pod-templates';
import { K3S_UPGRADE_IMAGE } from './k3s-versions';

/**
 * Images that a workload's own pod template does not show: the Deployment templates inside a
 * YurtAppSet or an EdgeApplication (read where every pod template is, `podTemplatesOf`), and the
 * k3s upgrade image of a Plan (its tag is the Plan's version with `+` as `-`). The site's image
 * list needs them as much as the templates' images.
 */
export function embeddedImages(object: any): string[] {
  if (object.kind === 'Plan' && String(object.apiVersion).startsWith('upgrade.cattle.io/')) {
    const tag = String(object.spec?.version ?? '').replace('+', '-');
    return [object.spec?.upgrade?.image, object.spec?.prepare?.image]
      .filter((i): i is string => typeof i === 'string')
      .map((i) => (i.endsWith(K3S_UPGRADE_IMAGE) ? `${i}:${tag}` : i));
  }
  return podTemplateOf(object) ? [] : podTemplatesOf(object).flatMap(imagesOfTemplate);
}
