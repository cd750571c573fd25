import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { appContainer, deploymentStrategy } from '../../core/workload/workload-parts';
import { SITE_LABEL, siteLabels, workloadLabels } from '../../core/site/labels';
import { parseBytes, parseCpuMillis } from '../../core/validation/quantity';
import { resolveBudget } from '../../core/workload/resources';
import { applicationPodDefaults, containerResources, scratchVolumes } from '../../core/workload/pod-defaults';
import type { EdgeAppOptions } from '../../core/site/edge-app';
import { EdgeSite } from '../../fleet/edge-site';
import { placePods } from '../../core/site/placement';
import { clusterObjectName } from '../../core/site/shared-control-plane';
import { TIERS, tierProfile } from '../../core/spec/tier';
import type { SpreadTargetOptions } from '../spread-options';

/** What a spread workload consists of besides the object that spreads it. */
export interface SpreadWorkload {
  /** The Deployment manifest (plain JSON) the pools' or groups' Deployments are made from. */
  readonly deployment: any;
  /** Labels the pods are selected by. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** The ClusterIP Service over every pool's pods, when the app has ports. */
  readonly service?: k8s.KubeService;
  /** The PodDisruptionBudget over every pool's pods, when there is more than one pod. */
  readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
}

/** How a target's nodes are told apart, for the capacity check. */
export interface SpreadTarget extends SpreadTargetOptions {
  /** Name of the pool or group. */
  readonly name: string;
  /** The node label its members carry. */
  readonly nodeLabel: string;
}

/**
 * The Deployment template of a spread workload, built like an EdgeApp's (restricted
 * pod security, the tier budget, probes, writable emptyDirs, IfNotPresent), placed
 * on the tiers of its targets (the controller adds each target's own selector), and
 * the Service and PodDisruptionBudget over all its pods. Each target's pods are
 * registered for the capacity check on that target's nodes.
 */
export function spreadWorkload(scope: Construct, app: EdgeAppOptions, targets: readonly SpreadTarget[], what: string): SpreadWorkload {
  const site = EdgeSite.of(scope);
  site.ensureNamespace(app.namespace);
  const tiers = TIERS.filter((t) => targets.some((target) => target.tier === t));
  // One template for every target: the budget of the smallest tier it runs on.
  const budget = resolveBudget(app.resources, tierProfile(tiers[0]).containerBudget);
  const selectorLabels = workloadLabels(app.name);
  const metadata = { name: app.name, namespace: app.namespace, labels: { ...siteLabels(site.spec.name), ...selectorLabels, ...app.labels } };
  const most = Math.max(...targets.map((t) => t.replicas));
  const total = targets.reduce((sum, t) => sum + t.replicas, 0);
  const scratch = scratchVolumes(app.writablePaths ?? ['/tmp'], app.writableSizeLimit ?? '64Mi');
  const ports = app.ports ?? [];
  // Several tiers are a node affinity; the controller adds each target's own selector.
  // The site label keeps the pods on the site's nodes of the hub's shared control plane.
  const { nodeSelector: tierSelector, ...placement } = placePods({ tiers });
  const nodeSelector = { ...tierSelector, [SITE_LABEL]: site.spec.name };
  const container = appContainer(app, { resources: containerResources(budget), volumeMounts: scratch.volumeMounts });
  const deployment = k8s.KubeDeployment.manifest({
    metadata,
    spec: {
      replicas: most,
      selector: { matchLabels: { ...selectorLabels } },
      strategy: deploymentStrategy(most),
      template: {
        metadata: { labels: { ...selectorLabels, ...app.labels, 'edge.site': site.spec.name } },
        spec: {
          nodeSelector,
          ...placement,
          // The site's PriorityClass, site-scoped on the hub's shared control plane like the class itself.
          ...applicationPodDefaults(clusterObjectName(site.spec, app.priorityClass ?? 'edge-normal'), app),
          topologySpreadConstraints: most > 1 ? [{
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            // A pool may have fewer nodes than replicas: prefer spreading, never block.
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { ...selectorLabels } },
          }] : undefined,
          containers: [container],
          volumes: scratch.volumes,
        },
      },
    },
  });

  const objectMeta = { name: app.name, namespace: app.namespace, labels: { ...selectorLabels, ...app.labels } };
  const service = ports.length > 0 && (app.service ?? true) ? new k8s.KubeService(scope, 'Service', {
    metadata: objectMeta,
    spec: {
      type: 'ClusterIP',
      selector: { ...selectorLabels },
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol ?? 'TCP' })),
    },
  }) : undefined;
  const podDisruptionBudget = total > 1 ? new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
    metadata: objectMeta,
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...selectorLabels } } },
  }) : undefined;

  for (const target of targets) {
    site.registerWorkload({
      path: scope.node.path,
      description: `${what} ${app.namespace}/${app.name} in ${target.name}`,
      tiers: [target.tier],
      nodeLabels: { [target.nodeLabel]: target.name },
      replicas: target.replicas,
      cpuMillis: parseCpuMillis(budget.requests.cpu)!,
      memoryBytes: parseBytes(budget.requests.memory)!,
    });
  }
  return { deployment, selectorLabels, ...(service ? { service } : {}), ...(podDisruptionBudget ? { podDisruptionBudget } : {}) };
}
