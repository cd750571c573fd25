import * as fs from 'fs';
import * as path from 'path';
import { checkWorkloadPodSecurity, EdgeValidationError, NodeSpec, resolveSiteSpec, SiteSpec } from '../../lib';
import { OpenYurtAppSet } from '../../lib/flavors/openyurt-app-set';
import { YURT_APP_SETS_COMPONENT } from '../../lib/flavors/flavor-components';
import type { OpenYurtAppSetOptions } from '../../lib/flavors/spread-options';
import { Problems } from '../../lib/core/validation/problems';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

/** Upstream chart facts (../shared/charts/<chart>/<version>/, see its SOURCES.md). */
const CHARTS = path.resolve(__dirname, '..', '..', '..', 'shared', 'charts');
const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({ name, capacity: { cpu: '4', memory: '8Gi' }, ...extra });
const openYurt: SiteSpec = microSite({
  cluster: { flavor: 'openyurt', serverUrl: 'https://10.0.0.1:6443' },
  nodes: [node('cp', { role: 'server' }), node('e1'), node('e2'), node('m1', { tier: 'mini' })],
});
const collector: OpenYurtAppSetOptions = {
  name: 'collector', namespace: 'apps', image: 'ghcr.io/acme/collector:1.4.2', ports: [{ name: 'http', port: 8080 }],
  pools: [{ tier: 'micro', replicas: 2 }, { tier: 'mini', replicas: 1 }],
};

function build(options: OpenYurtAppSetOptions = collector, spec: SiteSpec = openYurt) {
  const site = buildSite(spec);
  const appSet = new OpenYurtAppSet(site, 'Collector', options);
  return { site, appSet, objects: synthObjects(site) };
}
const yurtAppSet = (objects: any[]) => findObject(objects, 'YurtAppSet', 'collector', 'apps');
const template = (objects: any[]) => yurtAppSet(objects).spec.workloadTemplate.deploymentTemplate;

describe('OpenYurtAppSet', () => {
  test('WHEN a workload is spread over two pools THEN the YurtAppSet has one topology pool per Edge pool, selected by the pool label, with its replicas', () => {
    const spec = yurtAppSet(build().objects).spec;
    expect(spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'collector' } });
    expect(spec.topology.pools).toEqual([
      { name: 'test-site-micro', nodeSelectorTerm: { matchExpressions: [{ key: 'apps.openyurt.io/nodepool', operator: 'In', values: ['test-site-micro'] }] }, replicas: 2 },
      { name: 'test-site-mini', nodeSelectorTerm: { matchExpressions: [{ key: 'apps.openyurt.io/nodepool', operator: 'In', values: ['test-site-mini'] }] }, replicas: 1 },
    ]);
  });

  test('WHEN a workload is spread THEN the YurtAppSet is v1alpha1, the only version the pinned yurt-manager chart 1.4.2 serves (regression: it wrote v1beta1, which that chart does not serve)', () => {
    const served = fs.readFileSync(path.join(CHARTS, 'yurt-manager', '1.4.2', 'crds.txt'), 'utf8');
    expect(served).toMatch(/^yurtappsets\.apps\.openyurt\.io v1alpha1$/m);
    expect(yurtAppSet(build().objects).apiVersion).toBe('apps.openyurt.io/v1alpha1');
  });

  test('WHEN the template is built THEN it tolerates and selects every pool\'s tier, with the smallest tier\'s budget and restricted pods', () => {
    const pod = template(build().objects).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'edge.site': 'test-site' });
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'edge.tier', operator: 'In', values: ['micro', 'mini'] }] }]);
    expect(pod.tolerations.map((t: any) => t.value)).toEqual(['micro', 'mini']);
    expect(pod.containers[0]).toMatchObject({ image: 'ghcr.io/acme/collector:1.4.2', imagePullPolicy: 'IfNotPresent', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } } });
    expect(pod.containers[0].livenessProbe.tcpSocket).toEqual({ port: 'http' });
  });

  test('WHEN the template is checked as the Deployment each pool gets THEN it meets restricted Pod Security', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', ...template(build().objects) };
    expect(checkWorkloadPodSecurity(deployment, 'restricted', { version: '1.25' })).toEqual([]);
  });

  test('WHEN the pools run three pods in all THEN one Service and one PodDisruptionBudget cover every pool\'s pods', () => {
    const { objects } = build();
    expect(findObject(objects, 'Service', 'collector', 'apps').spec.selector).toEqual({ 'app.kubernetes.io/name': 'collector' });
    expect(findObject(objects, 'PodDisruptionBudget', 'collector', 'apps').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } } });
  });

  test('WHEN the workload is built THEN each pool\'s pods are counted on that pool\'s nodes for the capacity check', () => {
    const demands = build().site.workloadDemands.filter((d) => d.description.startsWith('YurtAppSet'));
    expect(demands.map((d) => [d.description, d.tiers, d.nodeLabels, d.replicas])).toEqual([
      ['YurtAppSet apps/collector in test-site-micro', ['micro'], { 'apps.openyurt.io/nodepool': 'test-site-micro' }, 2],
      ['YurtAppSet apps/collector in test-site-mini', ['mini'], { 'apps.openyurt.io/nodepool': 'test-site-mini' }, 1],
    ]);
  });

  test('WHEN a pool is asked for more than its nodes hold THEN the site does not validate', () => {
    const site = buildSite(openYurt);
    new OpenYurtAppSet(site, 'Collector', { ...collector, resources: { requests: { cpu: '2', memory: '1Gi' } }, pools: [{ tier: 'mini', replicas: 3 }] });
    expect(site.node.validate().join('\n')).toMatch(/YurtAppSet apps\/collector in test-site-mini/);
  });
});

