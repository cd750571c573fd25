import { joinsHubControlPlane, PLATFORM_NAMESPACES, platformNamespace } from '../core/site/shared-control-plane';
import { sharedControlPlaneSiteProblems } from '../cluster/hub-flavors';
import type { EdgeAppOptions } from '../core/site/edge-app';
import { absolutePathProblem, urlProblem } from '../core/validation/checks';
import { checkServers, CLUSTER_KEYS, readCluster, readClusterFlavor } from '../core/validation/read-cluster';
import { describeGate, k3sHasFeature, WILDCARD_MIRROR_GATE } from '../core/node/k3s-versions';
import {
  ClusterFlavor, DEFAULT_CONNECTIVITY, DEFAULT_KUBERNETES_VERSION, DEFAULT_MIRRORED_REGISTRIES, KUBERNETES_VERSIONS,
  KubernetesVersion, ResolvedNodeSpec, ResolvedSiteSpec,
} from '../core/spec/site-spec';
import { TIERS } from '../core/spec/tier';
import { DURATION_RULE, parseDurationSeconds } from '../core/validation/duration';
import { siteComponents } from './component-registry';
import { checkEdgeAppOptions } from '../core/validation/edge-app-rules';
import { readSiteTerraformSettings, TerraformSettings } from '../terraform/terraform-settings';
import { dns1123LabelProblem, dns1123SubdomainProblem, labelValueProblem } from '../core/validation/names';
import { cidrProblem } from '../core/validation/network';
import { childPath, Problems } from '../core/validation/problems';
import { readApp } from '../core/validation/read-app';
import { readNode } from '../core/validation/read-node';
import { readPrerequisites } from '../core/validation/read-prerequisites';
import { describe, MappingReader } from '../core/validation/reader';

export const SITE_KEYS = [
  'name', 'location', 'tier', 'region', 'zone', 'kubernetesVersion', 'cluster', 'nodes', 'network', 'connectivity',
  'registryMirror', 'namespaces', 'apps', 'components', 'terraform', 'prerequisites',
];
export const DEFAULTS_KEYS = ['tier', 'region', 'kubernetesVersion', 'cluster', 'network', 'connectivity', 'registryMirror', 'components', 'prerequisites'];
const NETWORK_KEYS = ['siteCidrs', 'cloudCidrs', 'cni'];
const CONNECTIVITY_KEYS = ['offlineTolerance', 'syncInterval'];
const MIRROR_KEYS = ['endpoint', 'registries', 'caFile'];
/** Namespaces a site may not declare: Kubernetes owns them. */
const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** What every site of a fleet reads besides its own block. */
export interface FleetContext {
  /** The fleet `defaults` block. */
  readonly defaults?: MappingReader;
  /** The fleet `terraform` block: every site then gets Terraform cluster access. */
  readonly terraform?: TerraformSettings;
}

/**
 * Reads one site, with the fleet defaults as fallback, and checks every rule that
 * involves only this site. Returns undefined when the site is too broken to resolve.
 */
