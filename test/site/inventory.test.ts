import { EdgeValidationError, parseInventory, parseInventoryYaml, resolveSiteSpec, validateInventory } from '../../lib';
import { microSite, rawInventory } from '../support/fixtures';

/** Every problem of an inventory as `path: message`. */
function problemsOf(raw: unknown): string[] {
  return validateInventory(raw).problems.map((p) => `${p.path}: ${p.message}`);
}

function withNode(node: Record<string, unknown>, site: Record<string, unknown> = {}): Record<string, unknown> {
  return rawInventory({ nodes: [{ name: 'node-1', capacity: { cpu: '4', memory: '4Gi' }, ...node }], ...site });
}

const app = { name: 'collector', namespace: 'apps', image: 'ghcr.io/acme/collector:1.0.0', ports: [{ name: 'http', port: 8080 }] };
function withApp(overrides: Record<string, unknown>, site: Record<string, unknown> = {}): Record<string, unknown> {
  return rawInventory({ apps: [{ ...app, ...overrides }], ...site });
}

describe('a valid inventory', () => {
  test('WHEN a minimal site is validated THEN every default is applied', () => {
    const { sites: [site] } = parseInventory(rawInventory());
    expect(site).toEqual({
      name: 'site-a',
      tier: 'micro',
      kubernetesVersion: '1.30',
      cluster: { flavor: 'k3s', tokenFile: '/etc/rancher/k3s/cluster-token', disable: [], k3sVersion: 'v1.30.14+k3s2', airGap: false },
      nodes: [{ name: 'node-1', tier: 'micro', role: 'server', runtime: 'k3s', capacity: { cpu: '4', memory: '4Gi' }, labels: {}, disks: [] }],
      network: { siteCidrs: [], cloudCidrs: [], cni: 'kubernetes' },
      connectivity: { offlineTolerance: '24h', syncInterval: '5m' },
      namespaces: ['edge-system', 'monitoring'],
      apps: [],
      components: {},
    });
  });

  test('WHEN fleet defaults are given THEN sites inherit them key by key and their own values win', () => {
    const { sites: [site] } = parseInventory(rawInventory(
      { network: { siteCidrs: ['10.1.0.0/16'] }, kubernetesVersion: '1.32' },
      { defaults: { kubernetesVersion: '1.28', network: { cni: 'cilium', siteCidrs: ['10.9.0.0/16'] }, region: 'eu' } },
    ));
    expect(site.kubernetesVersion).toBe('1.32');
    expect(site.region).toBe('eu');
    expect(site.network).toEqual({ siteCidrs: ['10.1.0.0/16'], cloudCidrs: [], cni: 'cilium' });
  });

  test('WHEN a site has its own registry mirror THEN the fleet mirror is not mixed into it', () => {
    const { sites: [site] } = parseInventory(rawInventory(
      { registryMirror: { endpoint: 'https://site.local:5000' } },
      { defaults: { registryMirror: { endpoint: 'https://fleet.local:5000', caFile: '/etc/ca.pem' } } },
    ));
    expect(site.registryMirror).toEqual({ endpoint: 'https://site.local:5000', registries: ['docker.io', 'ghcr.io', 'quay.io', 'registry.k8s.io'] });
  });

  test('WHEN apps name namespaces THEN the site gets those namespaces', () => {
    const { sites: [site] } = parseInventory(withApp({}, { namespaces: ['extra'] }));
    expect(site.namespaces).toEqual(['apps', 'edge-system', 'extra', 'monitoring']);
  });
});

