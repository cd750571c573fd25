import * as yaml from 'js-yaml';
import { KUBERNETES_VERSIONS, loadInventoryFile, NodeSpec, ResolvedSiteSpec, SiteSpec } from '../../lib';
import { DISABLE_DEFAULT_ENDPOINT_GATE, ETCD_S3_CONFIG_SECRET_GATE, K3S_VERSIONS, k3sHasFeature, WILDCARD_MIRROR_GATE } from '../../lib/core/node/k3s-versions';
import { buildSite, microSite } from '../support/fixtures';
import { k3sConfigProblems, k3sFlags, k3sFlagsFixture, K3S_FLAG_FIXTURES } from '../support/k3s-flags';
import { EXAMPLE_INVENTORY, exampleFleetFiles } from '../support/programs';
import { parse as parseToml } from 'smol-toml';
import { unknownKeys, upstreamFields } from '../support/upstream-keys';

/**
 * Node files are read by programs this machine does not run (k3s, containerd), so every key
 * is checked against the field lists of those programs at their pinned versions.
 */

const REGISTRIES = upstreamFields('k3s/registries-wharfie-v0.6.7.json');
const CONTAINERD_HOSTS = ['containerd/hosts-v1.6.39.json', 'containerd/hosts-v2.3.4.json'].map((file) => upstreamFields(file) as ReturnType<typeof upstreamFields> & { capabilities: string[] });

interface NodeFileOf { readonly site: ResolvedSiteSpec; readonly node: string; readonly path: string; readonly content: string }

/** What is wrong with a registries.yaml for a k3s release: keys k3s does not read, and a `"*"` entry a release before the wildcard takes for a registry name. */
function registriesProblems(content: string, k3sVersion: string): string[] {
  const registries = yaml.load(content) as Record<string, Record<string, unknown> | undefined>;
  const wildcards = k3sHasFeature(k3sVersion, WILDCARD_MIRROR_GATE) ? [] : ['mirrors', 'configs'].filter((section) => registries[section]?.['*'] !== undefined)
    .map((section) => `${section}.*: k3s ${k3sVersion} reads no wildcard entry`);
  return [...unknownKeys(registries, REGISTRIES.fields), ...wildcards];
}