export function readSite(value: unknown, path: string, problems: Problems, fleet: FleetContext = {}): ResolvedSiteSpec | undefined {
  const defaults = fleet.defaults;
  const r = MappingReader.of(value, path, problems, SITE_KEYS, defaults);
  if (!r) return undefined;
  r.require('name', 'the site name (DNS-1123 label)');
  r.require('nodes', 'the list of the site\'s nodes');
  const name = r.string('name', dns1123LabelProblem);
  const tier = r.oneOf('tier', TIERS) ?? 'micro';
  const location = r.string('location');
  const region = r.string('region', labelValueProblem);
  const zone = r.string('zone', labelValueProblem);
  const kubernetesVersion = readKubernetesVersion(r);
  // Without a block of its own, the site's cluster problems are still reported at its own path.
  const clusterReader = ((value as Record<string, unknown>).cluster !== undefined ? r.mapping('cluster', CLUSTER_KEYS) : undefined)
    ?? MappingReader.empty(childPath(path, 'cluster'), problems, CLUSTER_KEYS, defaults?.mapping('cluster', CLUSTER_KEYS));
  const nodes = readNodes(r, problems, tier, readClusterFlavor(clusterReader));
  const cluster = readCluster(clusterReader, { siteName: name ?? String(r.raw('name') ?? ''), siteTier: tier, kubernetesVersion, nodes });
  const network = readNetwork(r);
  const connectivity = readConnectivity(r);
  const registryMirror = readRegistryMirror(r, problems);
  const apps = (r.list('apps') ?? []).map((item) => ({ app: readApp(item.value, item.path, problems), path: item.path }));
  const platform = PLATFORM_NAMESPACES.map((ns) => platformNamespace({ name: name ?? String(r.raw('name') ?? ''), cluster }, ns));
  const tooLong = name === undefined ? undefined : platform.find((ns) => ns.length > 63);
  if (tooLong) r.report('name', `is too long for a site on the hub's shared control plane: its namespace "${tooLong}" would be longer than 63 characters; use at most ${63 - (tooLong.length - name!.length)} characters`);
  const namespaces = readNamespaces(r, apps.map((a) => a.app).filter((a): a is EdgeAppOptions => a !== undefined), platform);

  if (nodes === undefined) return undefined;
  // The apps are checked even when the name is wrong, so one run reports both.
  const site: ResolvedSiteSpec = {
    name: name ?? String(r.raw('name') ?? ''), tier, kubernetesVersion, cluster, nodes, network, connectivity, namespaces,
    apps: apps.flatMap((a) => (a.app ? [a.app] : [])),
    components: {},
    ...(location !== undefined ? { location } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(zone !== undefined ? { zone } : {}),
    ...(registryMirror ? { registryMirror } : {}),
  };
  checkApps(site, apps, problems);
  // A site on the hub's control plane has no stack of its own: the hub's stack is its platform layer.
  const ownStack = !joinsHubControlPlane(site);
  if (!ownStack && r.has('terraform')) {
    r.report('terraform', `site ${site.name} joins the hub's control plane (${cluster.flavor}), so it has no Terraform stack of its own: the hub's stack (terraform.hub) installs its platform layer`);
  }
  const terraform = ownStack && (r.has('terraform') || fleet.terraform)
    ? readSiteTerraformSettings(r.raw('terraform'), childPath(path, 'terraform'), problems, site.name, fleet.terraform)
    : undefined;
  const prerequisites = readPrerequisites((value as Record<string, unknown>).prerequisites, childPath(path, 'prerequisites'), problems, defaults);
  const resolved = {
    ...site, components: readComponents(r, site), ...(terraform ? { terraform } : {}), ...(prerequisites.length > 0 ? { prerequisites } : {}),
  };
  checkAirGapMirror(clusterReader, resolved);
  checkWildcardMirror(r, resolved, problems);
  for (const p of sharedControlPlaneSiteProblems(resolved, path)) problems.add(p.path, p.message);
  return name === undefined ? undefined : resolved;
}

function readComponents(r: MappingReader, site: ResolvedSiteSpec): ResolvedSiteSpec['components'] {
  const block = r.mapping('components', siteComponents().map((c) => c.key));
  const components: Record<string, unknown> = {};
  for (const definition of siteComponents()) {
    const raw = block?.raw(definition.key);
    if (raw === undefined) continue;
    const options = definition.read(raw, block!.pathOf(definition.key), r.problems, site);
    if (options !== undefined) components[definition.key] = options;
  }
  return components as ResolvedSiteSpec['components'];
}

function readKubernetesVersion(r: MappingReader): KubernetesVersion {
  const raw = r.raw('kubernetesVersion');
  if (typeof raw === 'number') {
    r.report('kubernetesVersion', `must be a quoted string such as "1.30" (YAML reads an unquoted ${raw} as a number); allowed: ${KUBERNETES_VERSIONS.join(', ')}`);
    return DEFAULT_KUBERNETES_VERSION;
  }
  return r.oneOf('kubernetesVersion', KUBERNETES_VERSIONS) ?? DEFAULT_KUBERNETES_VERSION;
}

function readNodes(r: MappingReader, problems: Problems, tier: ResolvedSiteSpec['tier'], flavor: ClusterFlavor): ResolvedNodeSpec[] | undefined {
  const items = r.list('nodes');
  if (!items) return undefined;
  if (items.length === 0) {
    r.report('nodes', 'must list at least one node');
    return undefined;
  }
  const nodes: ResolvedNodeSpec[] = [];
  const seen = new Map<string, string>();
  for (const item of items) {
    const node = readNode(item.value, item.path, problems, tier, items.length === 1, flavor);
    if (!node) continue;
    const first = seen.get(node.name);
    if (first) problems.add(childPath(item.path, 'name'), `node name "${node.name}" is already used by ${first}`);
    else seen.set(node.name, item.path);
    nodes.push(node);
  }
  // The rules name nodes by their index: only when every node was readable are the indexes right.
  if (nodes.length === items.length) checkServers(nodes, r.pathOf('nodes'), problems);
  return nodes;
}

/** An air-gapped site pulls only through a mirror: its own registryMirror or its registry cache. */
function checkAirGapMirror(c: MappingReader, site: ResolvedSiteSpec): void {
  if (site.cluster.airGap && !site.registryMirror && site.components.registryCache === undefined) {
    c.report('airGap', 'needs a registry mirror the nodes pull every image through: give the site a registryMirror (e.g. a regional registry) or a components.registryCache');
  }
}

/** The k3s nodes' registries.yaml gets the `"*"` mirror entry, which only newer k3s releases read. */
function checkWildcardMirror(r: MappingReader, site: ResolvedSiteSpec, problems: Problems): void {
  if (!site.registryMirror?.registries.includes('*') || !site.nodes.some((n) => n.runtime === 'k3s')) return;
  if (k3sHasFeature(site.cluster.k3sVersion, WILDCARD_MIRROR_GATE)) return;
  problems.add(childPath(r.pathOf('registryMirror'), 'registries'), `"*" needs k3s's wildcard mirror entry (${describeGate(WILDCARD_MIRROR_GATE)} and later); `
    + `the site runs ${site.cluster.k3sVersion}, which takes "*" for a registry name and pulls around the mirror: list the registries, or raise kubernetesVersion or cluster.k3sVersion`);
}

function readNetwork(r: MappingReader): ResolvedSiteSpec['network'] {
  const n = r.mapping('network', NETWORK_KEYS);
  return {
    siteCidrs: n?.stringList('siteCidrs', cidrProblem) ?? [],
    cloudCidrs: n?.stringList('cloudCidrs', cidrProblem) ?? [],
    cni: n?.oneOf('cni', ['kubernetes', 'cilium'] as const) ?? 'kubernetes',
  };
}

function readConnectivity(r: MappingReader): ResolvedSiteSpec['connectivity'] {
  const c = r.mapping('connectivity', CONNECTIVITY_KEYS);
  const duration = (v: string) => ((parseDurationSeconds(v) ?? 0) > 0 ? undefined : `${describe(v)} is not ${DURATION_RULE}`);
  const offlineTolerance = c?.string('offlineTolerance', duration) ?? DEFAULT_CONNECTIVITY.offlineTolerance;
  const syncInterval = c?.string('syncInterval', duration) ?? DEFAULT_CONNECTIVITY.syncInterval;
  if (c && parseDurationSeconds(syncInterval)! > parseDurationSeconds(offlineTolerance)!) {
    c.report('syncInterval', `${syncInterval} is longer than the offline tolerance ${offlineTolerance}; the site would count as offline between two syncs`);
  }
  return { offlineTolerance, syncInterval };
}

function readRegistryMirror(r: MappingReader, problems: Problems): ResolvedSiteSpec['registryMirror'] {
  // A site's own mirror replaces the fleet's whole, never mixing fields of the two.
  const own = r.raw('registryMirror');
  if (own === undefined) return undefined;
  const m = MappingReader.of(own, r.pathOf('registryMirror'), problems, MIRROR_KEYS);
  if (!m) return undefined;
  m.require('endpoint', 'the mirror URL, e.g. https://registry.site.local:5000');
  const endpoint = m.string('endpoint', (v) => urlProblem(v, ['https:', 'http:']));
  const registries = m.stringList('registries', (v) => (v === '*' ? undefined : dns1123SubdomainProblem(v.replace(/:\d+$/, '')))) ?? DEFAULT_MIRRORED_REGISTRIES;
  const caFile = m.string('caFile', absolutePathProblem);
  if (endpoint === undefined) return undefined;
  return { endpoint, registries: [...new Set(registries)], ...(caFile !== undefined ? { caFile } : {}) };
}

function readNamespaces(r: MappingReader, apps: EdgeAppOptions[], platform: readonly string[]): string[] {
  const declared = r.stringList('namespaces', (v) => dns1123LabelProblem(v)
    ?? (RESERVED_NAMESPACES.includes(v) ? `"${v}" belongs to Kubernetes; edge workloads run in their own namespaces` : undefined)) ?? [];
  const all = new Set([...platform, ...declared, ...apps.map((a) => a.namespace)]);
  return [...all].sort();
}

function checkApps(site: ResolvedSiteSpec, apps: { app?: EdgeAppOptions; path: string }[], problems: Problems): void {
  const seen = new Map<string, string>();
  for (const { app, path } of apps) {
    if (!app) continue;
    checkEdgeAppOptions(app, site, path, problems);
    if (RESERVED_NAMESPACES.includes(app.namespace)) {
      problems.add(childPath(path, 'namespace'), `"${app.namespace}" belongs to Kubernetes; edge workloads run in their own namespaces`);
    }
    const key = `${app.namespace}/${app.name}`;
    const first = seen.get(key);
    if (first) problems.add(childPath(path, 'name'), `app ${key} is already defined at ${first}`);
    else seen.set(key, path);
  }
}
