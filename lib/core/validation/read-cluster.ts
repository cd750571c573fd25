import { MAX_POOL_NAME_LENGTH, cloudPoolName, nodeGroupName, nodePoolName } from '../site/flavor-labels';
import { childPath, Problems } from './problems';
import { MappingReader } from './reader';
import {
  CLUSTER_FLAVORS, ClusterFlavor, DEFAULT_KUBEEDGE_TOKEN_FILE, DEFAULT_TOKEN_FILE, K3S_COMPONENTS, KUBERNETES_VERSIONS,
  KubernetesVersion, ResolvedClusterSpec, ResolvedNodeSpec,
} from '../spec/site-spec';
import type { Tier } from '../spec/tier';
import {
  describeGate, DISABLE_DEFAULT_ENDPOINT_GATE, K3S_VERSION_RULE, K3S_VERSIONS, k3sHasFeature, parseK3sVersion,
} from '../node/k3s-versions';
import { absolutePathProblem, hostPortProblem, hostProblem, hostUrl, urlProblem } from './checks';
import { readEtcdSnapshots } from './read-etcd-snapshots';

/** Keys of the `cluster:` block. */
export const CLUSTER_KEYS = [
  'flavor', 'serverUrl', 'apiEndpoint', 'tokenFile', 'disable', 'k3sVersion', 'etcdSnapshots', 'airGap',
  'systemDefaultRegistry', 'upgrade', 'kubeEdge',
];
const UPGRADE_KEYS = ['concurrency'];
const KUBEEDGE_KEYS = ['cloudCoreAddress', 'cloudHubPort', 'certPort', 'tunnelPort', 'tokenFile'];

/** The most servers an HA site runs: etcd's own advice, beyond which writes slow down for no gain. */
export const MAX_SERVERS = 7;

/** What the cluster rules read of the rest of the site. */
export interface ClusterContext {
  readonly siteName: string;
  readonly siteTier: Tier;
  readonly kubernetesVersion: KubernetesVersion;
  /** The nodes, or undefined when the node list is unusable. */
  readonly nodes?: readonly ResolvedNodeSpec[];
}

/** The flavor of the `cluster:` block (its other keys need the nodes, which need the flavor). */
export function readClusterFlavor(c: MappingReader): ClusterFlavor {
  return c.oneOf('flavor', CLUSTER_FLAVORS) ?? 'k3s';
}

