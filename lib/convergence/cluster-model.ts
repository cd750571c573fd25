import type { NodeAllocatable } from '../core/node/capacity';
import { k3sProvidesNvidiaRuntimeClass } from '../cluster/nvidia-runtime-class';
import { imagesOfTemplate, podTemplatesOf } from '../core/policy/pod-templates';
import { joinsHubControlPlane, PLATFORM_NAMESPACES, platformNamespace } from '../core/site/shared-control-plane';
import type { Prerequisite, ResolvedSiteSpec } from '../core/spec/site-spec';
import { HUB_STACK_NAME, terraformStackFile } from '../terraform/terraform-files';
import { isBuiltinServed, kubernetesMinor } from './builtin-apis';
import { controllerOfImage, KnownController } from './controllers';
import { PlatformRelease, releaseFootprint, releasesOf, valueAt } from './platform-releases';
import { groupOf } from './site-object';

/** A taint a node carries. */
export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** One node as the scheduler will see it. */
export interface ModelNode extends NodeAllocatable {
  /** The site the node belongs to. */
  readonly site: string;
  readonly taints: readonly NodeTaint[];
  /**
   * The accelerator kind, e.g. `nvidia-gpu`, and how many devices.
   * @default - none
   */
  readonly accelerator?: { readonly kind: string; readonly count: number };
}

/** A CRD the cluster serves: plural, group and versions, and what installs it. */
export interface ServedCrd {
  readonly plural: string;
  readonly group: string;
  readonly versions: readonly string[];
  readonly source: string;
}

/** Something that runs on the cluster, and where it comes from. */
export interface RunningImage {
  readonly image: string;
  readonly source: string;
}

/** What a site's cluster really has, against which every convergence check runs. */
export interface ClusterModel {
  readonly site: string;
  /** Kubernetes minor (30 for 1.30). */
  readonly minor: number;
  /** `k3s`, plain `kubernetes` (kubelet servers), or the `hub` control plane a site's nodes join. */
  readonly distribution: 'k3s' | 'kubernetes' | 'hub';
  /** The Helm releases of the platform layer (and of the hub, for sites that join it). */
  readonly releases: readonly PlatformRelease[];
  /** Every release of the hub's stack, whether the site's cluster is the hub's or not (the hub evaluates alerts of sites). */
  readonly hubReleases: readonly PlatformRelease[];
  readonly crds: readonly ServedCrd[];
  /** Images that run on the cluster: platform releases, the hub's, the site's workloads. */
  readonly running: readonly RunningImage[];
  /** Images the site's nodes pull for the platform layer (the site's own are read from its objects). */
  readonly platformImages: readonly string[];
  /** Objects that exist without the site writing them: `Kind namespace/name` or `Kind name` → source. */
  readonly provided: ReadonlyMap<string, string>;
  /** Metrics API groups served → by what. */
  readonly metricsApis: ReadonlyMap<string, string>;
  /** Extended resources advertised → by what. */
  readonly extendedResources: ReadonlyMap<string, string>;
  /** The site's nodes. */
  readonly nodes: readonly ModelNode[];
  /** The prerequisites the user declared. */
  readonly prerequisites: readonly Prerequisite[];
  /** Chart versions without recorded facts, as problems for the plan and the check. */
  readonly unknownCharts: readonly string[];
}

/** What the model is built from. */
export interface ClusterModelInputs {
  readonly spec: ResolvedSiteSpec;
  /** The site's own objects (resolved JSON). */
  readonly objects: readonly any[];
  readonly nodes: readonly ModelNode[];
  /** The site's Terraform stack JSON. @default - no platform layer */
  readonly siteStack?: string;
  /**
   * The hub's Terraform stack JSON: all of it counts for sites whose nodes join the hub's
   * control plane; for others only what the hub runs for them (a hub-mode SPIRE site's
   * controller manager).
   * @default - none
   */
  readonly hubStack?: string;
  /** Objects the site's k3s servers deploy from their auto-deploy manifests folder. @default - none */
  readonly nodeManifests?: readonly unknown[];
}

