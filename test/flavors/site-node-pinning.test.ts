import { EdgeAppOptions, NodeSpec, SiteSpec } from '../../lib';
import { joinsHubControlPlane } from '../../lib/core/site/shared-control-plane';
import { buildSite, microSite, synthObjects } from '../support/fixtures';

const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({ name, capacity: { cpu: '4', memory: '8Gi' }, ...extra });
const ports = [{ name: 'http', port: 8080 }];
const agent: EdgeAppOptions = { name: 'collector', namespace: 'apps', kind: 'DaemonSet', image: 'ghcr.io/acme/collector:1.4.2', ports };
const api: EdgeAppOptions = { name: 'api', namespace: 'apps', image: 'ghcr.io/acme/api:2.0.0', replicas: 1, ports };
const offlineAgent = { image: 'ghcr.io/acme/offline-agent:1.6.0', cloudEndpoint: 'https://control.example.com', healthPath: '/healthz' };
const openYurt: SiteSpec = microSite({
  cluster: { flavor: 'openyurt', serverUrl: 'https://10.0.0.1:6443' },
  nodes: [node('e1'), node('e2')],
  network: { cloudCidrs: ['203.0.113.0/24'] },
  apps: [agent, api],
  components: { offlineAgent },
});
const kubeEdge: SiteSpec = microSite({
  cluster: { flavor: 'kubeedge', serverUrl: 'https://10.0.0.1:6443', kubeEdge: { cloudCoreAddress: 'cloudcore.example.com' } },
  nodes: [node('e1'), node('e2')],
  network: { cloudCidrs: ['203.0.113.0/24'] },
  apps: [agent, api],
  components: { offlineAgent },
});
const POD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob'];
const podSpecOf = (o: any) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const workloadsOf = (spec: SiteSpec) => synthObjects(buildSite(spec)).filter((o) => POD_KINDS.includes(o.kind));

describe('SiteNodePinning', () => {
  test.each([['OpenYurt', openYurt], ['KubeEdge', kubeEdge]])('WHEN a %s site joins the hub\'s control plane THEN every DaemonSet and Deployment selects the site\'s nodes (regression: DaemonSets tolerating every edge taint ran on other sites\' nodes)', (_flavor, spec) => {
    const workloads = workloadsOf(spec);
    expect(workloads.map((o) => o.kind)).toEqual(expect.arrayContaining(['DaemonSet', 'Deployment']));
    for (const o of workloads) expect([o.kind, o.metadata.name, podSpecOf(o).nodeSelector?.['edge.site']]).toEqual([o.kind, o.metadata.name, 'test-site']);
  });

  test('WHEN a workload already has a node selector THEN the site label is added to it, not put in its place', () => {
    const daemonSet = workloadsOf(kubeEdge).find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'collector');
    expect(podSpecOf(daemonSet).nodeSelector).toEqual({ 'edge.tier': 'micro', 'edge.site': 'test-site' });
  });

  test('WHEN the site has a cluster of its own (k3s) THEN its workloads are left as they are', () => {
    const k3s = microSite({ cluster: { serverUrl: 'https://10.0.0.1:6443' }, nodes: [node('cp', { role: 'server' }), node('e1')], apps: [agent, api] });
    expect(joinsHubControlPlane(buildSite(k3s).spec)).toBe(false);
    for (const o of workloadsOf(k3s)) expect(podSpecOf(o).nodeSelector?.['edge.site']).toBeUndefined();
  });

  test('WHEN the pods are pinned THEN the nodes carry that label: OpenYurt pools and KubeEdge EdgeCore both set it', () => {
    const yurt = synthObjects(buildSite(openYurt)).filter((o) => o.kind === 'NodePool');
    for (const pool of yurt) expect(pool.spec.labels['edge.site']).toBe('test-site');
    const edgeCore = buildSite(kubeEdge).nodeFiles().filter((f) => f.path === 'kubeedge/edgecore.yaml');
    expect(edgeCore).toHaveLength(2);
    for (const file of edgeCore) expect(file.content).toContain('edge.site: test-site');
  });
});
