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

  test('WHEN a node runs a plain kubelet THEN a KubeletConfiguration drop-in carries the tier settings and the taint', () => {
    expect(yaml.load(nodeFile(kubeletSite, 'agt', 'kubelet.conf.d/50-edge-tier.conf'))).toMatchObject({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      maxPods: 60,
      systemReserved: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '1Gi' },
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '5%', 'imagefs.available': '5%' },
      registerWithTaints: [{ key: 'node-role.kubernetes.io/edge', value: 'mini', effect: 'NoSchedule' }],
    });
  });

  test('WHEN a node runs a plain kubelet THEN its labels go to KUBELET_EXTRA_ARGS, accelerator included', () => {
    expect(nodeFile(kubeletSite, 'agt', 'kubelet.env')).toBe('KUBELET_EXTRA_ARGS="--config-dir=/etc/kubernetes/kubelet.conf.d --node-labels=accelerator=nvidia-gpu,edge.line=a,edge.site=test-site,edge.tier=mini"\n');
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

describe('MicroEdgeNode files of an HA site', () => {
  const haServer = (name: string): NodeSpec => ({ name, role: 'server', tier: 'mini', capacity: { cpu: '4', memory: '8Gi' } });
  const haNodes: NodeSpec[] = [haServer('cp-1'), haServer('cp-2'), haServer('cp-3'), { ...agent, name: 'w-1' }];
  const ha: Partial<SiteSpec> = { tier: 'mini', nodes: haNodes, cluster: { apiEndpoint: 'api.store.example.com', tokenFile: '/run/token' } };
  const files = (site: Partial<SiteSpec>) => buildSite(microSite(site)).nodeFiles();

  test('WHEN the site has three servers THEN only the first initialises etcd and the others join the API endpoint', () => {
    expect(nodeFile(ha, 'cp-1', 'config.yaml.d/20-site.yaml')).toEqual({
      'node-name': 'cp-1', 'cluster-init': true, 'token-file': '/run/token', 'tls-san+': ['api.store.example.com'],
    });
    for (const name of ['cp-2', 'cp-3']) {
      expect(nodeFile(ha, name, 'config.yaml.d/20-site.yaml')).toEqual({
        'node-name': name, 'server': 'https://api.store.example.com:6443', 'token-file': '/run/token', 'tls-san+': ['api.store.example.com'],
      });
    }
  });

  test('WHEN an HA site has agents THEN they join the API endpoint with the token file and have no cluster-init or tls-san', () => {
    expect(nodeFile(ha, 'w-1', 'config.yaml.d/20-site.yaml')).toEqual({ 'node-name': 'w-1', 'server': 'https://api.store.example.com:6443', 'token-file': '/run/token' });
  });

  test('WHEN an HA site has no API endpoint THEN the other servers join the first server by its name', () => {
    const site = { ...ha, cluster: { serverUrl: undefined, apiEndpoint: undefined }, nodes: haNodes.slice(0, 3) };
    expect(nodeFile(site, 'cp-2', 'config.yaml.d/20-site.yaml')).toMatchObject({ server: 'https://cp-1:6443' });
    expect(nodeFile(site, 'cp-1', 'config.yaml.d/20-site.yaml')['tls-san+']).toBeUndefined();
  });

  test('WHEN the site has one server THEN it neither initialises etcd nor snapshots it', () => {
    expect(nodeFile(twoNodes, 'srv', 'config.yaml.d/20-site.yaml')['cluster-init']).toBeUndefined();
    expect(files(twoNodes).map((f) => f.path)).not.toContain('config.yaml.d/30-etcd-snapshots.yaml');
  });

  test('WHEN an HA site takes the default snapshots THEN every server snapshots daily at 03:00 and keeps 30, and agents do not', () => {
    for (const name of ['cp-1', 'cp-2', 'cp-3']) {
      expect(nodeFile(ha, name, 'config.yaml.d/30-etcd-snapshots.yaml')).toEqual({ 'etcd-snapshot-schedule-cron': '0 3 * * *', 'etcd-snapshot-retention': 30 });
    }
    expect(files(ha).filter((f) => f.node === 'w-1').map((f) => f.path)).toEqual(['config.yaml.d/10-tier.yaml', 'config.yaml.d/20-site.yaml']);
  });

  test('WHEN snapshots go to S3 with a credentials file THEN the servers name the store and load the keys from the file with a systemd drop-in', () => {
    const site = { ...ha, cluster: { ...ha.cluster, etcdSnapshots: { schedule: '0 */6 * * *', retention: 12, s3: { endpoint: 'minio.store.local:9000', bucket: 'etcd', region: 'eu-west-1', endpointCaFile: '/etc/ssl/minio-ca.pem', credentialsFile: '/etc/rancher/k3s/etcd-s3.env' } } } };
    expect(nodeFile(site, 'cp-2', 'config.yaml.d/30-etcd-snapshots.yaml')).toEqual({
      'etcd-snapshot-schedule-cron': '0 */6 * * *', 'etcd-snapshot-retention': 12, 'etcd-s3': true, 'etcd-s3-endpoint': 'minio.store.local:9000',
      'etcd-s3-bucket': 'etcd', 'etcd-s3-folder': 'test-site', 'etcd-s3-region': 'eu-west-1', 'etcd-s3-endpoint-ca': '/etc/ssl/minio-ca.pem',
    });
    expect(nodeFile(site, 'cp-2', 'systemd/k3s.service.d/20-etcd-s3-credentials.conf')).toMatch(/^\[Service\]\nEnvironmentFile=\/etc\/rancher\/k3s\/etcd-s3.env\n$/m);
  });

  test('WHEN snapshots go to S3 through a config Secret THEN the servers name only the Secret, which k3s needs alone', () => {
    const site = { ...ha, cluster: { ...ha.cluster, etcdSnapshots: { s3: { configSecret: 'k3s-etcd-s3' } } } };
    expect(nodeFile(site, 'cp-1', 'config.yaml.d/30-etcd-snapshots.yaml')).toEqual({
      'etcd-snapshot-schedule-cron': '0 3 * * *', 'etcd-snapshot-retention': 30, 'etcd-s3': true, 'etcd-s3-config-secret': 'k3s-etcd-s3',
    });
    expect(files(site).map((f) => f.path)).not.toContain('systemd/k3s.service.d/20-etcd-s3-credentials.conf');
  });

  test('WHEN node files are written THEN no token or S3 key is ever inlined, only the files holding them', () => {
    const site = { ...ha, cluster: { ...ha.cluster, etcdSnapshots: { s3: { bucket: 'etcd', credentialsFile: '/etc/rancher/k3s/etcd-s3.env' } } } };
    for (const file of files(site)) {
      expect(file.content).not.toMatch(/^token:|\btoken: |etcd-s3-(access|secret)-key|AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)=/m);
    }
  });

  test('WHEN the site is air-gapped with a system default registry THEN no node falls back to the internet and servers pull system images from it', () => {
    const site = { ...ha, cluster: { ...ha.cluster, airGap: true, systemDefaultRegistry: 'registry.store.local:5000' }, registryMirror: { endpoint: 'https://registry.store.local:5000', registries: ['*'] } };
    expect(nodeFile(site, 'cp-1', 'config.yaml.d/20-site.yaml')).toMatchObject({ 'system-default-registry': 'registry.store.local:5000', 'disable-default-registry-endpoint': true });
    const agentConfig = nodeFile(site, 'w-1', 'config.yaml.d/20-site.yaml');
    expect(agentConfig['disable-default-registry-endpoint']).toBe(true);
    expect(agentConfig['system-default-registry']).toBeUndefined();
  });
});

describe('MicroEdgeNode on OpenYurt and KubeEdge sites', () => {
  const openYurt: Partial<SiteSpec> = { cluster: { flavor: 'openyurt', serverUrl: 'https://10.0.0.1:6443' }, nodes: [server, agent] };
  const kubeEdge: Partial<SiteSpec> = {
    cluster: { flavor: 'kubeedge', serverUrl: 'https://10.0.0.1:6443', kubeEdge: { cloudCoreAddress: 'cloudcore.example.com', tokenFile: '/etc/kubeedge/edge-token' } },
    nodes: [server, agent],
    registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['docker.io'] },
  };

  test('WHEN an OpenYurt node registers THEN it joins its pool by label: servers the Cloud pool, agents their tier\'s Edge pool', () => {
    expect(nodeFile(openYurt, 'srv', 'config.yaml.d/10-tier.yaml')['node-label+']).toEqual(expect.arrayContaining(['apps.openyurt.io/nodepool=test-site-cloud', 'openyurt.io/is-edge-worker=false']));
    expect(nodeFile(openYurt, 'agt', 'config.yaml.d/10-tier.yaml')['node-label+']).toEqual(expect.arrayContaining(['apps.openyurt.io/nodepool=test-site-mini', 'openyurt.io/is-edge-worker=true']));
  });

  test('WHEN the site runs OpenYurt THEN no Node label patch is written: the node pools keep the labels', () => {
    const site = buildSite(microSite(openYurt));
    expect(synthObjects(site).filter((o) => o.kind === 'Node')).toEqual([]);
    expect(site.nodeNamed('agt').labelPatch).toBeUndefined();
  });

  test('WHEN an agent of a KubeEdge site is configured THEN it gets the EdgeCore config that reaches CloudCore, and no k3s or kubelet files', () => {
    const paths = buildSite(microSite(kubeEdge)).nodeFiles().filter((f) => f.node === 'agt').map((f) => f.path);
    expect(paths).toEqual(['kubeedge/edgecore.yaml', 'kubeedge/keadm-join.env', 'containerd/certs.d/docker.io/hosts.toml']);
    expect(nodeFile(kubeEdge, 'agt', 'kubeedge/edgecore.yaml')).toEqual({
      apiVersion: 'edgecore.config.kubeedge.io/v1alpha2',
      kind: 'EdgeCore',
      modules: {
        edgeHub: {
          httpServer: 'https://cloudcore.example.com:10002',
          websocket: { enable: true, server: 'cloudcore.example.com:10000' },
          quic: { enable: false },
        },
        edgeStream: { enable: true, server: 'cloudcore.example.com:10004' },
        metaManager: { metaServer: { enable: true, server: '127.0.0.1:10550' } },
        edged: {
          hostnameOverride: 'agt',
          nodeLabels: { 'edge.line': 'a', 'edge.site': 'test-site', 'edge.tier': 'mini' },
          tailoredKubeletConfig: expect.objectContaining({
            maxPods: 60,
            systemReserved: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '1Gi' },
            registerWithTaints: [{ key: 'node-role.kubernetes.io/edge', value: 'mini', effect: 'NoSchedule' }],
          }),
        },
      },
    });
  });

  test('WHEN an EdgeCore node joins THEN keadm gets the CloudCore address, the hub\'s KubeEdge release and the token file, never the token', () => {
    expect(nodeFile(kubeEdge, 'agt', 'kubeedge/keadm-join.env')).toBe(
      'NODE_NAME=agt\nCLOUDCORE=cloudcore.example.com:10000\nCERT_PORT=10002\nKUBEEDGE_VERSION=v1.21.0\nTOKEN_FILE=/etc/kubeedge/edge-token\n');
    expect(nodeFile(kubeEdge, 'agt', 'kubeedge/edgecore.yaml').modules.edgeHub.token).toBeUndefined();
  });

  test('WHEN a KubeEdge site has a server THEN it stays a k3s node of the cloud side', () => {
    expect(nodeFile(kubeEdge, 'srv', 'config.yaml.d/20-site.yaml')).toEqual({ 'node-name': 'srv', 'token-file': '/etc/rancher/k3s/cluster-token' });
  });

  test('WHEN an EdgeCore node offers capacity THEN it carries its node group label, so group workloads are counted on it', () => {
    expect(buildSite(microSite(kubeEdge)).nodeNamed('agt').allocatable.labels).toMatchObject({ 'apps.kubeedge.io/belonging-to': 'test-site-mini' });
  });
});