/** Reads and checks the `cluster:` block; `c` reads it (with the fleet default as fallback). */
export function readCluster(c: MappingReader, context: ClusterContext): ResolvedClusterSpec {
  const flavor = readClusterFlavor(c);
  const nodes = context.nodes ?? [];
  const servers = nodes.filter((n) => n.role === 'server');
  const ha = servers.length >= 3;
  const serverUrl = c.string('serverUrl', (v) => urlProblem(v, ['https:']));
  const apiEndpoint = c.string('apiEndpoint', hostProblem);
  const tokenFile = c.string('tokenFile', absolutePathProblem) ?? DEFAULT_TOKEN_FILE;
  const disable = (c.stringList('disable', (v) => ((K3S_COMPONENTS as readonly string[]).includes(v) ? undefined : `"${v}" is not a packaged k3s component; allowed: ${K3S_COMPONENTS.join(', ')}`)) ?? []) as ResolvedClusterSpec['disable'];
  const k3sVersion = readK3sVersion(c, context.kubernetesVersion);
  const airGap = c.boolean('airGap') ?? false;
  const systemDefaultRegistry = c.string('systemDefaultRegistry', hostPortProblem);
  const joinUrl = serverUrl ?? (apiEndpoint !== undefined ? hostUrl('https', apiEndpoint, 6443) : undefined);

  const edgeCore = (n: ResolvedNodeSpec) => flavor === 'kubeedge' && n.role === 'agent' && n.runtime === 'kubelet';
  const joining = nodes.filter((n) => n.role === 'agent' && !edgeCore(n));
  if (joining.length > 0 && joinUrl === undefined && !c.has('serverUrl') && !c.has('apiEndpoint')) {
    c.problems.add(childPath(c.path, 'serverUrl'), `is required: agent nodes (${joining.map((n) => n.name).join(', ')}) join the server at this URL, e.g. https://10.0.0.10:6443 (or give cluster.apiEndpoint)`);
  }
  if (airGap && !k3sHasFeature(k3sVersion, DISABLE_DEFAULT_ENDPOINT_GATE) && nodes.some((n) => n.runtime === 'k3s')) {
    c.report('airGap', `needs k3s's disable-default-registry-endpoint so no pull falls back to the internet (${describeGate(DISABLE_DEFAULT_ENDPOINT_GATE)} and later); the site runs ${k3sVersion}`);
  }
  const etcdSnapshots = c.has('etcdSnapshots') || ha
    ? readEtcdSnapshots(c, { ...context, ha, k3sVersion }) : undefined;
  const upgrade = readUpgrade(c, context, nodes);
  const kubeEdge = readKubeEdge(c, flavor, nodes.filter(edgeCore));
  checkPoolNames(c, flavor, context.siteName, nodes, edgeCore);

  return {
    flavor, tokenFile, disable: [...new Set(disable)].sort(), k3sVersion, airGap,
    ...(joinUrl !== undefined ? { serverUrl: joinUrl } : {}),
    ...(apiEndpoint !== undefined ? { apiEndpoint } : {}),
    ...(etcdSnapshots ? { etcdSnapshots } : {}),
    ...(systemDefaultRegistry !== undefined ? { systemDefaultRegistry } : {}),
    ...(upgrade ? { upgrade } : {}),
    ...(kubeEdge ? { kubeEdge } : {}),
  };
}

/**
 * The control-plane rules of the node list: one server, or an odd number from
 * three (embedded etcd HA); HA servers run k3s.
 */
export function checkServers(nodes: readonly ResolvedNodeSpec[], nodesPath: string, problems: Problems): void {
  const servers = nodes.filter((n) => n.role === 'server');
  const names = servers.map((n) => n.name).join(', ');
  if (servers.length === 2) {
    problems.add(nodesPath, `has 2 server nodes (${names}): embedded etcd needs a majority of its servers to keep quorum, so with 2 servers losing either one stops the control plane, no better than 1 server; run 1 server, or 3 for high availability`);
  } else if (servers.length > 2 && servers.length % 2 === 0) {
    problems.add(nodesPath, `has ${servers.length} server nodes (${names}): an even number of etcd members survives no more failures than one fewer (${servers.length} servers survive ${servers.length / 2 - 1} failure${servers.length === 4 ? '' : 's'}, like ${servers.length - 1}) and can split evenly; run an odd number of servers: 1, 3, 5 or 7`);
  } else if (servers.length > MAX_SERVERS) {
    problems.add(nodesPath, `has ${servers.length} server nodes: more than ${MAX_SERVERS} etcd members slow every write for no gain in availability; run at most ${MAX_SERVERS} servers and make the other nodes agents`);
  }
  if (servers.length >= 3) {
    nodes.forEach((node, i) => {
      if (node.role === 'server' && node.runtime !== 'k3s') {
        problems.add(childPath(childPath(nodesPath, i), 'runtime'), `${node.runtime} is not allowed on a server of an HA site: the servers share k3s's embedded etcd, so they run k3s`);
      }
    });
  }
}

function readK3sVersion(c: MappingReader, kubernetesVersion: KubernetesVersion): string {
  const pinned = K3S_VERSIONS[kubernetesVersion];
  const own = c.string('k3sVersion', (v) => {
    const release = parseK3sVersion(v);
    if (!release) return `"${v}" is not ${K3S_VERSION_RULE}`;
    if (!(KUBERNETES_VERSIONS as readonly string[]).includes(release.minor)) {
      return `"${v}" is Kubernetes ${release.minor}, outside the supported range ${KUBERNETES_VERSIONS[0]} to ${KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1]}`;
    }
    if (release.minor !== kubernetesVersion) {
      return `"${v}" is Kubernetes ${release.minor}, but the site's kubernetesVersion is ${kubernetesVersion} (e.g. ${pinned}); change both together`;
    }
    return undefined;
  });
  return own ?? pinned;
}

