import type { WorkloadDemand } from '../core/node/capacity';
import { clusterNodeLabels, nodeAllocatable, registrationTaint } from '../core/node/node-config';
import type { Problem } from '../core/validation/problems';
import type { MirroredNode } from '../core/node/registry-mirrors';
import { alertEvaluator, hubGroupEvaluates } from '../monitoring/alert-evaluation';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { namespaceOwnershipProblems } from '../terraform/namespace-ownership';
import { checkControllers, checkServed } from './check-apis';
import { checkImages } from './check-images';
import { checkReferences } from './check-references';
import { checkScheduling } from './check-scheduling';
import { ClusterModel, clusterModelOf, ModelNode } from './cluster-model';
import { valueAt } from './platform-releases';
import type { SiteObject } from './site-object';

/** The checks a site's convergence is proven by, in the order `plan` shows them. */
export const CONVERGENCE_CHECKS = ['served', 'controllers', 'references', 'namespaces', 'scheduling', 'images'] as const;
/** One convergence check. */
export type ConvergenceCheck = typeof CONVERGENCE_CHECKS[number];

/** What one check found. */
export interface ConvergenceVerdict {
  readonly check: ConvergenceCheck;
  readonly problems: readonly Problem[];
}

/** A site's cluster model and the verdict of every check against it. */
export interface ConvergenceReport {
  readonly model: ClusterModel;
  readonly verdicts: readonly ConvergenceVerdict[];
  /** Every problem of every check. */
  readonly problems: readonly Problem[];
  /** The air-gap image list the images check proved. */
  readonly imageList: readonly string[];
}

/** What a site's convergence is checked from. */
export interface ConvergenceInputs {
  readonly spec: ResolvedSiteSpec;
  /** The site's objects with their construct paths. */
  readonly objects: readonly SiteObject[];
  /** The capacity demands the site's constructs registered. */
  readonly demands: readonly WorkloadDemand[];
  /** The site's Terraform stack JSON. @default - no platform layer */
  readonly siteStack?: string;
  /** The hub's Terraform stack JSON, for sites that join the hub. @default - none */
  readonly hubStack?: string;
  /**
   * The site's air-gap image list (`nodes/<site>/images.txt`).
   * @default - the images of the site's objects and of its platform layer, as EdgeFleet writes it
   */
  readonly imageList?: readonly string[];
  /** The images of the site's own objects. */
  readonly siteImages: readonly string[];
  /**
   * The site's nodes with the registry mirrors they pull through (MicroEdgeNode has both).
   * @default - the site's registryMirror on every node
   */
  readonly mirroredNodes?: readonly MirroredNode[];
  /**
   * Objects k3s servers deploy themselves from the site's node files (`server/manifests/`).
   * @default - none
   */
  readonly nodeManifests?: readonly unknown[];
}

/**
 * An agent-mode site's alerts have an evaluator: the hub's vmalert with a rule group that
 * selects the site (an agent-mode Prometheus evaluates no rules; see `alertEvaluator`).
 */
function checkAlertEvaluation(model: ClusterModel, spec: ResolvedSiteSpec): Problem[] {
  const monitoring = spec.components.monitoring;
  if (!monitoring || alertEvaluator(monitoring) !== 'hub') return [];
  const evaluator = model.hubReleases.find((r) => r.chart === 'victoria-metrics-alert'
    && (valueAt(r.values, 'server.config.alerts.groups', []) as { rules?: { expr?: string }[] }[]).some((g) => hubGroupEvaluates(g, spec.name)));
  if (evaluator) return [];
  return [{
    path: `${spec.name}/Monitoring`,
    message: `the alerts of an agent-mode site are evaluated at the hub, but no rule group of a hub vmalert selects site ${spec.name}: give the fleet's terraform.hub a metricsReceiver, or run monitoring in mode server`,
  }];
}

/** Every namespace has one owner: no Namespace of the site folder is one a release of its cluster creates. */
function checkNamespaceOwnership(model: ClusterModel, objects: readonly SiteObject[]): Problem[] {
  const siteNamespaces = objects.filter(({ object }) => object.kind === 'Namespace' && object.apiVersion === 'v1').map(({ path, object }) => ({ name: String(object.metadata?.name), path }));
  const releaseNamespaces = model.releases.filter((r) => r.createsNamespace).map((r) => ({ namespace: r.namespace, release: r.key, stackFile: r.stackFile }));
  return namespaceOwnershipProblems(siteNamespaces, releaseNamespaces);
}

/** The site's nodes pulling through its registryMirror alone (no mirror a construct adds). */
function specMirroredNodes(spec: ResolvedSiteSpec): MirroredNode[] {
  const mirrors = spec.registryMirror ? [spec.registryMirror] : [];
  return spec.nodes.map((n) => ({ name: n.name, registryMirrors: mirrors }));
}

/** The nodes of a site as the scheduler will see them, from its spec. */
export function modelNodesOf(spec: ResolvedSiteSpec): ModelNode[] {
  return spec.nodes.map((node) => {
    const taint = registrationTaint(node);
    return {
      // The kubelet labels every node with its OS (edge nodes run Linux).
      ...nodeAllocatable(node, spec), labels: { ...clusterNodeLabels(node, spec), 'kubernetes.io/os': 'linux' }, site: spec.name, taints: taint ? [taint] : [],
      ...(node.accelerator ? { accelerator: { kind: node.accelerator.kind, count: node.accelerator.count ?? 1 } } : {}),
    };
  });
}

/**
 * Proves that a site converges on the cluster it will really have: every kind is served, every
 * custom resource has a controller, every reference resolves, every namespace has one owner,
 * every pod can be scheduled, every image is in the air-gap list.
 */
export function checkConvergence(inputs: ConvergenceInputs): ConvergenceReport {
  const model = clusterModelOf({
    spec: inputs.spec, objects: inputs.objects.map((o) => o.object), nodes: modelNodesOf(inputs.spec), nodeManifests: inputs.nodeManifests ?? [],
    ...(inputs.siteStack ? { siteStack: inputs.siteStack } : {}), ...(inputs.hubStack ? { hubStack: inputs.hubStack } : {}),
  });
  const imageList = inputs.imageList ?? [...new Set([...inputs.siteImages, ...model.platformImages])].sort();
  const stackPath = `${inputs.spec.name}/terraform`;
  const verdicts: ConvergenceVerdict[] = [
    { check: 'served', problems: [...model.unknownCharts.map((message) => ({ path: stackPath, message })), ...checkServed(model, inputs.objects)] },
    { check: 'controllers', problems: [...checkControllers(model, inputs.objects), ...checkAlertEvaluation(model, inputs.spec)] },
    { check: 'references', problems: checkReferences(model, inputs.objects) },
    { check: 'namespaces', problems: checkNamespaceOwnership(model, inputs.objects) },
    { check: 'scheduling', problems: checkScheduling(model, inputs.objects, inputs.demands) },
    { check: 'images', problems: checkImages(model, inputs.spec, inputs.siteImages, imageList, inputs.mirroredNodes ?? specMirroredNodes(inputs.spec)) },
  ];
  return { model, verdicts, problems: verdicts.flatMap((v) => v.problems), imageList };
}
