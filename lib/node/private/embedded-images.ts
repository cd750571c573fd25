import { K3S_UPGRADE_IMAGE } from '../k3s-versions';

/**
 * Images that pod templates do not show: a YurtAppSet's or EdgeApplication's
 * Deployment template, and the k3s upgrade image of a Plan (its tag is the Plan's
 * version with `+` as `-`). The site's image list needs them as much as this check.
 */
export function embeddedImages(object: any): string[] {
  const containers = (template: any): string[] => [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])]
    .map((c: any) => c.image).filter((i: unknown): i is string => typeof i === 'string');
  if (object.kind === 'YurtAppSet') {
    // v1alpha1 (what yurt-manager chart 1.4.2 serves) has spec.workloadTemplate; v1beta1 (OpenYurt 1.5+) spec.workload.workloadTemplate.
    const workloadTemplate = object.spec?.workloadTemplate ?? object.spec?.workload?.workloadTemplate;
    return containers(workloadTemplate?.deploymentTemplate?.spec?.template);
  }
  if (object.kind === 'EdgeApplication') return (object.spec?.workloadTemplate?.manifests ?? []).flatMap((m: any) => containers(m?.spec?.template));
  if (object.kind === 'Plan' && String(object.apiVersion).startsWith('upgrade.cattle.io/')) {
    const tag = String(object.spec?.version ?? '').replace('+', '-');
    return [object.spec?.upgrade?.image, object.spec?.prepare?.image]
      .filter((i): i is string => typeof i === 'string')
      .map((i) => (i.endsWith(K3S_UPGRADE_IMAGE) ? `${i}:${tag}` : i));
  }
  return [];
}
