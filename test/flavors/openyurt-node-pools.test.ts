import * as fs from 'fs';
import * as path from 'path';
import { NodeSpec, SiteSpec } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

/** Upstream chart facts (../shared/charts/<chart>/<version>/, see its SOURCES.md). */
const CHARTS = path.resolve(__dirname, '..', '..', '..', 'shared', 'charts');
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
      ['apps.openyurt.io/v1beta1', 'test-site-micro', 'Edge'],
      ['apps.openyurt.io/v1beta1', 'test-site-mini', 'Edge'],
      ['apps.openyurt.io/v1beta1', 'test-site-cloud', 'Cloud'],
    ]);
  });

  test('WHEN an OpenYurt site is synthesized THEN its NodePools use v1beta1, a version the pinned yurt-manager chart 1.4.2 serves (regression: it wrote v1beta2, which that chart does not serve)', () => {
    const served = fs.readFileSync(path.join(CHARTS, 'yurt-manager', '1.4.2', 'crds.txt'), 'utf8');
    const versions = /^nodepools\.apps\.openyurt\.io (.+)$/m.exec(served)![1].split(' ');
    const pools = objectsOf(openYurt).filter((o) => o.kind === 'NodePool');
    expect(pools.length).toBeGreaterThan(0);
    for (const pool of pools) expect(versions).toContain(pool.apiVersion.split('/')[1]);
  });

  test('WHEN an OpenYurt site is synthesized THEN every pool gives its nodes the edge role label, which no kubelet may set itself (regression: the edge-node scrape job selected none of them)', () => {
    const objects = objectsOf(openYurt);
    for (const pool of objects.filter((o) => o.kind === 'NodePool')) expect(pool.spec.labels).toHaveProperty(['node-role.kubernetes.io/edge'], '');
    // The pool is the only home of that label: no Node patch, and no kubelet flag that NodeRestriction would reject.
    expect(objects.filter((o) => o.kind === 'Node')).toEqual([]);
    const files = buildSite(microSite(openYurt)).nodeFiles().map((f) => f.content).join('\n');
    const registrationLabels = files.match(/node-labels=[^"\n]*|node-label\+?:(\n\s+- [^\n]+)+/g) ?? [];
    expect(registrationLabels.length).toBeGreaterThan(0);
    expect(registrationLabels.join('\n')).not.toContain('node-role.kubernetes.io');
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
  test('WHEN the pools are synthesized THEN they are valid against the NodePool v1beta1 CRD and the Kubernetes schemas', () => {
    const objects = objectsOf(openYurt);
    expect(objects.filter((o) => o.kind === 'NodePool')).toHaveLength(3);
    expect(validateObjects(objects, conformanceValidators())).toEqual([]);
  });
});
requireSchemasInCi();
