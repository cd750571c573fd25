import { namespaceEnforceLevel, NodeSpec, PSS_EXCEPTION_ANNOTATION, SiteSpec } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({ name, capacity: { cpu: '8', memory: '16Gi' }, ...extra });
const singleNode: Partial<SiteSpec> = { cluster: { upgrade: {} } };
const ha: Partial<SiteSpec> = {
  tier: 'mini',
  nodes: [node('cp-1', { role: 'server' }), node('cp-2', { role: 'server' }), node('cp-3', { role: 'server' }), node('w-1'), node('w-2'), node('legacy', { runtime: 'kubelet' })],
  cluster: { apiEndpoint: 'api.store.example.com', upgrade: {} },
};
const critical = { name: 'pos', namespace: 'store', image: 'ghcr.io/acme/pos:2.1.0', ports: [{ name: 'http', port: 8080 }], priorityClass: 'edge-critical' as const };

function plans(site: Partial<SiteSpec>): { server?: any; agent?: any; objects: any[] } {
  const objects = synthObjects(buildSite(microSite(site)));
  const byName = (name: string) => objects.find((o) => o.kind === 'Plan' && o.metadata.name === name);
  return { server: byName('k3s-server'), agent: byName('k3s-agent'), objects };
}

describe('K3sUpgradePlans', () => {
  test('WHEN a site asks for upgrades THEN the servers upgrade one at a time to the pinned k3s release', () => {
    const { server } = plans(ha);
    expect(server.metadata.namespace).toBe('system-upgrade');
    expect(server.spec).toMatchObject({
      version: 'v1.30.14+k3s2', concurrency: 1, cordon: true, serviceAccountName: 'system-upgrade', upgrade: { image: 'rancher/k3s-upgrade' },
      nodeSelector: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['cp-1', 'cp-2', 'cp-3'] }] },
    });
    expect(server.spec.prepare).toBeUndefined();
  });

  test('WHEN the site has agents THEN their Plan waits for the server Plan and leaves out nodes that do not run k3s', () => {
    const { agent } = plans(ha);
    expect(agent.spec).toMatchObject({
      version: 'v1.30.14+k3s2', concurrency: 1, cordon: true,
      prepare: { image: 'rancher/k3s-upgrade', args: ['prepare', 'k3s-server'] },
      nodeSelector: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['w-1', 'w-2'] }] },
    });
  });

  test('WHEN the upgrade jobs run on edge nodes THEN they tolerate every edge taint', () => {
    expect(plans(ha).agent.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('WHEN other nodes of a role can take the pods THEN the Plan drains through evictions with a timeout', () => {
    expect(plans(ha).agent.spec.drain).toEqual({ force: false, ignoreDaemonSets: true, deleteEmptydirData: true, timeout: '10m' });
  });

  test('WHEN the site has a single node THEN it is cordoned but not drained: its pods have nowhere to go', () => {
    const { server, agent } = plans(singleNode);
    expect(server.spec.cordon).toBe(true);
    expect(server.spec.drain).toBeUndefined();
    expect(agent).toBeUndefined();
  });

  test('WHEN an edge-critical workload runs one replica THEN no Plan drains, so an upgrade never stops it', () => {
    const { server, agent } = plans({ ...ha, apps: [{ ...critical, tier: 'mini' }] });
    expect(server.spec.drain).toBeUndefined();
    expect(agent.spec.drain).toBeUndefined();
    expect(agent.spec.cordon).toBe(true);
  });

  test('WHEN an edge-critical workload runs two replicas THEN draining is safe and kept', () => {
    expect(plans({ ...ha, apps: [{ ...critical, tier: 'mini', replicas: 2 }] }).agent.spec.drain).toBeDefined();
  });

  test('WHEN a standard site upgrades several agents at once THEN only the agents get that concurrency, at most their number', () => {
    const { server, agent } = plans({ ...ha, tier: 'standard', cluster: { ...ha.cluster, upgrade: { concurrency: 5 } } });
    expect(server.spec.concurrency).toBe(1);
    expect(agent.spec.concurrency).toBe(2);
  });

  test('WHEN the site pins its own k3s release and a system default registry THEN the Plans target that release from that registry', () => {
    const { server, agent } = plans({ ...ha, cluster: { ...ha.cluster, k3sVersion: 'v1.30.5+k3s1', systemDefaultRegistry: 'registry.store.local:5000' } });
    expect(server.spec.version).toBe('v1.30.5+k3s1');
    expect(agent.spec.upgrade.image).toBe('registry.store.local:5000/rancher/k3s-upgrade');
    expect(agent.spec.prepare.image).toBe('registry.store.local:5000/rancher/k3s-upgrade');
  });

  test('WHEN upgrades are on THEN system-upgrade enforces privileged for the controller\'s jobs, says why, and lets the controller reach the API server', () => {
    const { objects, server } = plans(ha);
    const ns = findObject(objects, 'Namespace', 'system-upgrade');
    expect(namespaceEnforceLevel(ns)).toBe('privileged');
    expect(ns.metadata.annotations[PSS_EXCEPTION_ANNOTATION]).toMatch(/privileged.*replace the k3s binary/);
    expect(server.metadata.annotations[PSS_EXCEPTION_ANNOTATION]).toBe(ns.metadata.annotations[PSS_EXCEPTION_ANNOTATION]);
    const allow = findObject(objects, 'NetworkPolicy', 'allow-api-server-egress', 'system-upgrade');
    expect(allow.spec.egress[0].ports.map((p: any) => p.port)).toEqual([443, 6443]);
  });

  test('WHEN a site does not ask for upgrades THEN it has no Plans and no privileged namespace', () => {
    const objects = synthObjects(buildSite(microSite()));
    expect(objects.filter((o) => o.kind === 'Plan' || o.metadata?.name === 'system-upgrade')).toEqual([]);
  });
});

describeWithSchemas('K3sUpgradePlans conformance', () => {
  test('WHEN the Plans of an HA site are synthesized THEN they are valid against the Plan CRD and the Kubernetes 1.25 and 1.32 schemas', () => {
    const { objects } = plans({ ...ha, cluster: { ...ha.cluster, systemDefaultRegistry: 'registry.store.local:5000' } });
    expect(objects.filter((o) => o.kind === 'Plan')).toHaveLength(2);
    expect(validateObjects(objects, conformanceValidators())).toEqual([]);
  });
});
requireSchemasInCi();
