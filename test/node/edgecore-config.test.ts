import * as yaml from 'js-yaml';
import { NodeSpec, SiteSpec } from '../../lib';
import { buildSite, microSite } from '../support/fixtures';
import { unknownKeys, upstreamFields } from '../support/upstream-keys';

const EDGECORE = upstreamFields('kubeedge/edgecore-v1.21.0.json');

const server: NodeSpec = { name: 'srv', role: 'server', capacity: { cpu: '4', memory: '4Gi' } };
const agent: NodeSpec = { name: 'agt', tier: 'mini', capacity: { cpu: '8', memory: '8Gi' }, accelerator: { kind: 'nvidia-gpu', count: 1 } };

function kubeEdgeSite(kubeEdge: Record<string, unknown> = {}): SiteSpec {
  return microSite({
    cluster: { flavor: 'kubeedge', serverUrl: 'https://10.0.0.1:6443', kubeEdge: { cloudCoreAddress: 'cloudcore.example.com', tokenFile: '/etc/kubeedge/token', ...kubeEdge } },
    nodes: [server, agent],
  } as Partial<SiteSpec>);
}

function edgeCoreConfig(site: SiteSpec, node = 'agt'): any {
  const file = buildSite(site).nodeFiles().find((f) => f.node === node && f.path === 'kubeedge/edgecore.yaml');
  if (!file) throw new Error(`no edgecore.yaml for ${node}`);
  return yaml.load(file.content);
}

describe('EdgeCore config', () => {
  test('WHEN an EdgeCore node is configured THEN its stream tunnel is on and reaches CloudCore\'s tunnel port (regression: tunnelServer, a key v1alpha2 does not have)', () => {
    expect(edgeCoreConfig(kubeEdgeSite()).modules.edgeStream).toEqual({ enable: true, server: 'cloudcore.example.com:10004' });
  });

  test('WHEN the site names another tunnel port THEN the stream tunnel uses it, not keadm\'s default 10004', () => {
    expect(edgeCoreConfig(kubeEdgeSite({ tunnelPort: 30004 })).modules.edgeStream.server).toBe('cloudcore.example.com:30004');
  });

  test('WHEN an EdgeCore node is configured THEN its MetaServer is on at the loopback address for the node\'s API clients', () => {
    expect(edgeCoreConfig(kubeEdgeSite()).modules.metaManager).toEqual({ metaServer: { enable: true, server: '127.0.0.1:10550' } });
  });

  test('WHEN an EdgeCore config is written THEN every key is one EdgeCore v1.21.0 reads, the tier\'s kubelet settings included', () => {
    const config = edgeCoreConfig(kubeEdgeSite());
    expect(config.modules.edged.tailoredKubeletConfig.registerWithTaints).toHaveLength(1);
    expect(unknownKeys(config, EDGECORE.fields)).toEqual([]);
  });

  test('WHEN a key is misspelt THEN the v1.21.0 field list reports it at its path', () => {
    const config = edgeCoreConfig(kubeEdgeSite());
    config.modules.edgeStream.tunnelServer = config.modules.edgeStream.server;
    config.modules.metaManager.metaServer.listen = '127.0.0.1:10550';
    config.modules.edged.tailoredKubeletConfig.registerWithTaints[0].efect = 'NoSchedule';
    expect(unknownKeys(config, EDGECORE.fields)).toEqual([
      'modules.edgeStream.tunnelServer',
      'modules.metaManager.metaServer.listen',
      'modules.edged.tailoredKubeletConfig.registerWithTaints[0].efect',
    ]);
  });

  test('WHEN the field list is read THEN it names the pinned release it was generated from, and the stream field is server', () => {
    expect(EDGECORE.source).toMatch(/^kubeedge\/kubeedge@v1\.21\.0:staging\/src\/github\.com\/kubeedge\/api\/apis\/componentconfig\/edgecore\/v1alpha2\/types\.go/);
    expect(EDGECORE.fields).toMatchObject({ modules: { edgeStream: { enable: true, server: true }, metaManager: { metaServer: { enable: true, server: true } } } });
  });

  test('WHEN an EdgeCore node is configured THEN it gets no KubeletConfiguration: its edged reads tailoredKubeletConfig', () => {
    const paths = buildSite(kubeEdgeSite()).nodeFiles().filter((f) => f.node === 'agt').map((f) => f.path);
    expect(paths).toEqual(['kubeedge/edgecore.yaml', 'kubeedge/keadm-join.env']);
  });
});
