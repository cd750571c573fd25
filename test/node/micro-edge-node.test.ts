import * as yaml from 'js-yaml';
import { NodeSpec, SiteSpec } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';

const server: NodeSpec = { name: 'srv', role: 'server', capacity: { cpu: '4', memory: '4Gi' } };
const agent: NodeSpec = { name: 'agt', tier: 'mini', capacity: { cpu: '8', memory: '8Gi' }, labels: { 'edge.line': 'a' } };
const twoNodes: Partial<SiteSpec> = { region: 'eu', zone: 'eu-1', nodes: [server, agent], cluster: { serverUrl: 'https://10.0.0.1:6443', tokenFile: '/run/token', disable: ['traefik'] } };

function nodeFile(site: Partial<SiteSpec>, node: string, path: string): any {
  const file = buildSite(microSite(site)).nodeFiles().find((f) => f.node === node && f.path === path);
  if (!file) throw new Error(`no ${path} for ${node}`);
  return path.endsWith('.yaml') ? yaml.load(file.content) : file.content;
}

describe('MicroEdgeNode k3s config', () => {
  test('WHEN a micro node is configured THEN 10-tier.yaml carries its labels, kubelet reservations and max pods', () => {
    expect(nodeFile({ nodes: [server] }, 'srv', 'config.yaml.d/10-tier.yaml')).toEqual({
      'node-label+': ['edge.site=test-site', 'edge.tier=micro'],
      'kubelet-arg+': [
        'max-pods=30',
        'system-reserved=cpu=250m,ephemeral-storage=512Mi,memory=256Mi',
        'kube-reserved=cpu=100m,ephemeral-storage=512Mi,memory=128Mi',
        'eviction-hard=imagefs.available<5%,memory.available<100Mi,nodefs.available<5%',
        'eviction-minimum-reclaim=imagefs.available=512Mi,memory.available=50Mi,nodefs.available=256Mi',
        'image-gc-high-threshold=75',
        'image-gc-low-threshold=65',
      ],
    });
  });

  test('WHEN an agent node is configured THEN it registers with the edge taint of its tier and its labels', () => {
    const config = nodeFile(twoNodes, 'agt', 'config.yaml.d/10-tier.yaml');
    expect(config['node-taint+']).toEqual(['node-role.kubernetes.io/edge=mini:NoSchedule']);
    expect(config['node-label+']).toEqual(['edge.line=a', 'edge.site=test-site', 'edge.tier=mini', 'topology.kubernetes.io/region=eu', 'topology.kubernetes.io/zone=eu-1']);
    expect(config['kubelet-arg+']).toContain('max-pods=60');
  });

  test('WHEN a server node is configured THEN it carries no edge taint, so the cluster add-ons can run on it', () => {
    expect(nodeFile(twoNodes, 'srv', 'config.yaml.d/10-tier.yaml')['node-taint+']).toBeUndefined();
  });

  test('WHEN an agent joins THEN 20-site.yaml names the server and the token file, never a token', () => {
    expect(nodeFile(twoNodes, 'agt', 'config.yaml.d/20-site.yaml')).toEqual({ 'node-name': 'agt', 'server': 'https://10.0.0.1:6443', 'token-file': '/run/token' });
  });

  test('WHEN a server is configured THEN 20-site.yaml disables the unwanted packaged components', () => {
    expect(nodeFile(twoNodes, 'srv', 'config.yaml.d/20-site.yaml')).toEqual({ 'node-name': 'srv', 'token-file': '/run/token', 'disable+': ['traefik'] });
  });

  test('WHEN the site runs Cilium THEN the server turns off flannel and the built-in policy controller', () => {
    const config = nodeFile({ nodes: [server], network: { cni: 'cilium' } }, 'srv', 'config.yaml.d/20-site.yaml');
    expect(config).toMatchObject({ 'flannel-backend': 'none', 'disable-network-policy': true });
  });

  test('WHEN the site has a registry mirror THEN registries.yaml sends every mirrored registry through it', () => {
    const registries = nodeFile({ nodes: [server], registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['docker.io'], caFile: '/etc/ca.pem' } }, 'srv', 'registries.yaml');
    expect(registries).toEqual({
      mirrors: { 'docker.io': { endpoint: ['https://mirror.local:5000'] } },
      configs: { 'mirror.local:5000': { tls: { ca_file: '/etc/ca.pem' } } },
    });
  });

  test('WHEN the site has no registry mirror THEN no registries.yaml is written', () => {
    expect(buildSite(microSite()).nodeFiles().map((f) => f.path)).toEqual(['config.yaml.d/10-tier.yaml', 'config.yaml.d/20-site.yaml']);
  });
});

