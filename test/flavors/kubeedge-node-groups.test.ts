import { NodeSpec, SiteSpec } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({ name, capacity: { cpu: '4', memory: '8Gi' }, ...extra });
const kubeEdge: Partial<SiteSpec> = {
  cluster: { flavor: 'kubeedge', serverUrl: 'https://10.0.0.1:6443', kubeEdge: { cloudCoreAddress: '203.0.113.10' } },
  nodes: [node('cp', { role: 'server' }), node('edge-b'), node('edge-a'), node('edge-m', { tier: 'mini' }), node('cloud-worker', { runtime: 'k3s' })],
};
const objectsOf = (site: Partial<SiteSpec>) => synthObjects(buildSite(microSite(site)));

describe('KubeEdgeNodeGroups', () => {
  test('WHEN a KubeEdge site has EdgeCore nodes of two tiers THEN each tier is a node group listing its nodes by name', () => {
    const groups = objectsOf(kubeEdge).filter((o) => o.kind === 'NodeGroup');
    expect(groups.map((g) => [g.metadata.name, g.spec])).toEqual([
      ['test-site-micro', { nodes: ['edge-a', 'edge-b'] }],
      ['test-site-mini', { nodes: ['edge-m'] }],
    ]);
  });

  test('WHEN a KubeEdge site has cloud-side nodes THEN they are in no group, so nothing spread over the edge lands on them', () => {
    const members = objectsOf(kubeEdge).filter((o) => o.kind === 'NodeGroup').flatMap((g) => g.spec.nodes);
    expect(members).not.toContain('cp');
    expect(members).not.toContain('cloud-worker');
  });

  test('WHEN a group is made THEN it carries the site and tier labels', () => {
    expect(findObject(objectsOf(kubeEdge), 'NodeGroup', 'test-site-mini').metadata.labels).toMatchObject({ 'edge.site': 'test-site', 'edge.tier': 'mini' });
  });
});

describeWithSchemas('KubeEdgeNodeGroups conformance', () => {
  test('WHEN the groups are synthesized THEN they are valid against the NodeGroup CRD and the Kubernetes schemas', () => {
    const objects = objectsOf(kubeEdge);
    expect(objects.filter((o) => o.kind === 'NodeGroup')).toHaveLength(2);
    expect(validateObjects(objects, conformanceValidators())).toEqual([]);
  });
});
requireSchemasInCi();
