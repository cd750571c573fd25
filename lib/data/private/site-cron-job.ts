import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { applicationPodDefaults } from '../../core/workload/pod-defaults';
import { placePods } from '../../core/site/placement';
import type { ContainerBudget, Tier } from '../../core/spec/tier';
import { registerPods } from '../../core/workload/pod-helpers';

/** A data component's CronJob: one container, run on its tier's nodes as an application pod. */
export interface SiteCronJobSpec {
  /** Name of the CronJob. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Labels of the CronJob and its pods. */
  readonly labels: Readonly<Record<string, string>>;
  /** Cron schedule. */
  readonly schedule: string;
  /** Tier whose nodes run the pods. */
  readonly tier: Tier;
  /** The pod's user. */
  readonly uid: number;
  /** The container's budget, registered with the capacity check. */
  readonly budget: ContainerBudget;
  /** The pod's one container, complete (resources, security context, mounts). */
  readonly container: k8s.Container;
  /** The pod's volumes. */
  readonly volumes: readonly k8s.Volume[];
  /** Retries of one run before the Job fails. */
  readonly backoffLimit: number;
  /**
   * The node its volume pins the pods to (a local PersistentVolume's node affinity), for the capacity check.
   * @default - any node of the tier
   */
  readonly nodeName?: string;
}

/**
 * The CronJob, registered with the site's capacity check. A run missed while the site was down
 * still starts when it is back within 6 hours; runs never overlap; one finished Job and two
 * failed ones are kept for `kubectl logs`; a run ends after 3 hours at most.
 */
export function siteCronJob(scope: Construct, id: string, spec: SiteCronJobSpec): k8s.KubeCronJob {
  const cronJob = new k8s.KubeCronJob(scope, id, {
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: {
      schedule: spec.schedule,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 21600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 2,
      jobTemplate: {
        spec: {
          backoffLimit: spec.backoffLimit,
          activeDeadlineSeconds: 10800,
          template: {
            metadata: { labels: { ...spec.labels } },
            spec: {
              ...placePods({ tiers: [spec.tier] }),
              restartPolicy: 'OnFailure',
              ...applicationPodDefaults('edge-normal', { runAsUser: spec.uid }),
              containers: [spec.container],
              volumes: [...spec.volumes],
            },
          },
        },
      },
    },
  });
  registerPods(scope, { description: `CronJob ${spec.namespace}/${spec.name}`, tiers: [spec.tier], ...(spec.nodeName ? { nodeName: spec.nodeName } : {}), replicas: 1, budget: spec.budget });
  return cronJob;
}
