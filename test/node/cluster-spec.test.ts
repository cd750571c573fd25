import { parseInventory, resolveSiteSpec, validateInventory } from '../../lib';
import { microSite, rawInventory } from '../support/fixtures';

/** Every problem of an inventory as `path: message`. */
function problemsOf(raw: unknown): string[] {
  return validateInventory(raw).problems.map((p) => `${p.path}: ${p.message}`);
}

const node = (name: string, extra: Record<string, unknown> = {}) => ({ name, capacity: { cpu: '4', memory: '8Gi' }, ...extra });
const servers = (count: number, extra: Record<string, unknown> = {}) => Array.from({ length: count }, (_, i) => node(`s${i + 1}`, { role: 'server', ...extra }));
/** A site of three servers and an agent (an HA site), with overrides. */
function haSite(site: Record<string, unknown> = {}, cluster: Record<string, unknown> = {}): Record<string, unknown> {
  return rawInventory({ tier: 'mini', nodes: [...servers(3), node('a1')], cluster: { apiEndpoint: 'api.site-a.example.com', ...cluster }, ...site });
}
const mirror = { registryMirror: { endpoint: 'https://registry.site-a.local:5000', registries: ['*'] } };
const kubeEdge = { cloudCoreAddress: 'cloudcore.example.com' };

