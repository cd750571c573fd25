import * as yaml from 'js-yaml';
import { KUBERNETES_VERSIONS, KubernetesVersion, NodeSpec, SiteSpec } from '../../lib';
import { buildSite, microSite } from '../support/fixtures';
import { unknownKeys, upstreamFields } from '../support/upstream-keys';

const server: NodeSpec = { name: 'srv', role: 'server', runtime: 'kubelet', capacity: { cpu: '4', memory: '4Gi' } };
const agent: NodeSpec = { name: 'agt', tier: 'mini', runtime: 'kubelet', capacity: { cpu: '8', memory: '8Gi' }, labels: { 'edge.line': 'a' } };
const DROP_IN = 'kubelet.conf.d/50-edge-tier.conf';

function kubeletSite(kubernetesVersion: KubernetesVersion, overrides: Partial<SiteSpec> = {}): SiteSpec {
  return microSite({ kubernetesVersion, nodes: [server, agent], cluster: { serverUrl: 'https://10.0.0.1:6443' }, ...overrides });
}

function files(site: SiteSpec, node = 'agt'): Record<string, string> {
  return Object.fromEntries(buildSite(site).nodeFiles().filter((f) => f.node === node).map((f) => [f.path, f.content]));
}

/** The node's tier drop-in, parsed; a node without one fails the test. */
function dropIn(site: SiteSpec, node = 'agt'): any {
  const content = files(site, node)[DROP_IN];
  if (content === undefined) throw new Error(`no ${DROP_IN} for ${node}`);
  return yaml.load(content);
}

describe('plain kubelet, Kubernetes 1.28 and later: a KubeletConfiguration drop-in over kubeadm\'s config', () => {
  test('WHEN a kubelet node is configured THEN its tier settings are a drop-in, not a --config file that would lose clusterDNS, cgroupDriver and authentication', () => {
    const written = files(kubeletSite('1.30'));
    expect(written['kubelet-config.yaml']).toBeUndefined();
    expect(yaml.load(written[DROP_IN] ?? '')).toEqual({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      maxPods: 60,
      systemReserved: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '1Gi' },
      kubeReserved: { 'cpu': '200m', 'memory': '256Mi', 'ephemeral-storage': '1Gi' },
      enforceNodeAllocatable: ['pods'],
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '5%', 'imagefs.available': '5%' },
      evictionMinimumReclaim: { 'memory.available': '100Mi', 'nodefs.available': '500Mi', 'imagefs.available': '1Gi' },
      imageGCHighThresholdPercent: 80,
      imageGCLowThresholdPercent: 70,
      registerWithTaints: [{ key: 'node-role.kubernetes.io/edge', value: 'mini', effect: 'NoSchedule' }],
    });
  });

  test('WHEN the drop-in is written THEN it fills no field only the cluster knows: kubeadm\'s config keeps them', () => {
    const config = dropIn(kubeletSite('1.32'));
    for (const field of ['clusterDNS', 'clusterDomain', 'cgroupDriver', 'authentication', 'authorization', 'staticPodPath', 'rotateCertificates']) {
      expect(config[field]).toBeUndefined();
    }
  });

  test('WHEN the node runs 1.30 or later THEN kubelet.env adds the drop-in folder to the kubelet\'s flags, and no alpha variable', () => {
    for (const version of ['1.30', '1.31', '1.32'] as const) {
      expect(files(kubeletSite(version))['kubelet.env']).toBe(
        'KUBELET_EXTRA_ARGS="--config-dir=/etc/kubernetes/kubelet.conf.d --node-labels=edge.line=a,edge.site=test-site,edge.tier=mini"\n');
    }
  });

  test('WHEN the node runs 1.28 or 1.29 THEN kubelet.env also sets KUBELET_CONFIG_DROPIN_DIR_ALPHA, without which those kubelets refuse --config-dir', () => {
    for (const version of ['1.28', '1.29'] as const) {
      expect(files(kubeletSite(version))['kubelet.env']).toBe(
        'KUBELET_CONFIG_DROPIN_DIR_ALPHA=on\nKUBELET_EXTRA_ARGS="--config-dir=/etc/kubernetes/kubelet.conf.d --node-labels=edge.line=a,edge.site=test-site,edge.tier=mini"\n');
    }
  });

  test('WHEN a server node runs a plain kubelet THEN its drop-in has no edge taint', () => {
    const config = dropIn(kubeletSite('1.30'), 'srv');
    expect(config.maxPods).toBe(30);
    expect(config.registerWithTaints).toBeUndefined();
  });
});