describe('OpenYurtAppSet rules', () => {
  const problemOf = (options: Partial<OpenYurtAppSetOptions>, spec: SiteSpec = openYurt): string => {
    try {
      build({ ...collector, ...options } as OpenYurtAppSetOptions, spec);
    } catch (error) {
      if (error instanceof EdgeValidationError) return error.message;
      throw error;
    }
    return '';
  };

  test.each([
    ['the site does not run OpenYurt', {}, microSite(), 'test-site/Collector: a YurtAppSet needs cluster.flavor openyurt; site test-site runs k3s'],
    ['a DaemonSet', { kind: 'DaemonSet' as const }, openYurt, 'test-site/Collector.kind: a YurtAppSet spreads a Deployment over pools'],
    ['replicas on the template', { replicas: 3 }, openYurt, 'test-site/Collector.replicas: is given per Edge pool: set replicas under pools'],
    ['a pinned node', { node: 'e1' }, openYurt, 'test-site/Collector.node: pins the pods to one node, but a YurtAppSet runs them in pools'],
    ['a tier on the template', { tier: 'micro' as const }, openYurt, 'test-site/Collector.tier: comes from the pools'],
    ['no pools', { pools: [] }, openYurt, 'test-site/Collector.pools: must list at least one Edge pool'],
    ['a pool of a tier without edge nodes', { pools: [{ tier: 'standard' as const, replicas: 1 }] }, openYurt, 'test-site/Collector.pools[0].tier: site test-site has no Edge pool of tier standard; its pools: micro, mini'],
    ['a pool listed twice', { pools: [{ tier: 'micro' as const, replicas: 1 }, { tier: 'micro' as const, replicas: 2 }] }, openYurt, 'test-site/Collector.pools[1].tier: the Edge pool of tier micro is listed twice'],
    ['a pool of no pods', { pools: [{ tier: 'micro' as const, replicas: 0 }] }, openYurt, 'test-site/Collector.pools[0].replicas: must be a whole number from 1 to 1000, got 0'],
    ['an unpinned image', { image: 'ghcr.io/acme/collector:latest' }, openYurt, 'test-site/Collector.image: image "ghcr.io/acme/collector:latest" uses the "latest" tag'],
  ])('WHEN a YurtAppSet has %s THEN the constructor names the problem and its path', (_what, options, spec, expected) => {
    expect(problemOf(options, spec)).toContain(expected);
  });
});

describe('components.yurtAppSets', () => {
  const site = resolveSiteSpec(openYurt);
  const read = (value: unknown) => {
    const problems = new Problems();
    const options = YURT_APP_SETS_COMPONENT.read(value, 'sites[0].components.yurtAppSets', problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  };

  test('WHEN the inventory lists a spread workload THEN it is read into the construct\'s options, and read again unchanged', () => {
    const first = read([collector]);
    expect(first).toEqual({ options: [collector], problems: [] });
    expect(read(first.options)).toEqual(first);
  });

  test.each([
    ['no pools', [{ ...collector, pools: undefined }], 'sites[0].components.yurtAppSets[0].pools: is required: the pools it runs in, each with tier and replicas'],
    ['a pool with an unknown key', [{ ...collector, pools: [{ tier: 'micro', replicas: 1, image: 'x:1' }] }], 'sites[0].components.yurtAppSets[0].pools[0].image: unknown key; allowed keys here: tier, replicas'],
    ['a pool without replicas', [{ ...collector, pools: [{ tier: 'micro' }] }], 'sites[0].components.yurtAppSets[0].pools[0].replicas: is required: the pods it runs there'],
    ['an unknown app key', [{ ...collector, imagePullPolicy: 'Always' }], 'sites[0].components.yurtAppSets[0].imagePullPolicy: unknown key'],
    ['a pool of a tier without edge nodes', [{ ...collector, pools: [{ tier: 'mec', replicas: 1 }] }], 'sites[0].components.yurtAppSets[0].pools[0].tier: site test-site has no Edge pool of tier mec'],
    ['two workloads of one name', [collector, collector], 'sites[0].components.yurtAppSets[1].name: apps/collector is already defined at sites[0].components.yurtAppSets[0]'],
    ['a mapping instead of a list', { collector }, 'sites[0].components.yurtAppSets: must be a list, got a mapping'],
  ])('WHEN the inventory has %s THEN the problem names its inventory path', (_what, value, expected) => {
    expect(read(value).problems).toContainEqual(expect.stringContaining(expected));
  });

  test('WHEN the component builds a site THEN the YurtAppSet is there', () => {
    const built = buildSite(openYurt);
    YURT_APP_SETS_COMPONENT.build(built, [collector]);
    expect(synthObjects(built).filter((o) => o.kind === 'YurtAppSet').map((o) => o.metadata.name)).toEqual(['collector']);
  });
});

describeWithSchemas('OpenYurtAppSet conformance', () => {
  test('WHEN the workload is synthesized THEN the YurtAppSet is valid against its v1alpha1 CRD, and its template against the Deployment schema of 1.25 and 1.32', () => {
    const { objects } = build();
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', ...template(objects) };
    expect(validateObjects([...objects, deployment], conformanceValidators())).toEqual([]);
  });
});
requireSchemasInCi();
