import { EdgeAppOptions, NodeSpec, SiteSpec, validateInventory } from '../../lib';
import { clusterObjectName, joinsHubControlPlane, platformNamespace } from '../../lib/core/site/shared-control-plane';
import { buildSite, microSite, synthObjects } from '../support/fixtures';

const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({ name, capacity: { cpu: '4', memory: '8Gi' }, ...extra });
const ports = [{ name: 'http', port: 8080 }];
const app = (namespace: string): EdgeAppOptions => ({ name: 'collector', namespace, kind: 'DaemonSet', image: 'ghcr.io/acme/collector:1.4.2', ports });
const components = {
  offlineAgent: { image: 'ghcr.io/acme/offline-agent:1.6.0', cloudEndpoint: 'https://control.example.com', healthPath: '/healthz' },
  monitoring: { remoteWrite: { url: 'https://metrics.example.com/api/v1/write', bearerTokenSecret: { secretName: 'remote-write', key: 'token' } } },
};
const network = { cloudCidrs: ['203.0.113.0/24'] };
const yurtSite = (overrides: Partial<SiteSpec> = {}): SiteSpec => microSite({
  name: 'paris', cluster: { flavor: 'openyurt', serverUrl: 'https://10.0.0.1:6443' }, network,
  nodes: [node('paris-1'), node('paris-2')], apps: [app('store')], components, ...overrides,
});
const edgeSite = (overrides: Partial<SiteSpec> = {}): SiteSpec => microSite({
  name: 'farm', cluster: { flavor: 'kubeedge', serverUrl: 'https://10.0.0.1:6443', kubeEdge: { cloudCoreAddress: 'cloudcore.example.com' } }, network,
  nodes: [node('farm-1'), node('farm-2')], apps: [app('greenhouse')], components, ...overrides,
});
const identity = (o: any) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('sites on the hub\'s shared control plane', () => {
  test('WHEN an OpenYurt and a KubeEdge site both join the hub THEN no object of one is also an object of the other (regression: both wrote the monitoring, edge-system, RBAC and PriorityClass objects under one name)', () => {
    const paris = synthObjects(buildSite(yurtSite())).map(identity);
    const farm = new Set(synthObjects(buildSite(edgeSite())).map(identity));
    expect(paris.length).toBeGreaterThan(20);
    expect(paris.filter((id) => farm.has(id))).toEqual([]);
  });

  test('WHEN a site joins the hub THEN the library\'s own namespaces are the site\'s: <site>-edge-system, <site>-monitoring', () => {
    const objects = synthObjects(buildSite(yurtSite()));
    const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort();
    expect(namespaces).toEqual(['paris-edge-system', 'paris-monitoring', 'store']);
    expect(objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'offline-agent').metadata.namespace).toBe('paris-edge-system');
    expect(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'prometheus').metadata.namespace).toBe('paris-monitoring');
  });

  test('WHEN a site joins the hub THEN its PriorityClasses, ClusterRoles and bindings carry the site name, and so does every reference to them', () => {
    const objects = synthObjects(buildSite(edgeSite()));
    expect(objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name).sort()).toEqual(['farm-edge-critical', 'farm-edge-normal']);
    const roles = new Set(objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name));
    expect([...roles].every((name) => name.startsWith('farm-'))).toBe(true);
    for (const binding of objects.filter((o) => o.kind === 'ClusterRoleBinding')) {
      expect(binding.metadata.name.startsWith('farm-')).toBe(true);
      expect(roles.has(binding.roleRef.name)).toBe(true);
      for (const subject of binding.subjects) expect(subject.namespace).toBe('farm-monitoring');
    }
    const classes = new Set(objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name));
    const templates = objects.filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind)).map((o) => o.spec.template.spec);
    for (const pod of templates) expect(classes.has(pod.priorityClassName)).toBe(true);
    const spread = objects.filter((o) => o.kind === 'EdgeApplication');
    for (const a of spread) expect(classes.has(a.spec.workloadTemplate.manifests[0].spec.template.spec.priorityClassName)).toBe(true);
  });

  test('WHEN a site has a cluster of its own THEN its names stay as they are', () => {
    const k3s = microSite({ cluster: { serverUrl: 'https://10.0.0.1:6443' }, network, nodes: [node('cp', { role: 'server' }), node('e1')], apps: [app('store')], components });
    const objects = synthObjects(buildSite(k3s));
    expect(objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name).sort()).toEqual(['edge-critical', 'edge-normal']);
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort()).toEqual(['edge-system', 'monitoring', 'store']);
    expect(platformNamespace({ name: 's', cluster: { flavor: 'k3s' } }, 'monitoring')).toBe('monitoring');
    expect(clusterObjectName({ name: 's', cluster: { flavor: 'kubeedge' } }, 'edge-critical')).toBe('s-edge-critical');
    expect(joinsHubControlPlane({ cluster: { flavor: 'openyurt' } })).toBe(true);
  });
});

describe('fleet rules of the shared control plane', () => {
  const inventory = (a: Partial<SiteSpec>, b: Partial<SiteSpec>) => ({ sites: [{ ...yurtSite(), components: {}, ...a }, { ...edgeSite(), components: {}, ...b }] });
  const messages = (raw: unknown) => validateInventory(raw).problems.map((p) => `${p.path}: ${p.message}`);

  test('WHEN two sites on the hub use one namespace THEN the second is told to use its own', () => {
    expect(messages(inventory({ apps: [app('shared')] }, { apps: [app('shared')] }))).toContainEqual(
      'sites[1].namespaces: namespace "shared" is also site paris\'s (sites[0]); sites that join the hub\'s control plane share its cluster, so each needs namespaces of its own (e.g. farm-shared)');
  });

  test('WHEN two sites on the hub have a node of one name THEN it is reported at the second node', () => {
    expect(messages(inventory({}, { nodes: [node('paris-1'), node('farm-2')] }))).toContainEqual(
      'sites[1].nodes[0].name: node "paris-1" is also a node of site paris (sites[0].nodes[0]); sites that join the hub\'s control plane share its cluster, where a node name is one Node');
  });

  test('WHEN the same namespace is used by a site with a cluster of its own THEN it is no problem', () => {
    const k3s = { ...edgeSite(), cluster: { serverUrl: 'https://10.0.0.1:6443' }, components: {}, nodes: [node('cp', { role: 'server' }), node('paris-1')], apps: [app('store')] };
    expect(messages({ sites: [{ ...yurtSite(), components: {} }, k3s] })).toEqual([]);
  });
});

describe('site names on the shared control plane', () => {
  test('WHEN a site on the hub has a name too long for <site>-edge-system THEN the name is reported with the length allowed', () => {
    const name = `s${'x'.repeat(54)}`;
    const problems = validateInventory({ sites: [{ ...yurtSite(), name, components: {} }] }).problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems).toContainEqual(`sites[0].name: is too long for a site on the hub's shared control plane: its namespace "${name}-edge-system" would be longer than 63 characters; use at most 51 characters`);
  });
});