describe('inventory validation rules', () => {
  test.each([
    ['a site name that is not DNS-1123', rawInventory({ name: 'Edge_1' }), 'sites[0].name: "Edge_1" is not a DNS-1123 label'],
    ['a node name that is not DNS-1123', withNode({ name: 'Edge_1' }), 'sites[0].nodes[0].name: "Edge_1" is not a DNS-1123 label'],
    ['an unknown tier', rawInventory({ tier: 'huge' }), 'sites[0].tier: "huge" is not one of micro, mini, standard, mec'],
    ['an unknown node tier', withNode({ tier: 'tiny' }), 'sites[0].nodes[0].tier: "tiny" is not one of micro, mini, standard, mec'],
    ['a Kubernetes version below 1.25', rawInventory({ kubernetesVersion: '1.24' }), 'sites[0].kubernetesVersion: "1.24" is not one of 1.25, 1.26'],
    ['a Kubernetes version above 1.32', rawInventory({ kubernetesVersion: '1.33' }), 'sites[0].kubernetesVersion: "1.33" is not one of'],
    ['an unquoted Kubernetes version', rawInventory({ kubernetesVersion: 1.3 }), 'sites[0].kubernetesVersion: must be a quoted string such as "1.30"'],
    ['a CPU quantity that does not parse', withNode({ capacity: { cpu: 'four', memory: '4Gi' } }), 'sites[0].nodes[0].capacity.cpu: "four" is not a positive CPU quantity'],
    ['a memory quantity that does not parse', withNode({ capacity: { cpu: '4', memory: '4 GB' } }), 'sites[0].nodes[0].capacity.memory: "4 GB" is not a positive memory quantity'],
    ['a CIDR that does not parse', rawInventory({ network: { siteCidrs: ['10.0.0.0/33'] } }), 'sites[0].network.siteCidrs[0]: "10.0.0.0/33" is not a CIDR: the prefix length must be 0-32'],
    ['a CIDR that is not an address', rawInventory({ network: { cloudCidrs: ['cloud/8'] } }), 'sites[0].network.cloudCidrs[0]: "cloud/8" is not a CIDR'],
    ['a CIDR with host bits', rawInventory({ network: { siteCidrs: ['10.1.2.3/16'] } }), 'sites[0].network.siteCidrs[0]: "10.1.2.3/16" has host bits set; use the network address 10.1.0.0/16'],
    ['an IPv6 CIDR with host bits', rawInventory({ network: { siteCidrs: ['fd00::1/64'] } }), 'sites[0].network.siteCidrs[0]: "fd00::1/64" has host bits set; use the network address fd00::/64'],
    ['a port out of range', withApp({ ports: [{ name: 'http', port: 70000 }] }), 'sites[0].apps[0].ports[0].port: must be a whole number from 1 to 65535, got 70000'],
    ['an unknown site key', rawInventory({ nodez: [] }), 'sites[0].nodez: unknown key; allowed keys here: name, location, tier'],
    ['an unknown node key', withNode({ cpu: '4' }), 'sites[0].nodes[0].cpu: unknown key; allowed keys here: name, tier, role'],
    ['an unknown app key', withApp({ imagePullPolicy: 'Always' }), 'sites[0].apps[0].imagePullPolicy: unknown key'],
    ['an unknown component', rawInventory({ components: { databse: {} } }), 'sites[0].components.databse: unknown key'],
    ['an unknown top-level key', rawInventory({}, { fleet: {} }), 'fleet: unknown key; allowed keys here: defaults, sites'],
    ['an app pinned to a node that does not exist', withApp({ node: 'node-9' }), 'sites[0].apps[0].node: node "node-9" is not a node of site site-a; nodes: node-1'],
    ['a node without capacity', rawInventory({ nodes: [{ name: 'node-1' }] }), "sites[0].nodes[0].capacity: is required: the node's cpu and memory"],
    ['a site without nodes', rawInventory({ nodes: [] }), 'sites[0].nodes: must list at least one node'],
    ['a disk with a relative path', withNode({ disks: [{ name: 'data', path: 'mnt/data', capacity: '10Gi' }] }), 'sites[0].nodes[0].disks[0].path: "mnt/data" must be an absolute path'],
    ['a disk with a bad capacity', withNode({ disks: [{ name: 'data', path: '/mnt', capacity: 'lots' }] }), 'sites[0].nodes[0].disks[0].capacity: "lots" is not a positive storage quantity'],
    ['an unknown accelerator', withNode({ accelerator: { kind: 'tpu' } }), 'sites[0].nodes[0].accelerator.kind: "tpu" is not one of nvidia-jetson'],
    ['a node label the kubelet may not set', withNode({ labels: { 'node-role.kubernetes.io/worker': '' } }), 'sites[0].nodes[0].labels.node-role.kubernetes.io/worker: "node-role.kubernetes.io/worker" is in a kubernetes.io/k8s.io namespace that the NodeRestriction admission plugin forbids'],
    ['a node label that the tier sets', withNode({ labels: { 'edge.tier': 'mini' } }), "sites[0].nodes[0].labels.edge.tier: \"edge.tier\" is set from the node's tier; use tier instead"],
    ['a label value that is not a string', withNode({ labels: { mec: true } }), 'sites[0].nodes[0].labels.mec: must be a string, got true (quote it: "true")'],
    ['agent nodes without a server URL', rawInventory({ nodes: [{ name: 'a', capacity: { cpu: '1', memory: '1Gi' } }, { name: 'b', capacity: { cpu: '1', memory: '1Gi' } }] }), 'sites[0].cluster.serverUrl: is required: agent nodes (a, b) join the server'],
    ['a server URL that is not https', rawInventory({ cluster: { serverUrl: 'http://10.0.0.1:6443' } }), 'sites[0].cluster.serverUrl: "http://10.0.0.1:6443" must use https'],
    ['two server nodes', rawInventory({ cluster: { serverUrl: 'https://a:6443' }, nodes: [{ name: 'a', role: 'server', capacity: { cpu: '1', memory: '1Gi' } }, { name: 'b', role: 'server', capacity: { cpu: '1', memory: '1Gi' } }] }), 'sites[0].nodes: has 2 server nodes (a, b): embedded etcd needs a majority of its servers to keep quorum'],
    ['an unknown k3s component', rawInventory({ cluster: { disable: ['ingress'] } }), 'sites[0].cluster.disable[0]: "ingress" is not a packaged k3s component; allowed: coredns'],
    ['a relative token file', rawInventory({ cluster: { tokenFile: 'token' } }), 'sites[0].cluster.tokenFile: "token" must be an absolute path on the node'],
    ['a registry mirror that is not a URL', rawInventory({ registryMirror: { endpoint: 'registry:5000' } }), 'sites[0].registryMirror.endpoint: "registry:5000" must use https or http'],
    ['a duration that does not parse', rawInventory({ connectivity: { offlineTolerance: 'a day' } }), 'sites[0].connectivity.offlineTolerance: "a day" is not a duration such as 90s'],
    ['a sync interval longer than the offline tolerance', rawInventory({ connectivity: { offlineTolerance: '1h', syncInterval: '2h' } }), 'sites[0].connectivity.syncInterval: 2h is longer than the offline tolerance 1h'],
    ['a reserved namespace', rawInventory({ namespaces: ['kube-system'] }), 'sites[0].namespaces[0]: "kube-system" belongs to Kubernetes'],
    ['an image with the latest tag', withApp({ image: 'nginx:latest' }), 'sites[0].apps[0].image: image "nginx:latest" uses the "latest" tag; pin a version tag or a digest'],
    ['an image without a tag', withApp({ image: 'registry.local:5000/nginx' }), 'sites[0].apps[0].image: image "registry.local:5000/nginx" has no tag'],
    ['an app without a TCP port or probes', withApp({ ports: [] }), 'sites[0].apps[0].probes.liveness: is required: the app has no TCP port to probe by default'],
    ['a probe on an undeclared port', withApp({ probes: { liveness: { http: { path: '/', port: 'metrics' } } } }), 'sites[0].apps[0].probes.liveness: probes port "metrics", which is not one of the app\'s ports (http)'],
    ['an HTTP probe on a UDP port', withApp({ ports: [{ name: 'http', port: 80 }, { name: 'rtc', port: 5000, protocol: 'UDP' }], probes: { readiness: { http: { path: '/', port: 'rtc' } } } }), 'sites[0].apps[0].probes.readiness: probes port "rtc", which is UDP'],
    ['a probe with two handlers', withApp({ probes: { liveness: { tcp: { port: 'http' }, exec: ['true'] } } }), 'sites[0].apps[0].probes.liveness: needs exactly one of http, tcp or exec, got 2'],
    ['requests above limits', withApp({ resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } }), 'sites[0].apps[0].resources.requests.memory: request 1Gi is above the limit 512Mi'],
    ['a request that does not parse', withApp({ resources: { requests: { cpu: 'half' } } }), 'sites[0].apps[0].resources.requests.cpu: "half" is not a positive cpu quantity'],
    ['replicas on a DaemonSet', withApp({ kind: 'DaemonSet', replicas: 2 }), 'sites[0].apps[0].replicas: a DaemonSet runs one pod per node'],
    ['zero replicas', withApp({ replicas: 0 }), 'sites[0].apps[0].replicas: must be a whole number from 1 to 1000, got 0'],
    ['a duplicate port name', withApp({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }), 'sites[0].apps[0].ports[1].name: port name "http" is used twice'],
    ['an env name that is not valid', withApp({ env: { 'BAD NAME': 'x' } }), 'sites[0].apps[0].env.BAD NAME: "BAD NAME" is not a valid environment variable name'],
    ['a root user id', withApp({ runAsUser: 0 }), 'sites[0].apps[0].runAsUser: must be a whole number from 1 to 2147483647, got 0'],
    ['a relative writable path', withApp({ writablePaths: ['tmp'] }), 'sites[0].apps[0].writablePaths[0]: "tmp" must be an absolute path'],
    ['a missing image', withApp({ image: undefined }), 'sites[0].apps[0].image: is required: a container image with a pinned tag or digest'],
  ])('WHEN an inventory has %s THEN the problem names its path and what is allowed', (_what, raw, expected) => {
    expect(problemsOf(raw)).toContainEqual(expect.stringContaining(expected));
  });

  test('WHEN two sites share a name THEN the second is reported with the first one\'s path', () => {
    const raw = { sites: [rawInventory().sites as unknown[], rawInventory().sites as unknown[]].flat() };
    expect(problemsOf(raw)).toEqual(['sites[1].name: site name "site-a" is already used by sites[0]']);
  });

  test('WHEN two nodes share a name THEN the second is reported', () => {
    const node = { name: 'n', capacity: { cpu: '1', memory: '1Gi' } };
    expect(problemsOf(rawInventory({ cluster: { serverUrl: 'https://a:6443' }, nodes: [{ ...node, role: 'server' }, node] })))
      .toEqual(['sites[0].nodes[1].name: node name "n" is already used by sites[0].nodes[0]']);
  });

  test('WHEN two apps share a namespace and name THEN the second is reported', () => {
    expect(problemsOf(rawInventory({ apps: [app, app] }))).toEqual(['sites[0].apps[1].name: app apps/collector is already defined at sites[0].apps[0]']);
  });

  test('WHEN a fleet default is wrong THEN it is reported once, at the defaults path, for all sites that inherit it', () => {
    const raw = { defaults: { tier: 'big' }, sites: [{ ...(rawInventory().sites as any[])[0], tier: undefined }, { ...(rawInventory().sites as any[])[0], name: 'site-b', tier: undefined }] };
    expect(problemsOf(raw)).toEqual(['defaults.tier: "big" is not one of micro, mini, standard, mec']);
  });

  test('WHEN an inventory has several problems THEN every one is reported, not just the first', () => {
    const problems = problemsOf({ sites: [{ name: 'Bad', tier: 'x', nodes: [{ name: 'N', capacity: { cpu: '0', memory: '1Gi' } }] }] });
    expect(problems).toEqual([
      'sites[0].name: "Bad" is not a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
      'sites[0].tier: "x" is not one of micro, mini, standard, mec',
      'sites[0].nodes[0].name: "N" is not a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
      'sites[0].nodes[0].capacity.cpu: "0" is not a positive CPU quantity (e.g. 4 or 3500m)',
    ]);
  });

  test('WHEN the inventory is not a mapping or has no sites THEN that is the problem', () => {
    expect(validateInventory([]).problems).toEqual([{ path: '', message: 'must be a mapping, got a list' }]);
    expect(problemsOf({})).toEqual(['sites: is required: the list of sites']);
    expect(problemsOf({ sites: [] })).toEqual(['sites: must list at least one site']);
  });

  test('WHEN any problem is found THEN no site is returned and parseInventory throws with all of them', () => {
    const raw = rawInventory({ tier: 'huge' });
    expect(validateInventory(raw).sites).toEqual([]);
    expect(() => parseInventory(raw)).toThrow(EdgeValidationError);
    expect(() => parseInventory(raw)).toThrow('sites[0].tier: "huge" is not one of micro, mini, standard, mec');
  });

  test('WHEN the YAML does not parse THEN the error names the file and the line', () => {
    expect(() => parseInventoryYaml('sites:\n  - name: [unclosed\n', 'fleet.yaml')).toThrow('fleet.yaml is not valid YAML:\n  - fleet.yaml:3:1: deficient indentation');
  });

  test('WHEN a site written in code is invalid THEN the problems carry the given path prefix', () => {
    expect(() => resolveSiteSpec(microSite({ name: 'Bad' }), 'my-app/Bad')).toThrow('my-app/Bad.name: "Bad" is not a DNS-1123 label');
  });
});
