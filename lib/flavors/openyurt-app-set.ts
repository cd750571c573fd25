import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { YurtAppSet } from '../../imports/apps.openyurt.io';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import { EdgeSite } from '../fleet/edge-site';
import { NODE_POOL_LABEL, nodePoolName } from '../core/site/flavor-labels';
import { checkSpreadOptions, YURT_APP_SET_KIND } from './private/spread-rules';
import { spreadWorkload } from './private/spread-workload';
import type { OpenYurtAppSetOptions } from './spread-options';

/** Props of an OpenYurtAppSet. */
export interface OpenYurtAppSetProps extends OpenYurtAppSetOptions {}

/**
 * A workload spread over the Edge node pools of an OpenYurt site: a YurtAppSet
 * (`apps.openyurt.io/v1alpha1`, the only version the pinned yurt-manager chart 1.4.2
 * serves: ../shared/charts/yurt-manager/1.4.2/crds.txt) whose Deployment template is
 * built like an EdgeApp's and placed on the pools' tiers, with one topology pool per
 * Edge pool giving its replicas, plus a Service and a PodDisruptionBudget over all
 * its pods. yurt-manager runs one Deployment per pool and adds the pool's
 * `nodeSelectorTerm` (the pool label its members carry) to its pods' node affinity.
 */
export class OpenYurtAppSet extends Construct {
  /** Name of the workload. */
  public readonly name: string;
  /** Namespace of the workload. */
  public readonly namespace: string;
  /** The YurtAppSet. */
  public readonly appSet: YurtAppSet;
  /** The Service, when the app has ports. */
  public readonly service?: k8s.KubeService;
  /** The PodDisruptionBudget, when the pools run more than one pod in all. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;

  public constructor(scope: Construct, id: string, props: OpenYurtAppSetProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const { pools, ...app } = props;
    const problems = new Problems();
    checkSpreadOptions(app, pools, YURT_APP_SET_KIND, site.spec, this.node.path, problems);
    throwIfProblems(problems, `OpenYurtAppSet ${this.node.path} is invalid`);

    this.name = app.name;
    this.namespace = app.namespace;
    const targets = pools.map((p) => ({ ...p, name: nodePoolName(site.spec.name, p.tier), nodeLabel: NODE_POOL_LABEL }));
    const workload = spreadWorkload(this, app, targets, 'YurtAppSet');
    this.service = workload.service;
    this.podDisruptionBudget = workload.podDisruptionBudget;
    this.appSet = new YurtAppSet(this, 'AppSet', {
      metadata: { name: app.name, namespace: app.namespace, labels: { ...workload.selectorLabels, ...app.labels } },
      spec: {
        selector: { matchLabels: { ...workload.selectorLabels } },
        revisionHistoryLimit: 3,
        workloadTemplate: { deploymentTemplate: { metadata: workload.deployment.metadata, spec: workload.deployment.spec } },
        topology: {
          // Pools by name: each is the site's own `<site>-<tier>` pool, whose members carry the pool label.
          pools: targets.map((t) => ({
            name: t.name,
            nodeSelectorTerm: { matchExpressions: [{ key: NODE_POOL_LABEL, operator: 'In', values: [t.name] }] },
            replicas: t.replicas,
          })),
        },
      },
    });
  }
}