describe('MicroEdgeNode with a plain kubelet', () => {
  const kubeletSite: Partial<SiteSpec> = {
    nodes: [server, { ...agent, runtime: 'kubelet', accelerator: { kind: 'nvidia-gpu', count: 2 } }],
    cluster: { serverUrl: 'https://10.0.0.1:6443' },
    registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['docker.io', '*'] },
  };

  test('WHEN a node runs a plain kubelet THEN a KubeletConfiguration carries the tier settings and the taint', () => {
    expect(nodeFile(kubeletSite, 'agt', 'kubelet-config.yaml')).toMatchObject({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      maxPods: 60,
      systemReserved: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '1Gi' },
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '5%', 'imagefs.available': '5%' },
      registerWithTaints: [{ key: 'node-role.kubernetes.io/edge', value: 'mini', effect: 'NoSchedule' }],
    });
  });

  test('WHEN a node runs a plain kubelet THEN its labels go to KUBELET_EXTRA_ARGS, accelerator included', () => {
    expect(nodeFile(kubeletSite, 'agt', 'kubelet.env')).toBe('KUBELET_EXTRA_ARGS="--node-labels=accelerator=nvidia-gpu,edge.line=a,edge.site=test-site,edge.tier=mini"\n');
  });

  test('WHEN a kubelet node has a mirror THEN containerd hosts.toml files point at it', () => {
    expect(nodeFile(kubeletSite, 'agt', 'containerd/certs.d/docker.io/hosts.toml')).toBe(
      'server = "https://registry-1.docker.io"\n\n[host."https://mirror.local:5000"]\n  capabilities = ["pull", "resolve"]\n');
    expect(nodeFile(kubeletSite, 'agt', 'containerd/certs.d/_default/hosts.toml')).toBe('[host."https://mirror.local:5000"]\n  capabilities = ["pull", "resolve"]\n');
  });
});

describe('MicroEdgeNode cluster side', () => {
  test('WHEN a node is built THEN a Node label patch carries the role label the kubelet may not set', () => {
    const node = findObject(synthObjects(buildSite(microSite(twoNodes))), 'Node', 'agt');
    expect(node.metadata.labels).toMatchObject({ 'node-role.kubernetes.io/edge': '', 'edge.tier': 'mini', 'edge.line': 'a' });
    expect(node.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/ssa': 'Merge', 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'helm.sh/resource-policy': 'keep' });
    expect(node.spec).toBeUndefined();
  });

  test('WHEN a node offers capacity THEN allocatable subtracts reservations and the eviction threshold', () => {
    const node = buildSite(microSite()).nodeNamed('node-1');
    expect(node.allocatable).toMatchObject({ cpuMillis: 4000 - 250 - 100, memoryBytes: (4096 - 256 - 128 - 100) * 2 ** 20, maxPods: 30 });
  });

  test('WHEN a workload is placed through the node THEN it is pinned or tier-wide as asked', () => {
    const node = buildSite(microSite()).nodeNamed('node-1');
    expect(node.placeOnNode().nodeSelector).toEqual({ 'edge.tier': 'micro', 'kubernetes.io/hostname': 'node-1' });
    expect(node.placeOnTier().nodeSelector).toEqual({ 'edge.tier': 'micro' });
  });
});