/** Objects every cluster has: the built-in namespaces, PriorityClasses and ClusterRoles. */
const BUILTIN_OBJECTS = [
  'Namespace default', 'Namespace kube-system', 'Namespace kube-public', 'Namespace kube-node-lease',
  'PriorityClass system-node-critical', 'PriorityClass system-cluster-critical',
  'ClusterRole cluster-admin', 'ClusterRole admin', 'ClusterRole edit', 'ClusterRole view',
];

/** CRDs k3s's own controllers register (k3s pkg/crd: helm-controller and k3s.cattle.io). */
const K3S_CRDS: readonly Omit<ServedCrd, 'source'>[] = [
  { plural: 'helmcharts', group: 'helm.cattle.io', versions: ['v1'] },
  { plural: 'helmchartconfigs', group: 'helm.cattle.io', versions: ['v1'] },
  { plural: 'addons', group: 'k3s.cattle.io', versions: ['v1'] },
  { plural: 'etcdsnapshotfiles', group: 'k3s.cattle.io', versions: ['v1'] },
];

/** Builds a site's cluster model. */
export function clusterModelOf(inputs: ClusterModelInputs): ClusterModel {
  const { spec } = inputs;
  const hub = joinsHubControlPlane(spec);
  const k3s = !hub && spec.nodes.some((n) => n.role === 'server' && n.runtime === 'k3s');
  const distribution = hub ? 'hub' : k3s ? 'k3s' : 'kubernetes';
  const hubReleases = inputs.hubStack ? releasesOf(inputs.hubStack, terraformStackFile(HUB_STACK_NAME), true) : [];
  const releases = [...(inputs.siteStack ? releasesOf(inputs.siteStack, terraformStackFile(spec.name), false) : []), ...(hub ? hubReleases : [])];
  const crds: ServedCrd[] = [];
  const running: RunningImage[] = [];
  const platformImages = new Set<string>();
  const provided = new Map<string, string>(BUILTIN_OBJECTS.map((o) => [o, 'Kubernetes']));
  const metricsApis = new Map<string, string>();
  const extendedResources = new Map<string, string>();
  const unknownCharts: string[] = [];

  for (const release of releases) {
    const source = `${release.hub ? 'hub ' : ''}release ${release.key} (${release.chart} ${release.version})`;
    if (release.createsNamespace) provided.set(`Namespace ${release.namespace}`, source);
    const footprint = releaseFootprint(release);
    if (typeof footprint === 'string') {
      unknownCharts.push(`${source}: ${footprint}`);
      continue;
    }
    for (const line of footprint.crds) {
      const [name, ...versions] = line.split(/\s+/);
      const dot = name.indexOf('.');
      crds.push({ plural: name.slice(0, dot), group: name.slice(dot + 1), versions, source });
    }
    for (const image of footprint.images) {
      running.push({ image, source });
      // The hub's images are pulled by the hub's nodes, not the site's.
      if (!release.hub) platformImages.add(image);
    }
    if (release.chart === 'longhorn') provided.set('StorageClass longhorn', source);
  }
  // A hub-mode SPIRE site's ClusterSPIFFEIDs are reconciled by the hub's server, which runs a
  // controller manager per site cluster (spire chart `spire-server.externalControllerManagers`).
  const clusterName = spec.components.spire?.clusterName ?? spec.name;
  for (const release of hub ? [] : hubReleases.filter((r) => r.chart === 'spire')) {
    const external = valueAt(release.values, 'spire-server.externalControllerManagers', {}) as { enabled?: boolean; clusters?: Record<string, unknown> };
    const footprint = releaseFootprint(release);
    const image = typeof footprint === 'string' ? undefined : footprint.images.find((i) => i.includes('spire-controller-manager'));
    if (external.enabled === true && external.clusters?.[clusterName] !== undefined && image) {
      running.push({ image, source: `hub release ${release.key}: its controller manager for cluster ${clusterName}` });
    }
  }
  if (k3s) {
    for (const crd of K3S_CRDS) crds.push({ ...crd, source: 'k3s' });
    if (!spec.cluster.disable.includes('metrics-server')) metricsApis.set('metrics.k8s.io', 'k3s\'s bundled metrics-server');
    if (!spec.cluster.disable.includes('local-storage')) provided.set('StorageClass local-path', 'k3s\'s bundled local-path provisioner');
  }
  for (const object of (inputs.nodeManifests ?? []) as any[]) {
    const source = 'k3s auto-deploy manifests';
    for (const template of podTemplatesOf(object)) {
      for (const image of imagesOfTemplate(template)) {
        running.push({ image, source });
        platformImages.add(image);
      }
    }
    if (object?.kind === 'CustomResourceDefinition') crds.push(crdOf(object, source));
    if (object?.kind === 'Namespace') provided.set(`Namespace ${object.metadata?.name}`, source);
  }
  if (k3s && k3sProvidesNvidiaRuntimeClass(spec)) provided.set('RuntimeClass nvidia', 'k3s (runtimes.yaml, for the NVIDIA runtime it detects)');
  for (const object of inputs.objects) {
    for (const template of podTemplatesOf(object)) {
      for (const image of imagesOfTemplate(template)) running.push({ image, source: `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}` });
    }
    if (object.kind === 'CustomResourceDefinition' && object.apiVersion === 'apiextensions.k8s.io/v1') crds.push(crdOf(object, 'the site folder'));
  }
  for (const { image, source } of running) {
    const controller: KnownController | undefined = controllerOfImage(image);
    for (const api of controller?.metricsApis ?? []) metricsApis.set(api, `${controller!.name} (${source})`);
    for (const resource of controller?.extendedResources ?? []) extendedResources.set(resource, `${controller!.name} (${source})`);
  }
  const prerequisites = spec.prerequisites ?? [];
  for (const p of prerequisites) {
    const reason = `declared prerequisite (${p.reason})`;
    // A Secret in `monitoring` is in the site's own monitoring namespace, site-scoped on the hub.
    const namespace = p.namespace !== undefined && PLATFORM_NAMESPACES.includes(p.namespace) ? platformNamespace(spec, p.namespace) : p.namespace;
    provided.set(objectKey(p.kind, p.name, namespace), reason);
    if (p.kind === 'CustomResourceDefinition') {
      const dot = p.name.indexOf('.');
      crds.push({ plural: p.name.slice(0, dot), group: p.name.slice(dot + 1), versions: ['*'], source: reason });
    }
    if (p.kind === 'APIService') {
      const api = p.name.replace(/^v[0-9a-z]+\./, '');
      metricsApis.set(api, reason);
    }
  }
  return {
    site: spec.name, minor: kubernetesMinor(spec.kubernetesVersion), distribution, releases, hubReleases, crds, running,
    platformImages: [...platformImages].sort(), provided, metricsApis, extendedResources, nodes: inputs.nodes, prerequisites, unknownCharts,
  };
}

