import { Testing } from 'cdk8s';
import { EdgeApp, EdgeSite, EdgeValidationError } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';

describe('EdgeSite', () => {
  test('WHEN a site is built THEN it has edge-system, monitoring and the declared namespaces', () => {
    const objects = synthObjects(buildSite(microSite({ namespaces: ['line-a'] })));
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['edge-system', 'line-a', 'monitoring']);
  });

  test('WHEN a namespace is created THEN it enforces, audits and warns at restricted pinned to the site version', () => {
    const ns = findObject(synthObjects(buildSite(microSite({ kubernetesVersion: '1.27' }))), 'Namespace', 'edge-system');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.27',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('WHEN a namespace is created THEN a default-deny policy blocks ingress and egress and DNS egress is allowed', () => {
    const objects = synthObjects(buildSite(microSite()));
    for (const ns of ['edge-system', 'monitoring']) {
      expect(findObject(objects, 'NetworkPolicy', 'default-deny', ns).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const dns = findObject(objects, 'NetworkPolicy', 'allow-dns-egress', ns).spec;
      expect(dns.policyTypes).toEqual(['Egress']);
      expect(dns.egress[0].to[0].podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
      expect(dns.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    }
  });

  test('WHEN a site is built THEN edge-critical and the global default edge-normal PriorityClasses exist', () => {
    const objects = synthObjects(buildSite(microSite()));
    expect(findObject(objects, 'PriorityClass', 'edge-critical')).toMatchObject({ value: 1000000, globalDefault: false });
    expect(findObject(objects, 'PriorityClass', 'edge-normal')).toMatchObject({ value: 1000, globalDefault: true });
  });

  test('WHEN a site is built THEN every object carries the common labels and no name is hashed', () => {
    const objects = synthObjects(buildSite(microSite({ name: 'store-7' })));
    for (const object of objects) {
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'cdk8s-edge', 'app.kubernetes.io/managed-by': 'cdk8s', 'edge.site': 'store-7',
      });
      expect(object.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$/);
    }
  });

  test('WHEN a namespace allows a higher Pod Security level THEN the labels and the exception reason are set', () => {
    const site = buildSite(microSite());
    site.ensureNamespace('edge-system').allowPodSecurity('privileged', 'node agents mount host paths');
    const ns = findObject(synthObjects(site), 'Namespace', 'edge-system');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(ns.metadata.annotations['edge.cdk8s.io/pss-exception']).toBe('node agents mount host paths');
  });

  test('WHEN a site written in code is invalid THEN the constructor throws with every problem under the chart path', () => {
    const act = () => new EdgeSite(Testing.app(), 'shop', { spec: microSite({ name: 'shop', tier: 'big' as any, nodes: [] }) });
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/shop.tier: "big" is not one of micro, mini, standard, mec\n {2}- shop.nodes: must list at least one node/);
  });

  test('WHEN a construct outside a site asks for its site THEN it gets a clear error', () => {
    const app = Testing.app();
    expect(() => new EdgeApp(app, 'lost', { name: 'x', namespace: 'y', image: 'x:1' })).toThrow('lost must be created inside an EdgeSite');
  });

  test('WHEN a node name is looked up that does not exist THEN the error lists the nodes', () => {
    expect(() => buildSite(microSite()).nodeNamed('nope')).toThrow('site test-site has no node "nope"; nodes: node-1');
  });
});

describe('EdgeSite capacity check', () => {
  const collector = { name: 'big', namespace: 'apps', image: 'ghcr.io/acme/big:1.0.0', ports: [{ name: 'http', port: 80 }] };

  test('WHEN workloads fit the node after kubelet reservations THEN the site validates', () => {
    const site = buildSite(microSite({ apps: [{ ...collector, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] }));
    expect(site.node.validate()).toEqual([]);
  });

  test('WHEN a DaemonSet overcommits a micro node THEN the error names the node, its allocatable and the workloads', () => {
    // 4Gi - 256Mi system - 128Mi kube - 100Mi eviction = 3612Mi allocatable.
    const site = buildSite(microSite({ apps: [
      { ...collector, kind: 'DaemonSet', resources: { requests: { memory: '3Gi' }, limits: { memory: '3Gi' } } },
      { ...collector, name: 'agent', kind: 'DaemonSet', resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } } },
    ] }));
    expect(site.node.validate()).toEqual([
      'node node-1 (tier micro) is overcommitted: allocatable cpu 3650m, memory 3612Mi, 30 pods; requested cpu 200m, memory 4Gi, 2 pods by: DaemonSet apps/big, DaemonSet apps/agent',
    ]);
  });

  test('WHEN replicas do not fit the tier\'s nodes THEN the error names the workload and what is left on each node', () => {
    const site = buildSite(microSite({ apps: [{ ...collector, replicas: 3, resources: { requests: { cpu: '1500m' }, limits: { cpu: '2' } } }] }));
    expect(site.node.validate()).toEqual([
      'Deployment apps/big (test-site/App-apps-big) requests cpu 1500m, memory 64Mi per pod: replica 3 of 3 does not fit (node-1 has cpu 650m, memory 3484Mi left)',
    ]);
  });

  test('WHEN an app is placed on a tier the site has no node of THEN the error says so', () => {
    const site = buildSite(microSite({ apps: [{ ...collector, tier: 'mec' }] }));
    expect(site.node.validate()).toEqual(['Deployment apps/big (test-site/App-apps-big) requests cpu 1, memory 1Gi per pod: no node of tier mec']);
  });
});
