import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_KINDS } from '../../lib/convergence/builtin-apis';
import { CHART_FACTS } from '../../lib/convergence/chart-facts';
import { CHARTS } from '../../lib/core/versions';
import { schemaRoots } from '../support/schemas';

// The model's facts are the upstream fixtures' facts: each chart version's CRDs and images
// equal `charts/<chart>/<version>/{crds,images}.txt`, and the built-in kinds equal the GA
// kinds of the Kubernetes schemas of every minor.
const chartsDir = join(schemaRoots().crds, '..', 'charts');
const present = existsSync(chartsDir);
const describeWithCharts = present ? describe : describe.skip;

test('the chart fixtures are present (required under CI=true)', () => {
  if (!present && process.env.CI === 'true') throw new Error(`chart fixtures missing: ${chartsDir}`);
});

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')) : []);

describeWithCharts('chart facts', () => {
  const fixtures = present ? readdirSync(chartsDir).filter((c) => !c.endsWith('.md')).flatMap((chart) => readdirSync(join(chartsDir, chart)).map((v) => [chart, v] as const)) : [];

  test.each(fixtures)('WHEN the facts of %s %s are read THEN they equal the upstream fixture', (chart, version) => {
    const facts = CHART_FACTS[chart]?.[version];
    expect(facts).toBeDefined();
    expect(facts!.crds).toEqual(lines(join(chartsDir, chart, version, 'crds.txt')));
    expect(facts!.images).toEqual(lines(join(chartsDir, chart, version, 'images.txt')));
  });

  test('WHEN the pinned charts are listed THEN each has recorded facts at its pinned version', () => {
    const missing = Object.values(CHARTS).filter((c) => !CHART_FACTS[c.chart]?.[c.version] && !CHART_FACTS[c.chart]?.[`v${c.version}`]);
    expect(missing).toEqual([]);
  });
});

const schemasDir = schemaRoots().k8sSchemas;
(existsSync(schemasDir) ? describe : describe.skip)('built-in kinds', () => {
  test('WHEN the GA kinds of every minor 1.25-1.32 are read from the schemas THEN they equal BUILTIN_KINDS', () => {
    const derived: Record<string, Record<string, number[]>> = {};
    const skip = new Set(['DeleteOptions', 'WatchEvent', 'Status', 'Scale', 'Eviction', 'TokenRequest', 'TokenReview', 'SubjectAccessReview',
      'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'LocalSubjectAccessReview', 'Binding', 'SelfSubjectReview', 'ComponentStatus']);
    for (let minor = 25; minor <= 32; minor++) {
      const definitions = JSON.parse(readFileSync(join(schemasDir, `v1.${minor}`, '_definitions.json'), 'utf8')).definitions;
      for (const definition of Object.values<any>(definitions)) {
        if (!definition.properties?.metadata || !definition.properties?.apiVersion) continue;
        for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
          if (gvk.kind.endsWith('List') || skip.has(gvk.kind) || !/^v\d+$/.test(gvk.version)) continue;
          const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
          ((derived[apiVersion] ??= {})[gvk.kind] ??= []).push(minor);
        }
      }
    }
    const ranges = Object.fromEntries(Object.entries(derived).map(([av, kinds]) => [av, Object.fromEntries(Object.entries(kinds).map(([k, m]) => [k, [Math.min(...m), Math.max(...m)]]))]));
    expect(ranges).toEqual(BUILTIN_KINDS);
  });
});