describe('plain kubelet, Kubernetes 1.25 to 1.27: no drop-in folder, so flags', () => {
  test('WHEN the node runs 1.25, 1.26 or 1.27 THEN no drop-in is written and kubelet.env carries the tier settings as kubelet flags', () => {
    for (const version of ['1.25', '1.26', '1.27'] as const) {
      const written = files(kubeletSite(version));
      expect(Object.keys(written)).toEqual(['kubelet.env']);
      expect(written['kubelet.env']).toBe(`KUBELET_EXTRA_ARGS="${[
        '--node-labels=edge.line=a,edge.site=test-site,edge.tier=mini',
        '--max-pods=60',
        '--system-reserved=cpu=500m,ephemeral-storage=1Gi,memory=512Mi',
        '--kube-reserved=cpu=200m,ephemeral-storage=1Gi,memory=256Mi',
        '--enforce-node-allocatable=pods',
        '--eviction-hard=imagefs.available<5%,memory.available<100Mi,nodefs.available<5%',
        '--eviction-minimum-reclaim=imagefs.available=1Gi,memory.available=100Mi,nodefs.available=500Mi',
        '--image-gc-high-threshold=80',
        '--image-gc-low-threshold=70',
        '--register-with-taints=node-role.kubernetes.io/edge=mini:NoSchedule',
      ].join(' ')}"\n`);
    }
  });
});

describe('KubeletConfiguration v1beta1 field lists', () => {
  test('WHEN a drop-in is written for any supported minor THEN every key is one that minor\'s kubelet reads', () => {
    for (const version of KUBERNETES_VERSIONS.filter((v) => Number(v.split('.')[1]) >= 28)) {
      const fields = upstreamFields(`kubelet/kubelet-config-v1beta1-${version}.json`);
      expect(fields.source).toMatch(new RegExp(`^kubernetes/kubelet@kubernetes-${version.replace('.', '\\.')}\\.0:config/v1beta1/types\\.go`));
      for (const node of ['srv', 'agt']) {
        expect([version, node, unknownKeys(dropIn(kubeletSite(version), node), fields.fields)]).toEqual([version, node, []]);
      }
    }
  });

  test('WHEN a key is misspelt or belongs to a later minor THEN the field list of the node\'s minor reports it', () => {
    const config = dropIn(kubeletSite('1.28'));
    config.maxPod = config.maxPods;
    config.registerWithTaints[0].efect = 'NoSchedule';
    config.podLogsDir = '/var/log/pods';
    expect(unknownKeys(config, upstreamFields('kubelet/kubelet-config-v1beta1-1.28.json').fields)).toEqual(['registerWithTaints[0].efect', 'maxPod', 'podLogsDir']);
    expect(unknownKeys({ podLogsDir: '/var/log/pods' }, upstreamFields('kubelet/kubelet-config-v1beta1-1.30.json').fields)).toEqual([]);
  });

  test('WHEN the field lists are read THEN there is one per supported minor', () => {
    for (const version of KUBERNETES_VERSIONS) {
      expect(upstreamFields(`kubelet/kubelet-config-v1beta1-${version}.json`).fields).toMatchObject({ maxPods: true, registerWithTaints: [{ key: true, effect: true }] });
    }
  });
});
