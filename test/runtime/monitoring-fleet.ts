/**
 * The example fleet's monitoring as the runtime suites read it: every site's objects, its
 * nodes with the labels they end up with on the cluster, and the pods its workloads run.
 */
import * as yaml from 'js-yaml';
import { exampleFleetFiles } from '../support/programs';

/** One site of the synthesized fleet. */
export interface FleetSite {
  readonly name: string;
  readonly objects: readonly any[];
  /** Node name → the labels the node carries once registered and patched. */
  readonly nodes: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

function parseYaml(content: string): any[] {
  return (yaml.loadAll(content) as any[]).filter((d) => d !== null && typeof d === 'object');
}

function labelList(entries: readonly string[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => {
    const at = e.indexOf('=');
    return at < 0 ? [e, ''] : [e.slice(0, at), e.slice(at + 1)];
  }));
}

/**
 * The labels of every node: the kubelet's own, and the three places the output puts them: what the node
 * registers with (k3s `node-label`, the kubelet's `--node-labels`), the Node label patch
 * of the site folder, and the OpenYurt NodePool the node joins (whose labels the pool
 * controller keeps on its members).
 */
function nodeLabels(site: string, objects: readonly any[]): Map<string, Record<string, string>> {
  const nodes = new Map<string, Record<string, string>>();
  const prefix = `nodes/${site}/`;
  for (const file of exampleFleetFiles()) {
    if (!file.path.startsWith(prefix)) continue;
    const parts = file.path.slice(prefix.length).split('/');
    if (parts.length < 2) continue;
    // The kubelet labels every node with its OS and hostname (pkg/kubelet/kubelet_node_status.go).
    const labels = nodes.get(parts[0]) ?? { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': parts[0] };
    nodes.set(parts[0], labels);
    if (file.path.includes('/config.yaml.d/')) {
      for (const doc of parseYaml(file.content)) Object.assign(labels, labelList(doc['node-label+'] ?? doc['node-label'] ?? []));
    }
    const args = /--node-labels=([^"\s]+)/.exec(file.content);
    if (parts[1] === 'kubelet.env' && args) Object.assign(labels, labelList(args[1].split(',')));
  }
  for (const object of objects) {
    if (object.kind === 'Node' && nodes.has(object.metadata.name)) Object.assign(nodes.get(object.metadata.name)!, object.metadata.labels ?? {});
  }
  for (const pool of objects.filter((o) => o.kind === 'NodePool')) {
    for (const labels of nodes.values()) {
      if (labels['apps.openyurt.io/nodepool'] === pool.metadata.name) Object.assign(labels, pool.spec?.labels ?? {});
    }
  }
  return nodes;
}

let sites: FleetSite[] | undefined;
/** Every site of the example fleet. */
export function fleetSites(): readonly FleetSite[] {
  if (sites) return sites;
  const bySite = new Map<string, any[]>();
  for (const file of exampleFleetFiles()) {
    const match = /^sites\/([^/]+)\/.+\.yaml$/.exec(file.path);
    if (!match || file.path.endsWith('kustomization.yaml') || file.path.endsWith('/fleet.yaml')) continue;
    const list = bySite.get(match[1]) ?? [];
    list.push(...(file.documents ?? parseYaml(file.content)));
    bySite.set(match[1], list);
  }
  sites = [...bySite.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, objects]) => ({ name, objects, nodes: nodeLabels(name, objects) }));
  return sites;
}

/** The one object of a kind and name in a site, or undefined. */
export function objectOf(site: FleetSite, kind: string, name: string, namespace?: string): any {
  return site.objects.find((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
}

/** The hub's vmalert rule groups, from the hub's Terraform stack. */
export function hubRuleGroups(): unknown[] {
  const hub = exampleFleetFiles().find((f) => f.path === 'terraform/_hub/cdk.tf.json');
  if (!hub) return [];
  const releases = JSON.parse(hub.content).resource?.helm_release ?? {};
  return Object.values(releases as Record<string, any>)
    .filter((r) => r.chart === 'victoria-metrics-alert')
    .flatMap((r) => (r.values ?? []).flatMap((v: string) => JSON.parse(v).server?.config?.alerts?.groups ?? []));
}
