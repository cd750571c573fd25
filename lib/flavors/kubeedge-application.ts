import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { EdgeApplication } from '../../imports/apps.kubeedge.io';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import { EdgeSite } from '../fleet/edge-site';
import { NODE_GROUP_LABEL, nodeGroupName } from '../core/site/flavor-labels';
import { checkSpreadOptions, EDGE_APPLICATION_KIND } from './private/spread-rules';
import { spreadWorkload } from './private/spread-workload';
import type { KubeEdgeApplicationOptions } from './spread-options';

/** Props of a KubeEdgeApplication. */
export interface KubeEdgeApplicationProps extends KubeEdgeApplicationOptions {}

/**
 * A workload spread over the node groups of a KubeEdge site: an EdgeApplication
 * (`apps.kubeedge.io/v1alpha1`) whose one Deployment template is built like an
 * EdgeApp's and placed on the groups' tiers, with a per-group override of its
 * replicas, plus a Service and a PodDisruptionBudget over all its pods. CloudCore
 * runs one Deployment per group, pinned to the group's nodes.
 */
export class KubeEdgeApplication extends Construct {
  /** Name of the workload. */
  public readonly name: string;
  /** Namespace of the workload. */
  public readonly namespace: string;
  /** The EdgeApplication. */
  public readonly application: EdgeApplication;
  /** The Service, when the app has ports. */
  public readonly service?: k8s.KubeService;
  /** The PodDisruptionBudget, when the groups run more than one pod in all. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;

  public constructor(scope: Construct, id: string, props: KubeEdgeApplicationProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const { groups, ...app } = props;
    const problems = new Problems();
    checkSpreadOptions(app, groups, EDGE_APPLICATION_KIND, site.spec, this.node.path, problems);
    throwIfProblems(problems, `KubeEdgeApplication ${this.node.path} is invalid`);

    this.name = app.name;
    this.namespace = app.namespace;
    const targets = groups.map((g) => ({ ...g, name: nodeGroupName(site.spec.name, g.tier), nodeLabel: NODE_GROUP_LABEL }));
    const workload = spreadWorkload(this, app, targets, 'EdgeApplication');
    this.service = workload.service;
    this.podDisruptionBudget = workload.podDisruptionBudget;
    this.application = new EdgeApplication(this, 'Application', {
      metadata: { name: app.name, namespace: app.namespace, labels: { ...workload.selectorLabels, ...app.labels } },
      spec: {
        workloadTemplate: { manifests: [workload.deployment] },
        workloadScope: {
          targetNodeGroups: targets.map((t) => ({ name: t.name, overriders: { replicas: t.replicas } })),
        },
      },
    });
  }
}
