import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Props of EdgePriorityClasses. */
export interface EdgePriorityClassesProps {
  /**
   * Make `edge-normal` the cluster's default priority. Only a site with a cluster of its own
   * may: on the hub's shared control plane every site writes its own classes, and Kubernetes
   * admits only one default.
   * @default true
   */
  readonly globalDefault?: boolean;
}

/** PriorityClasses every site defines. */
export type PriorityClassName = 'edge-critical' | 'edge-normal';

/** Value of `edge-critical`: above user workloads, below the system classes (2000000000+). */
export const EDGE_CRITICAL_PRIORITY = 1000000;
/** Value of `edge-normal`, the global default. */
export const EDGE_NORMAL_PRIORITY = 1000;

/**
 * The site's PriorityClasses: `edge-critical` for what keeps the site working
 * offline (agents, databases, sync), `edge-normal` (the global default on a cluster of
 * the site's own) for the rest, so a full node evicts application pods before the platform.
 */
export class EdgePriorityClasses extends Construct {
  /** The `edge-critical` class. */
  public readonly critical: k8s.KubePriorityClass;
  /** The `edge-normal` class. */
  public readonly normal: k8s.KubePriorityClass;

  public constructor(scope: Construct, id: string, props: EdgePriorityClassesProps = {}) {
    super(scope, id);
    this.critical = new k8s.KubePriorityClass(this, 'Critical', {
      metadata: { name: 'edge-critical' },
      value: EDGE_CRITICAL_PRIORITY,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Edge platform components that keep the site working while offline.',
    });
    this.normal = new k8s.KubePriorityClass(this, 'Normal', {
      metadata: { name: 'edge-normal' },
      value: EDGE_NORMAL_PRIORITY,
      globalDefault: props.globalDefault ?? true,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Default priority of edge workloads.',
    });
  }
}
