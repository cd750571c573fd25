import { podTemplateOf } from './pod-security';

/** A pod template inside an object, with its path in the object. */
export interface PodTemplate {
  readonly metadata?: any;
  readonly spec: any;
  /** Path of the template in the object, e.g. `spec.template`. */
  readonly path: string;
  /**
   * How many pods of it run.
   * @default - one per eligible node (a DaemonSet, or a template inside a custom resource)
   */
  readonly replicas?: number;
}

/**
 * Every pod template an object carries: a workload's own (see `podTemplateOf`), and the
 * Deployment templates inside a YurtAppSet or an EdgeApplication, which their controllers turn
 * into pods. The image list, the air-gap rule and the convergence checks all read templates here.
 */
export function podTemplatesOf(object: any): PodTemplate[] {
  const own = podTemplateOf(object);
  if (own) return [{ ...own, ...(object.kind === 'DaemonSet' ? {} : { replicas: replicasOf(object) }) }];
  if (object?.kind === 'YurtAppSet') {
    // v1alpha1 (yurt-manager 1.4.2) has spec.workloadTemplate; v1beta1 spec.workload.workloadTemplate.
    const at = object.spec?.workloadTemplate ? 'spec.workloadTemplate' : 'spec.workload.workloadTemplate';
    const template = (object.spec?.workloadTemplate ?? object.spec?.workload?.workloadTemplate)?.deploymentTemplate?.spec?.template;
    return template?.spec ? [{ metadata: template.metadata, spec: template.spec, path: `${at}.deploymentTemplate.spec.template` }] : [];
  }
  if (object?.kind === 'EdgeApplication') {
    return (object.spec?.workloadTemplate?.manifests ?? []).flatMap((m: any, i: number) => (m?.spec?.template?.spec
      ? [{ metadata: m.spec.template.metadata, spec: m.spec.template.spec, path: `spec.workloadTemplate.manifests[${i}].spec.template` }] : []));
  }
  return [];
}

/** The images a template's containers run. */
export function imagesOfTemplate(template: PodTemplate): string[] {
  return [...(template.spec.initContainers ?? []), ...(template.spec.containers ?? [])]
    .map((c: any) => c.image).filter((i: unknown): i is string => typeof i === 'string');
}

function replicasOf(object: any): number {
  if (object.kind === 'CronJob' || object.kind === 'Job') return object.spec?.parallelism ?? object.spec?.jobTemplate?.spec?.parallelism ?? 1;
  return typeof object.spec?.replicas === 'number' ? object.spec.replicas : 1;
}