/** What is wrong with a hosts.toml for every pinned containerd: keys it does not read, capabilities it does not know, values of the wrong type. */
function hostsTomlProblems(content: string): string[] {
  const toml = parseToml(content);
  const problems = CONTAINERD_HOSTS.flatMap((fixture) => unknownKeys(toml, fixture.fields).map((key) => `${key}: not read by ${fixture.source}`));
  const hosts = Object.entries((toml.host ?? {}) as Record<string, Record<string, unknown>>).map(([name, config]) => [`host.${name}`, config] as const);
  for (const [at, config] of [['(root)', toml] as const, ...hosts]) {
    const capabilities = config.capabilities;
    if (capabilities !== undefined && (!Array.isArray(capabilities) || capabilities.some((c) => !CONTAINERD_HOSTS.every((f) => f.capabilities.includes(c as string))))) {
      problems.push(`${at}.capabilities: ${JSON.stringify(capabilities)} is not a list of pull, resolve, push`);
    }
    const ca = config.ca;
    if (ca !== undefined && typeof ca !== 'string' && !(Array.isArray(ca) && ca.every((c) => typeof c === 'string'))) problems.push(`${at}.ca: must be a file or a list of files`);
  }
  if (toml.server !== undefined && (typeof toml.server !== 'string' || !/^https?:\/\//.test(toml.server))) problems.push('server: must be an http(s) URL');
  return problems;
}

/** Every problem of a node's files, as `<site>/<node>/<path>: <problem>`. */
function nodeFileProblems(files: readonly NodeFileOf[]): string[] {
  return files.flatMap(({ site, node, path, content }) => {
    const spec = site.nodes.find((n) => n.name === node);
    if (!spec) throw new Error(`${site.name} has no node ${node}`);
    let problems: string[] = [];
    if (/^config\.yaml(\.d\/[^/]+\.yaml)?$/.test(path)) {
      problems = k3sConfigProblems(yaml.load(content) as Record<string, unknown>, spec.role, site.cluster.k3sVersion);
    } else if (path === 'registries.yaml') {
      problems = registriesProblems(content, site.cluster.k3sVersion);
    } else if (/^containerd\/certs\.d\/[^/]+\/hosts\.toml$/.test(path)) {
      problems = hostsTomlProblems(content);
    }
    return problems.map((p) => `${site.name}/${node}/${path}: ${p}`);
  });
}

/** The files of sites built in code, with the resolved spec of each. */
function siteNodeFiles(specs: readonly SiteSpec[]): NodeFileOf[] {
  return specs.flatMap((spec) => {
    const site = buildSite(spec);
    return site.nodeFiles().map((f) => ({ site: site.spec, node: f.node, path: f.path, content: f.content }));
  });
}

const checked = (files: readonly NodeFileOf[], pattern: RegExp) => files.filter((f) => pattern.test(f.path)).length;
const K3S_CONFIG = /^config\.yaml(\.d\/[^/]+\.yaml)?$/;
const HOSTS_TOML = /^containerd\/certs\.d\/[^/]+\/hosts\.toml$/;

describe('the example fleet\'s node files against k3s and containerd', () => {
  const sites = new Map(loadInventoryFile(EXAMPLE_INVENTORY).sites.map((s) => [s.name, s]));
  const files: NodeFileOf[] = exampleFleetFiles().flatMap((file) => {
    const match = /^nodes\/([^/]+)\/([^/]+)\/(.+)$/.exec(file.path);
    const site = match && sites.get(match[1]);
    return match && site ? [{ site, node: match[2], path: match[3], content: file.content }] : [];
  });

  test('WHEN the example fleet is synthesized THEN every k3s config key is a flag of the node\'s k3s command at its release, with a value of the flag\'s kind', () => {
    expect(checked(files, K3S_CONFIG)).toBeGreaterThan(20);
    expect(nodeFileProblems(files.filter((f) => K3S_CONFIG.test(f.path)))).toEqual([]);
  });

  test('WHEN the example fleet is synthesized THEN every registries.yaml key is one k3s reads', () => {
    expect(checked(files, /^registries\.yaml$/)).toBeGreaterThan(3);
    expect(nodeFileProblems(files.filter((f) => f.path === 'registries.yaml'))).toEqual([]);
  });

  test('WHEN the example fleet is synthesized THEN every containerd hosts.toml it has reads cleanly', () => {
    expect(nodeFileProblems(files.filter((f) => HOSTS_TOML.test(f.path)))).toEqual([]);
  });
});

describe('node files of every supported Kubernetes minor against k3s and containerd', () => {
  const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({ name, capacity: { cpu: '4', memory: '8Gi' }, ...extra });
  const mirror = { endpoint: 'https://registry.site.local:5000', caFile: '/etc/ssl/certs/site-ca.pem', registries: ['docker.io', 'ghcr.io', '*'] };
  // A k3s before the wildcard entry cannot take "*" (validation says so); plain kubelets' containerd can.
  const k3sMirror = (k3sVersion: string) => (k3sHasFeature(k3sVersion, WILDCARD_MIRROR_GATE) ? mirror : { ...mirror, registries: ['docker.io', 'ghcr.io'] });
  /** Per minor: an HA k3s site using every k3s setting the library writes that the release has, and a plain-kubelet site with mirrors. */
  const specs: SiteSpec[] = KUBERNETES_VERSIONS.flatMap((minor): SiteSpec[] => {
    const k3sVersion = K3S_VERSIONS[minor];
    const s3 = k3sHasFeature(k3sVersion, ETCD_S3_CONFIG_SECRET_GATE)
      ? { configSecret: 'etcd-s3' }
      : { endpoint: 'minio.site.local:9000', bucket: 'etcd', folder: 'site', region: 'eu-west-3', endpointCaFile: '/etc/ssl/certs/site-ca.pem', credentialsFile: '/etc/rancher/k3s/s3.env' };
    const airGap = k3sHasFeature(k3sVersion, DISABLE_DEFAULT_ENDPOINT_GATE);
    const version = minor.replace('.', '');
    return [
      microSite({
        name: `ha-${version}`, tier: 'mini', kubernetesVersion: minor, network: { cni: 'cilium' },
        nodes: [node('s1', { role: 'server' }), node('s2', { role: 'server' }), node('s3', { role: 'server' }), node('a1', { labels: { 'edge.line': 'a' } })],
        cluster: { apiEndpoint: 'api.site.local', disable: ['traefik'], airGap, systemDefaultRegistry: 'registry.site.local:5000', etcdSnapshots: { s3 } },
        registryMirror: k3sMirror(k3sVersion),
      } as Partial<SiteSpec>),
      microSite({
        name: `kubelet-${version}`, kubernetesVersion: minor, registryMirror: mirror,
        nodes: [node('kube-1', { runtime: 'kubelet' }), node('kube-2', { runtime: 'kubelet', tier: 'mini' })],
        cluster: { serverUrl: 'https://10.0.0.1:6443' },
      } as Partial<SiteSpec>),
    ];
  });
  const files = siteNodeFiles(specs);

  test('WHEN sites of every minor are built THEN their k3s config, registries.yaml and hosts.toml files only hold keys the programs read', () => {
    expect(checked(files, K3S_CONFIG)).toBe(KUBERNETES_VERSIONS.length * (4 * 2 + 3));
    expect(checked(files, /^registries\.yaml$/)).toBe(KUBERNETES_VERSIONS.length * 4);
    expect(checked(files, HOSTS_TOML)).toBe(KUBERNETES_VERSIONS.length * 2 * 3);
    expect(nodeFileProblems(files)).toEqual([]);
  });

  test('WHEN the HA site is built THEN the version-gated flags are written where the release has them', () => {
    const written = (site: string, key: string) => files.some((f) => f.site.name === site && K3S_CONFIG.test(f.path) && key in (yaml.load(f.content) as object));
    expect(written('ha-132', 'etcd-s3-config-secret')).toBe(true);
    expect(written('ha-132', 'disable-default-registry-endpoint')).toBe(true);
    expect(written('ha-125', 'etcd-s3-bucket')).toBe(true);
  });
});

describe('the key checks catch misspelt and unknown keys', () => {
  const latest = K3S_VERSIONS['1.32'];
  const latestRegistries = 'mirrors:\n  "*":\n    endpoint: [https://m.local]\n    rewrite:\n      "^library/(.*)": "mirror/$1"\nconfigs:\n  m.local:\n    tls:\n      ca_file: /ca.pem\n';

  test('WHEN a k3s config key is misspelt, unknown to the role, or newer than the release THEN it is reported', () => {
    expect(k3sConfigProblems({ 'node-lable+': ['a=b'], 'token-file': '/t' }, 'agent', latest)).toEqual(['node-lable+: not a flag of k3s agent v1.32.11+k3s1']);
    expect(k3sConfigProblems({ 'cluster-init': true }, 'agent', latest)).toEqual(['cluster-init: not a flag of k3s agent v1.32.11+k3s1']);
    expect(k3sConfigProblems({ 'etcd-s3-config-secret': 's' }, 'server', K3S_VERSIONS['1.27'])).toEqual(['etcd-s3-config-secret: not a flag of k3s server v1.27.16+k3s1']);
    expect(k3sConfigProblems({ 'disable-default-registry-endpoint': true }, 'agent', K3S_VERSIONS['1.25'])).toEqual(['disable-default-registry-endpoint: not a flag of k3s agent v1.25.16+k3s4']);
  });

  test('WHEN a k3s flag is given a value of the wrong kind, or "+" on a flag that is no slice THEN it is reported', () => {
    expect(k3sConfigProblems({ 'cluster-init': 'true', 'etcd-snapshot-retention': '5', 'tls-san+': 'api.local', 'node-name+': ['a'] }, 'server', latest)).toEqual([
      'cluster-init: a bool flag given "true"',
      'etcd-snapshot-retention: an int flag given "5"',
      'tls-san+: a slice flag given "api.local"',
      'node-name+: "+" appends to a slice, and node-name is a string',
    ]);
  });

  test('WHEN a flag was added after the 2021 CLI and is not version-gated THEN no release accepts it (stricter, never looser)', () => {
    expect(k3sFlagsFixture(K3S_FLAG_FIXTURES[1]).fields.server['embedded-registry']).toBe(true);
    expect(k3sFlags('server', latest).has('embedded-registry')).toBe(false);
    expect(k3sFlags('server', latest).get('etcd-snapshot-retention')).toBe('int');
  });

  test('WHEN a registries.yaml key is misspelt THEN it is reported', () => {
    expect(registriesProblems(latestRegistries, latest)).toEqual([]);
    expect(registriesProblems('mirrors:\n  docker.io:\n    endpoints: [https://m.local]\nconfigs:\n  m.local:\n    tls:\n      ca-file: /ca.pem\n    auth:\n      identitytoken: x\n', latest))
      .toEqual(['mirrors.docker.io.endpoints', 'configs.m.local.tls.ca-file', 'configs.m.local.auth.identitytoken']);
  });

  test('WHEN a registries.yaml has a "*" entry for a k3s before the wildcard THEN it is reported', () => {
    const wildcard = 'mirrors:\n  "*":\n    endpoint: [https://m.local]\n';
    expect(registriesProblems(wildcard, K3S_VERSIONS['1.25'])).toEqual(['mirrors.*: k3s v1.25.16+k3s4 reads no wildcard entry']);
    expect(registriesProblems(wildcard, 'v1.27.11+k3s1')).toEqual(['mirrors.*: k3s v1.27.11+k3s1 reads no wildcard entry']);
    expect(registriesProblems(wildcard, K3S_VERSIONS['1.26'])).toEqual([]);
  });

  test('WHEN a hosts.toml key is misspelt, newer than the oldest containerd, or a capability is unknown THEN it is reported', () => {
    expect(hostsTomlProblems('server = "https://registry-1.docker.io"\n\n[host."https://m.local"]\n  capabilites = ["pull"]\n  dial_timeout = "5s"\n')).toEqual([
      'host.https://m.local.capabilites: not read by containerd/containerd@v1.6.39:remotes/docker/config/hosts.go',
      'host.https://m.local.dial_timeout: not read by containerd/containerd@v1.6.39:remotes/docker/config/hosts.go',
      'host.https://m.local.capabilites: not read by containerd/containerd@v2.3.4:core/remotes/docker/config/hosts.go',
    ]);
    expect(hostsTomlProblems('[host."https://m.local"]\n  capabilities = ["pull", "pul"]\n  ca = 1\n')).toEqual([
      'host.https://m.local.capabilities: ["pull","pul"] is not a list of pull, resolve, push',
      'host.https://m.local.ca: must be a file or a list of files',
    ]);
  });

  test('WHEN hosts.toml is not valid TOML THEN reading it fails instead of passing unread', () => {
    expect(() => parseToml('[host."a"]\n[host."a"]\n')).toThrow();
    expect(() => parseToml('server = "https://r\n')).toThrow();
    expect(parseToml('# c\nserver = "https://r"\n[host."https://m:5000"]\n  capabilities = ["pull", "resolve"] # x\n  skip_verify = true\n'))
      .toEqual({ server: 'https://r', host: { 'https://m:5000': { capabilities: ['pull', 'resolve'], skip_verify: true } } });
  });
});