function readUpgrade(c: MappingReader, context: ClusterContext, nodes: readonly ResolvedNodeSpec[]): ResolvedClusterSpec['upgrade'] {
  if (!c.has('upgrade')) return undefined;
  const u = c.mapping('upgrade', UPGRADE_KEYS);
  if (!u) return undefined;
  const concurrency = u.integer('concurrency', 1, 100) ?? 1;
  if (concurrency > 1 && (context.siteTier === 'micro' || context.siteTier === 'mini')) {
    u.report('concurrency', `${concurrency} nodes at once is too many for a ${context.siteTier} site, whose few nodes carry each other's workloads while one upgrades; ${context.siteTier} sites upgrade one node at a time (1)`);
  }
  if (context.nodes && !nodes.some((n) => n.runtime === 'k3s')) {
    c.report('upgrade', 'no node of the site runs k3s, so the system-upgrade-controller has nothing to upgrade');
  }
  return { concurrency };
}

function readKubeEdge(c: MappingReader, flavor: ClusterFlavor, edge: readonly ResolvedNodeSpec[]): ResolvedClusterSpec['kubeEdge'] {
  if (!c.has('kubeEdge')) {
    if (edge.length > 0) {
      c.problems.add(childPath(c.path, 'kubeEdge'), `is required: EdgeCore nodes (${edge.map((n) => n.name).join(', ')}) join CloudCore at kubeEdge.cloudCoreAddress`);
    }
    return undefined;
  }
  if (flavor !== 'kubeedge') {
    c.report('kubeEdge', `is for kubeedge sites; the site's cluster.flavor is ${flavor}`);
    return undefined;
  }
  const k = c.mapping('kubeEdge', KUBEEDGE_KEYS);
  if (!k) return undefined;
  k.require('cloudCoreAddress', 'the address (IP or DNS name) edge nodes reach CloudCore at');
  const cloudCoreAddress = k.string('cloudCoreAddress', hostProblem);
  const cloudHubPort = k.integer('cloudHubPort', 1, 65535) ?? 10000;
  const certPort = k.integer('certPort', 1, 65535) ?? 10002;
  const tunnelPort = k.integer('tunnelPort', 1, 65535) ?? 10004;
  const tokenFile = k.string('tokenFile', absolutePathProblem) ?? DEFAULT_KUBEEDGE_TOKEN_FILE;
  if (new Set([cloudHubPort, certPort, tunnelPort]).size < 3) {
    k.report('certPort', `CloudHub (${cloudHubPort}), the certificate server (${certPort}) and the tunnel (${tunnelPort}) listen on different ports`);
  }
  return cloudCoreAddress === undefined ? undefined : { cloudCoreAddress, cloudHubPort, certPort, tunnelPort, tokenFile };
}

/** Pool and group names are label values on the nodes: the site name must leave room for the suffix. */
function checkPoolNames(c: MappingReader, flavor: ClusterFlavor, site: string, nodes: readonly ResolvedNodeSpec[], edgeCore: (n: ResolvedNodeSpec) => boolean): void {
  const names = flavor === 'openyurt'
    ? nodes.map((n) => (n.role === 'server' ? cloudPoolName(site) : nodePoolName(site, n.tier)))
    : nodes.filter(edgeCore).map((n) => nodeGroupName(site, n.tier));
  const tooLong = [...new Set(names)].filter((p) => p.length > MAX_POOL_NAME_LENGTH);
  if (tooLong.length > 0) {
    c.report('flavor', `${flavor} names the site's node ${flavor === 'openyurt' ? 'pools' : 'groups'} ${tooLong.join(', ')}, which nodes carry as a label value (at most ${MAX_POOL_NAME_LENGTH} characters); shorten the site name`);
  }
}