describe('cluster validation rules', () => {
  test.each([
    ['two servers', rawInventory({ nodes: servers(2), cluster: { serverUrl: 'https://a:6443' } }),
      'sites[0].nodes: has 2 server nodes (s1, s2): embedded etcd needs a majority of its servers to keep quorum, so with 2 servers losing either one stops the control plane'],
    ['an even number of servers', rawInventory({ nodes: servers(4) }),
      'sites[0].nodes: has 4 server nodes (s1, s2, s3, s4): an even number of etcd members survives no more failures than one fewer (4 servers survive 1 failure, like 3)'],
    ['more servers than etcd should have', rawInventory({ nodes: servers(9) }),
      'sites[0].nodes: has 9 server nodes: more than 7 etcd members slow every write'],
    ['an HA server on a plain kubelet', rawInventory({ nodes: [node('s1', { role: 'server' }), node('s2', { role: 'server', runtime: 'kubelet' }), node('s3', { role: 'server' })] }),
      'sites[0].nodes[1].runtime: kubelet is not allowed on a server of an HA site: the servers share k3s\'s embedded etcd'],
    ['an unknown flavor', rawInventory({ cluster: { flavor: 'k0s' } }), 'sites[0].cluster.flavor: "k0s" is not one of k3s, openyurt, kubeedge'],
    ['an API endpoint with a scheme', rawInventory({ cluster: { apiEndpoint: 'https://api.example.com' } }),
      'sites[0].cluster.apiEndpoint: "https://api.example.com" is not a host: give a DNS name or an IP address, without scheme or port'],
    ['a k3s version that is not a release', rawInventory({ cluster: { k3sVersion: '1.30.4' } }), 'sites[0].cluster.k3sVersion: "1.30.4" is not a k3s release such as v1.30.14+k3s2'],
    ['a k3s version outside 1.25 to 1.32', rawInventory({ cluster: { k3sVersion: 'v1.24.17+k3s1' } }),
      'sites[0].cluster.k3sVersion: "v1.24.17+k3s1" is Kubernetes 1.24, outside the supported range 1.25 to 1.32'],
    ['a k3s version of another minor than the site', rawInventory({ kubernetesVersion: '1.30', cluster: { k3sVersion: 'v1.31.4+k3s1' } }),
      'sites[0].cluster.k3sVersion: "v1.31.4+k3s1" is Kubernetes 1.31, but the site\'s kubernetesVersion is 1.30'],
    ['etcd snapshots on a single-server site', rawInventory({ cluster: { etcdSnapshots: {} } }),
      'sites[0].cluster.etcdSnapshots: needs embedded etcd, which only HA sites (3, 5 or 7 servers) run'],
    ['a snapshot schedule that is not cron', haSite({}, { etcdSnapshots: { schedule: 'daily' } }),
      'sites[0].cluster.etcdSnapshots.schedule: "daily" is not a cron schedule (5 fields'],
    ['a snapshot schedule with a field out of range', haSite({}, { etcdSnapshots: { schedule: '0 25 * * *' } }),
      'sites[0].cluster.etcdSnapshots.schedule: "0 25 * * *" is not a cron schedule: the hour field "25" must be *, numbers from 0 to 23'],
    ['a snapshot retention of zero', haSite({}, { etcdSnapshots: { retention: 0 } }),
      'sites[0].cluster.etcdSnapshots.retention: must be a whole number from 1 to 1000, got 0'],
    ['an S3 config Secret with other S3 options', haSite({}, { etcdSnapshots: { s3: { configSecret: 'etcd-s3', bucket: 'b1' } } }),
      'sites[0].cluster.etcdSnapshots.s3.bucket: is not allowed with configSecret: k3s ignores the Secret when any other S3 option is set'],
    ['an S3 store without a bucket', haSite({}, { etcdSnapshots: { s3: { credentialsFile: '/etc/rancher/k3s/s3.env' } } }),
      'sites[0].cluster.etcdSnapshots.s3.bucket: is required: the bucket snapshots are copied to'],
    ['an S3 store without credentials', haSite({}, { etcdSnapshots: { s3: { bucket: 'etcd-backups' } } }),
      'sites[0].cluster.etcdSnapshots.s3.credentialsFile: is required: an environment file on each server with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'],
    ['a relative credentials file', haSite({}, { etcdSnapshots: { s3: { bucket: 'etcd-backups', credentialsFile: 's3.env' } } }),
      'sites[0].cluster.etcdSnapshots.s3.credentialsFile: "s3.env" must be an absolute path on the node'],
    ['an S3 endpoint with a scheme', haSite({}, { etcdSnapshots: { s3: { bucket: 'etcd-backups', credentialsFile: '/s3.env', endpoint: 'https://minio:9000' } } }),
      'sites[0].cluster.etcdSnapshots.s3.endpoint: "https://minio:9000" is not a host with an optional port, without scheme'],
    ['an S3 config Secret on a k3s without it', haSite({ kubernetesVersion: '1.27' }, { etcdSnapshots: { s3: { configSecret: 'etcd-s3' } } }),
      'sites[0].cluster.etcdSnapshots.s3.configSecret: needs k3s\'s etcd-s3-config-secret (v1.28.13+k3s1, v1.29.8+k3s1, v1.30.4+k3s1, v1.31.0+k3s1, v1.32.0+k3s1 and later); the site runs v1.27.16+k3s1'],
    ['an air-gapped site without a mirror', rawInventory({ cluster: { airGap: true } }),
      'sites[0].cluster.airGap: needs a registry mirror the nodes pull every image through: give the site a registryMirror'],
    ['an air-gapped site on a k3s that falls back to the internet', rawInventory({ kubernetesVersion: '1.25', cluster: { airGap: true }, ...mirror }),
      'sites[0].cluster.airGap: needs k3s\'s disable-default-registry-endpoint so no pull falls back to the internet'],
    ['a wildcard mirror on a k3s that reads "*" as a registry name', rawInventory({ kubernetesVersion: '1.25', ...mirror }),
      'sites[0].registryMirror.registries: "*" needs k3s\'s wildcard mirror entry (v1.26.15+k3s1, v1.27.12+k3s1, v1.28.8+k3s1, v1.29.3+k3s1, v1.30.0+k3s1, v1.31.0+k3s1, v1.32.0+k3s1 and later); the site runs v1.25.16+k3s4'],
    ['a wildcard mirror on a k3s release of 1.27 before the wildcard', rawInventory({ kubernetesVersion: '1.27', cluster: { k3sVersion: 'v1.27.11+k3s1' }, ...mirror }),
      'sites[0].registryMirror.registries: "*" needs k3s\'s wildcard mirror entry'],
    ['a system default registry with a scheme', rawInventory({ cluster: { systemDefaultRegistry: 'https://registry.local' } }),
      'sites[0].cluster.systemDefaultRegistry: "https://registry.local" is not a host with an optional port'],
    ['several nodes upgrading at once on a micro site', rawInventory({ cluster: { upgrade: { concurrency: 2 } } }),
      'sites[0].cluster.upgrade.concurrency: 2 nodes at once is too many for a micro site'],
    ['upgrades on a site without k3s nodes', rawInventory({ nodes: [node('n1', { runtime: 'kubelet' })], cluster: { upgrade: {} } }),
      'sites[0].cluster.upgrade: no node of the site runs k3s, so the system-upgrade-controller has nothing to upgrade'],
    ['EdgeCore nodes without CloudCore', rawInventory({ nodes: [node('cp', { role: 'server' }), node('e1')], cluster: { flavor: 'kubeedge' } }),
      'sites[0].cluster.kubeEdge: is required: EdgeCore nodes (e1) join CloudCore at kubeEdge.cloudCoreAddress'],
    ['CloudCore settings on a k3s site', rawInventory({ cluster: { kubeEdge } }), 'sites[0].cluster.kubeEdge: is for kubeedge sites; the site\'s cluster.flavor is k3s'],
    ['CloudCore ports that clash', rawInventory({ cluster: { flavor: 'kubeedge', kubeEdge: { ...kubeEdge, certPort: 10000 } } }),
      'sites[0].cluster.kubeEdge.certPort: CloudHub (10000), the certificate server (10000) and the tunnel (10004) listen on different ports'],
    ['agents without a join address', rawInventory({ nodes: [node('s1', { role: 'server' }), node('a1')] }),
      'sites[0].cluster.serverUrl: is required: agent nodes (a1) join the server at this URL, e.g. https://10.0.0.10:6443 (or give cluster.apiEndpoint)'],
    ['an OpenYurt site whose pool names are too long', rawInventory({ name: 'a'.repeat(58), cluster: { flavor: 'openyurt' } }),
      `sites[0].cluster.flavor: openyurt names the site's node pools ${'a'.repeat(58)}-cloud, which nodes carry as a label value (at most 63 characters)`],
    ['a node label the flavor sets', rawInventory({ nodes: [node('n1', { labels: { 'apps.openyurt.io/nodepool': 'mine' } })] }),
      'sites[0].nodes[0].labels.apps.openyurt.io/nodepool: "apps.openyurt.io/nodepool" is set from the site\'s cluster flavor'],
  ])('WHEN a site has %s THEN the problem names its path and what is allowed', (_what, raw, expected) => {
    expect(problemsOf(raw)).toContainEqual(expect.stringContaining(expected));
  });

  test('WHEN a wildcard mirror runs on a k3s release with the wildcard, or only on plain kubelets THEN it is valid', () => {
    expect(problemsOf(rawInventory({ kubernetesVersion: '1.26', ...mirror }))).toEqual([]);
    expect(problemsOf(rawInventory({ kubernetesVersion: '1.25', nodes: [node('n1', { runtime: 'kubelet' })], ...mirror }))).toEqual([]);
  });

  test('WHEN a site without a cluster block inherits fleet cluster defaults THEN its own problems keep its own path', () => {
    const raw = rawInventory({ nodes: [node('s1', { role: 'server' }), node('a1')] }, { defaults: { cluster: { tokenFile: '/etc/token' } } });
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^sites\[0\]\.cluster\.serverUrl: is required/)]);
  });
});

