import { NodeSpec, SiteSpec } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({ name, capacity: { cpu: '4', memory: '8Gi' }, ...extra });
const openYurt: Partial<SiteSpec> = {
  region: 'eu-central',
  cluster: { flavor: 'openyurt', serverUrl: 'https://10.0.0.1:6443' },
  connectivity: { offlineTolerance: '72h' },
  nodes: [node('cp', { role: 'server' }), node('e1'), node('e2'), node('e3', { tier: 'mini' })],
};
const objectsOf = (site: Partial<SiteSpec>) => synthObjects(buildSite(microSite(site)));

describe('OpenYurtNodePools', () => {
  test('WHEN an OpenYurt site has agents of two tiers THEN it gets one Edge pool per tier and a Cloud pool for its server', () => {
    const pools = objectsOf(openYurt).filter((o) => o.kind === 'NodePool');
    expect(pools.map((p) => [p.apiVersion, p.metadata.name, p.spec.type])).toEqual([
      ['apps.openyurt.io/v1beta2', 'test-site-micro', 'Edge'],
      ['apps.openyurt.io/v1beta2', 'test-site-mini', 'Edge'],
      ['apps.openyurt.io/v1beta2', 'test-site-cloud', 'Cloud'],
    ]);
  });

  test('WHEN an Edge pool is made THEN it keeps its nodes\' role, tier, site and region labels and the tier taint reconciled', () => {
    const pool = findObject(objectsOf(openYurt), 'NodePool', 'test-site-mini');
    expect(pool.spec.labels).toEqual({ 'node-role.kubernetes.io/edge': '', 'edge.tier': 'mini', 'edge.site': 'test-site', 'topology.kubernetes.io/region': 'eu-central' });
    expect(pool.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/edge', value: 'mini', effect: 'NoSchedule' }]);
    expect(pool.metadata.labels).toMatchObject({ 'edge.tier': 'mini', 'edge.site': 'test-site' });
  });

  test('WHEN an Edge pool is made THEN its nodes keep their pods through a cloud outage as long as the site\'s offline tolerance', () => {
    expect(findObject(objectsOf(openYurt), 'NodePool', 'test-site-micro').spec.annotations).toEqual({ 'node.openyurt.io/autonomy-duration': '72h' });
  });

  test('WHEN the Cloud pool is made THEN it has no taint, no autonomy and no tier label of its own, so no spread workload selects it', () => {
    const pool = findObject(objectsOf(openYurt), 'NodePool', 'test-site-cloud');
    expect(pool.spec.taints).toBeUndefined();
    expect(pool.spec.annotations).toBeUndefined();
    expect(pool.spec.labels).toMatchObject({ 'node-role.kubernetes.io/edge': '', 'edge.tier': 'micro' });
    expect(pool.metadata.labels['edge.tier']).toBeUndefined();
  });

  test('WHEN the servers are of different tiers THEN the Cloud pool sets no tier label on them', () => {
    const site = { ...openYurt, nodes: [node('cp', { role: 'server' }), node('cp2', { role: 'server', tier: 'mini' }), node('cp3', { role: 'server' }), node('e1')] };
    expect(findObject(objectsOf(site), 'NodePool', 'test-site-cloud').spec.labels['edge.tier']).toBeUndefined();
  });
});

describeWithSchemas('OpenYurtNodePools conformance', () => {
  test('WHEN the pools are synthesized THEN they are valid against the NodePool v1beta2 CRD and the Kubernetes schemas', () => {
    const objects = objectsOf(openYurt);
    expect(objects.filter((o) => o.kind === 'NodePool')).toHaveLength(3);
    expect(validateObjects(objects, conformanceValidators())).toEqual([]);
  });
});
requireSchemasInCi();