function crdOf(object: any, source: string): ServedCrd {
  return {
    plural: String(object.spec?.names?.plural), group: String(object.spec?.group),
    versions: (object.spec?.versions ?? []).filter((v: any) => v.served !== false).map((v: any) => String(v.name)), source,
  };
}

/** The key of an object in `provided`: `Kind namespace/name`, or `Kind name` when cluster-scoped. */
export function objectKey(kind: string, name: string, namespace?: string): string {
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

/** Where an apiVersion/kind is served from, or undefined when the cluster does not serve it. */
export function servedBy(model: ClusterModel, apiVersion: string, kind: string): string | undefined {
  if (isBuiltinServed(apiVersion, kind, model.minor)) return `Kubernetes 1.${model.minor}`;
  const group = groupOf(apiVersion);
  const version = apiVersion.split('/').pop()!;
  const crd = model.crds.find((c) => c.group === group && isPluralOf(c.plural, kind) && (c.versions.includes(version) || c.versions.includes('*')));
  return crd?.source;
}

/** The versions the cluster serves of a kind's group, for "served instead" hints. */
export function servedVersions(model: ClusterModel, apiVersion: string, kind: string): string[] {
  const group = groupOf(apiVersion);
  return model.crds.filter((c) => c.group === group && isPluralOf(c.plural, kind)).flatMap((c) => c.versions.map((v) => `${group}/${v} (${c.source})`));
}

/** A CRD's plural is the kind lower-cased and pluralised the way controller-gen does. */
function isPluralOf(plural: string, kind: string): boolean {
  const lower = kind.toLowerCase();
  return plural === `${lower}s` || plural === `${lower}es` || (lower.endsWith('y') && plural === `${lower.slice(0, -1)}ies`);
}