describe('the resolved cluster', () => {
  test('WHEN a site has three servers THEN it gets the daily snapshot with 30 kept, and the API endpoint as join URL', () => {
    const { sites: [site] } = parseInventory(haSite());
    expect(site.cluster).toMatchObject({
      flavor: 'k3s', apiEndpoint: 'api.site-a.example.com', serverUrl: 'https://api.site-a.example.com:6443',
      etcdSnapshots: { schedule: '0 3 * * *', retention: 30 }, k3sVersion: 'v1.30.14+k3s2',
    });
  });

  test('WHEN an S3 store names only a bucket and credentials THEN k3s\'s endpoint and region and the site\'s folder are filled in', () => {
    const { sites: [site] } = parseInventory(haSite({}, { etcdSnapshots: { s3: { bucket: 'etcd-backups', credentialsFile: '/etc/rancher/k3s/s3.env' } } }));
    expect(site.cluster.etcdSnapshots!.s3).toEqual({
      endpoint: 's3.amazonaws.com', bucket: 'etcd-backups', folder: 'site-a', region: 'us-east-1', credentialsFile: '/etc/rancher/k3s/s3.env',
    });
  });

  test('WHEN a site names no k3s version THEN the release pinned for its Kubernetes minor is used', () => {
    expect(parseInventory(rawInventory({ kubernetesVersion: '1.27' })).sites[0].cluster.k3sVersion).toBe('v1.27.16+k3s1');
  });

  test('WHEN a KubeEdge site\'s agents name no runtime THEN they run EdgeCore (kubelet) with CloudCore\'s default ports', () => {
    const { sites: [site] } = parseInventory(rawInventory({ nodes: [node('cp', { role: 'server' }), node('e1')], cluster: { flavor: 'kubeedge', kubeEdge } }));
    expect(site.nodes.map((n) => [n.name, n.role, n.runtime])).toEqual([['cp', 'server', 'k3s'], ['e1', 'agent', 'kubelet']]);
    expect(site.cluster.kubeEdge).toEqual({ cloudCoreAddress: 'cloudcore.example.com', cloudHubPort: 10000, certPort: 10002, tunnelPort: 10004, tokenFile: '/etc/kubeedge/token' });
  });

  test('WHEN a resolved site is validated again THEN it resolves to itself', () => {
    const spec = {
      ...microSite({ tier: 'mini', nodes: [...servers(3), node('a1')] as any }),
      cluster: {
        apiEndpoint: 'api.example.com', airGap: true, systemDefaultRegistry: 'registry.local:5000', upgrade: { concurrency: 1 },
        etcdSnapshots: { schedule: '30 2 * * 1-5', retention: 10, s3: { configSecret: 'etcd-s3' } },
      },
      registryMirror: { endpoint: 'https://registry.local:5000', registries: ['*'] },
    };
    const resolved = resolveSiteSpec(spec);
    expect(resolveSiteSpec(resolved)).toEqual(resolved);
  });
});
