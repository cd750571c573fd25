import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { EdgeFleet } from '../../lib';
import { loadInventoryFile } from '../../lib/fleet/inventory';
import { CHARTS, ClusterPlatform, EdgeClusterStack, platformFromSite } from '../../lib/terraform';
import { InMemoryRoot } from '../../lib/terraform/private/stack-json';
import { releasesOf, site, siteStack, valuesOf } from './support/stacks';

const CHART_FACTS = path.join(__dirname, '..', '..', '..', 'shared', 'charts');
const fleet = loadInventoryFile(path.join(__dirname, '..', '..', 'apps', 'fleet.yaml'));
const exampleSite = (name: string) => fleet.sites.find((s) => s.name === name)!;

function stackWith(platform: ClusterPlatform): any {
  return siteStack(site({}, 2), { platform: () => platform });
}

/** Every key path of `values` exists in the chart's values.yaml at the pinned version. */
function expectKeysInChart(chart: keyof typeof CHARTS, values: any): void {
  const upstream = yaml.load(fs.readFileSync(path.join(CHART_FACTS, chart, CHARTS[chart].version, 'values.yaml'), 'utf8')) as any;
  for (const key of Object.keys(values)) expect(Object.keys(upstream)).toContain(key);
  for (const [key, value] of Object.entries(values)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && upstream[key] && typeof upstream[key] === 'object' && Object.keys(upstream[key]).length > 0) {
      for (const sub of Object.keys(value)) expect(Object.keys(upstream[key])).toContain(sub);
    }
  }
}

describe('pinned charts', () => {
  test('WHEN a chart is pinned THEN its facts exist in ../shared/charts at that version (cilium and cloudcore excepted)', () => {
    for (const [key, source] of Object.entries(CHARTS)) {
      if (key === 'cilium' || key === 'cloudcore') continue;
      const chartYaml = yaml.load(fs.readFileSync(path.join(CHART_FACTS, key, source.version, 'Chart.yaml'), 'utf8')) as any;
      expect(`${key} ${String(chartYaml.version)}`).toBe(`${key} ${source.version}`);
    }
  });
});

describe('NVIDIA device plugin', () => {
  test('WHEN beijing-mec-01 has an nvidia-gpu node THEN the plugin is installed on the GPU nodes, tolerating the edge taint', () => {
    // Regression: nvidia.com/gpu was requested and nothing advertised it.
    const platform = platformFromSite(exampleSite('beijing-mec-01'));
    expect(platform.nvidiaDevicePlugin).toEqual({});
    const release = releasesOf(stackWith(platform))['nvidia-device-plugin'];
    expect(release).toMatchObject({ chart: 'nvidia-device-plugin', version: '0.20.0', namespace: 'nvidia-device-plugin' });
    const values = valuesOf(release);
    expect(values.nodeSelector).toEqual({ accelerator: 'nvidia-gpu' });
    expect(values.affinity).toBeNull();
    expect(values.tolerations).toContainEqual({ key: 'node-role.kubernetes.io/edge', operator: 'Exists', effect: 'NoSchedule' });
    expect(values.runtimeClassName).toBeUndefined();
    expectKeysInChart('nvidia-device-plugin', values);
  });

  test('WHEN a k3s site has an nvidia-gpu node THEN the plugin runs under the nvidia RuntimeClass k3s creates', () => {
    const spec = exampleSite('vision-01');
    const gpu = { ...spec, nodes: spec.nodes.map((n) => (n.accelerator ? { ...n, accelerator: { kind: 'nvidia-gpu' as const, count: 1 } } : n)) };
    expect(platformFromSite(gpu).nvidiaDevicePlugin).toEqual({ runtimeClassName: 'nvidia' });
  });

  test('WHEN a site has no nvidia-gpu node THEN no plugin is installed', () => {
    expect(platformFromSite(exampleSite('retail-store-01')).nvidiaDevicePlugin).toBeUndefined();
  });

  test('WHEN the plugin options are wrong THEN each is an error at its path', () => {
    expect(() => new EdgeClusterStack(new InMemoryRoot(), 'site-a', {
      siteName: 'site-a', access: { context: 'site-a' },
      platform: { cni: 'flannel', certManager: true, nodeCount: 1, nvidiaDevicePlugin: { nodeSelector: {}, runtimeClassName: 'Bad_Name' } },
    })).toThrow(/site-a\.platform\.nvidiaDevicePlugin\.nodeSelector: must name at least one label[\s\S]*nvidiaDevicePlugin\.runtimeClassName/);
  });
});

describe('custom-metrics adapter', () => {
  test('WHEN the site\'s Prometheus is an agent THEN no adapter is installed, and the site does not converge: its HPA metric is served by nothing', () => {
    const agent = { ...exampleSite('vision-01'), components: { ...exampleSite('vision-01').components, monitoring: { ...exampleSite('vision-01').components.monitoring!, mode: 'agent' as const } } };
    expect(platformFromSite(agent).customMetrics).toBeUndefined();
    expect(() => EdgeFleet.fromInventoryFile(path.join(__dirname, '..', '..', 'apps', 'fleet.yaml')).synthSite(agent))
      .toThrow('vision-01/Inference-vision-object-detection/Autoscaler: HorizontalPodAutoscaler vision/object-detection: its metrics need the custom.metrics.k8s.io API, which nothing on the cluster serves');
  });

  test('WHEN vision-01 scales on inference_queue_length THEN prometheus-adapter serves it from the site Prometheus', () => {
    // Regression: the HPA's Pods metric had no custom.metrics.k8s.io adapter.
    const platform = platformFromSite(exampleSite('vision-01'));
    const release = releasesOf(stackWith(platform))['prometheus-adapter'];
    expect(release).toMatchObject({ chart: 'prometheus-adapter', version: '5.3.0', namespace: 'custom-metrics' });
    const values = valuesOf(release);
    expect(values.prometheus).toEqual({ url: 'http://prometheus.monitoring.svc', port: 9090, path: '' });
    expect(values.rules.default).toBe(false);
    expect(values.rules.custom).toEqual([{
      seriesQuery: 'inference_queue_length{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^inference_queue_length$', as: 'inference_queue_length' },
      metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
    }]);
    expectKeysInChart('prometheus-adapter', values);
  });

  test('WHEN a site runs no inference THEN no adapter is installed', () => {
    expect(platformFromSite(exampleSite('dc-hub-01')).customMetrics).toBeUndefined();
  });

  test('WHEN the adapter options are wrong THEN each is an error at its path', () => {
    expect(() => new EdgeClusterStack(new InMemoryRoot(), 'site-a', {
      siteName: 'site-a', access: { context: 'site-a' },
      platform: { cni: 'flannel', certManager: true, nodeCount: 1, customMetrics: { prometheusUrl: 'prometheus:9090', prometheusPort: 0, rules: [{ metric: 'bad-name' }] } },
    })).toThrow(/customMetrics\.prometheusUrl: "prometheus:9090" is not an http\(s\) URL[\s\S]*customMetrics\.prometheusPort: must be a port[\s\S]*customMetrics\.rules\[0\]\.metric: "bad-name" is not a Prometheus metric name/);
    expect(() => new EdgeClusterStack(new InMemoryRoot(), 'site-a', {
      siteName: 'site-a', access: { context: 'site-a' },
      platform: { cni: 'flannel', certManager: true, nodeCount: 1, customMetrics: { prometheusUrl: 'http://prometheus.monitoring.svc', prometheusPort: 9090, rules: [] } },
    })).toThrow('site-a.platform.customMetrics.rules: must list at least one metric: an adapter with no rule serves nothing');
  });
});
