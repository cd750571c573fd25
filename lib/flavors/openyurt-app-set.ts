import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { YurtAppSetV1Beta1 } from '../../imports/apps.openyurt.io';
import { throwIfProblems } from '../private/errors';
import { SITE_LABEL } from '../private/labels';
import { Problems } from '../private/problems';
import { EdgeSite } from '../site/edge-site';
import { TIER_LABEL } from '../site/tier';
import { NODE_POOL_LABEL, nodePoolName } from './flavor-labels';
import { checkSpreadOptions, YURT_APP_SET_KIND } from './private/spread-rules';
import { spreadWorkload } from './private/spread-workload';
import type { OpenYurtAppSetOptions } from './spread-options';

/** Props of an OpenYurtAppSet. */
export interface OpenYurtAppSetProps extends OpenYurtAppSetOptions {}

/**
 * A workload spread over the Edge node pools of an OpenYurt site: a YurtAppSet
 * (`apps.openyurt.io/v1beta1`, the storage version) whose Deployment template is
 * built like an EdgeApp's and placed on the pools' tiers, with one tweak per pool
 * setting its replicas, plus a Service and a PodDisruptionBudget over all its pods.
 * yurt-manager runs one Deployment per pool, pinned to the pool's nodes.
 */
export class OpenYurtAppSet extends Construct {
  /** Name of the workload. */
  public readonly name: string;
  /** Namespace of the workload. */
  public readonly namespace: string;
  /** The YurtAppSet. */
  public readonly appSet: YurtAppSetV1Beta1;
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
    const poolSelector = (tiers: readonly string[]) => ({
      matchExpressions: [
        { key: SITE_LABEL, operator: 'In', values: [site.spec.name] },
        { key: TIER_LABEL, operator: 'In', values: [...tiers] },
      ],
    });
    this.appSet = new YurtAppSetV1Beta1(this, 'AppSet', {
      metadata: { name: app.name, namespace: app.namespace, labels: { ...workload.selectorLabels, ...app.labels } },
      spec: {
        // Pools are chosen by their labels (the site and tier every Edge pool of the site carries), not by name.
        nodepoolSelector: poolSelector(targets.map((t) => t.tier)),
        revisionHistoryLimit: 3,
        workload: {
          workloadTemplate: { deploymentTemplate: { metadata: workload.deployment.metadata, spec: workload.deployment.spec } },
          workloadTweaks: targets.map((t) => ({ nodepoolSelector: poolSelector([t.tier]), tweaks: { replicas: t.replicas } })),
        },
      },
    });
  }
}
