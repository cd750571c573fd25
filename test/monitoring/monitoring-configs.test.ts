import { EdgeMonitoring } from '../../lib/monitoring/edge-monitoring';
import type { EdgeMonitoringOptions } from '../../lib/monitoring/monitoring-options';
import * as yaml from 'js-yaml';
import { SiteSpec } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { checkFluentBitConfig, checkPrometheusConfig, promqlProblem } from './config-checks';

const REMOTE: EdgeMonitoringOptions = { remoteWrite: { url: 'https://metrics.example.com/api/v1/write' } };

function objectsOf(options: EdgeMonitoringOptions, spec: Partial<SiteSpec> = {}): any[] {
  const site = buildSite(microSite({ region: 'eu-central', zone: 'eu-central-1', ...spec }));
  new EdgeMonitoring(site, 'Monitoring', options);
  return synthObjects(site);
}

function prometheusYaml(objects: any[]): string {
  return findObject(objects, 'ConfigMap', 'prometheus-config', 'monitoring').data['prometheus.yml'];
}

function fluentBitYaml(objects: any[]): string {
  return findObject(objects, 'ConfigMap', 'fluent-bit-config', 'monitoring').data['fluent-bit.yaml'];
}

describe('the Prometheus configuration', () => {
  test('WHEN it is parsed THEN it is a valid config with a 30s interval and the site as external labels, an agent\'s saying the hub evaluates its alerts', () => {
    const { config, problems } = checkPrometheusConfig(prometheusYaml(objectsOf(REMOTE)));
    expect(problems).toEqual([]);
    expect(config.global).toEqual({
      scrape_interval: '30s', scrape_timeout: '10s', external_labels: { site: 'test-site', region: 'eu-central', zone: 'eu-central-1', edge_alerts: 'hub' },
    });
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'edge-nodes', 'edge-pods', 'monitoring/kube-state-metrics']);
    // An agent evaluates no rules.
    expect(config.rule_files).toBeUndefined();
  });

  test('WHEN the scrape interval is shorter than 10s THEN the timeout follows it', () => {
    const { config, problems } = checkPrometheusConfig(prometheusYaml(objectsOf({ ...REMOTE, scrapeInterval: '5s' })));
    expect(problems).toEqual([]);
    expect(config.global).toMatchObject({ scrape_interval: '5s', scrape_timeout: '5s' });
  });

  test('WHEN nodes are discovered THEN only edge nodes are kept and scraped on the node-exporter port', () => {
    const job = checkPrometheusConfig(prometheusYaml(objectsOf(REMOTE))).config.scrape_configs[1];
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'node' }]);
    expect(job.relabel_configs[0]).toEqual({ source_labels: ['__meta_kubernetes_node_labelpresent_node_role_kubernetes_io_edge'], regex: 'true', action: 'keep' });
    const rewrite = job.relabel_configs[1];
    expect('10.20.0.11:10250'.replace(new RegExp(`^${rewrite.regex}$`), rewrite.replacement.replace('${1}', '$1'))).toBe('10.20.0.11:9100');
  });

  test('WHEN pods are discovered THEN only this site\'s edge pods that ask to be scraped are kept', () => {
    const job = checkPrometheusConfig(prometheusYaml(objectsOf(REMOTE))).config.scrape_configs[2];
    expect(job.relabel_configs.slice(0, 3)).toEqual([
      { source_labels: ['__meta_kubernetes_pod_label_edge_site'], regex: 'test-site', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' },
    ]);
  });

  test('WHEN remote write is configured THEN its queue rides out hours offline with retries and backoff', () => {
    const { config } = checkPrometheusConfig(prometheusYaml(objectsOf(REMOTE)));
    expect(config.remote_write).toEqual([{
      name: 'cloud', url: 'https://metrics.example.com/api/v1/write', remote_timeout: '30s',
      queue_config: {
        capacity: 10000, min_shards: 1, max_shards: 10, max_samples_per_send: 2000, batch_send_deadline: '30s',
        min_backoff: '1s', max_backoff: '5m', retry_on_http_429: true,
      },
    }]);
  });

  test('WHEN the mode is server without remote write THEN the config has no remote_write and evaluates every interval', () => {
    const { config, problems } = checkPrometheusConfig(prometheusYaml(objectsOf({ mode: 'server' })));
    expect(problems).toEqual([]);
    expect(config.remote_write).toBeUndefined();
    expect(config.global.evaluation_interval).toBe('30s');
  });

  test('WHEN a config is synthesized twice THEN it is byte-identical', () => {
    expect(prometheusYaml(objectsOf(REMOTE))).toBe(prometheusYaml(objectsOf(REMOTE)));
  });
});

describe('the Fluent Bit configuration', () => {
  const logs = (extra = {}): EdgeMonitoringOptions => ({ ...REMOTE, logs: { url: 'https://logs.example.com:8443/api/ingest?stream=edge', ...extra } });

  test('WHEN it is parsed THEN it tails container logs, adds Kubernetes metadata and the site, and ships over HTTPS', () => {
    const { config, problems } = checkFluentBitConfig(fluentBitYaml(objectsOf(logs())));
    expect(problems).toEqual([]);
    expect(config.pipeline.inputs[0]).toMatchObject({ 'name': 'tail', 'path': '/var/log/containers/*.log', 'multiline.parser': 'cri, docker', 'db': '/var/lib/fluent-bit/tail.db' });
    expect(config.pipeline.filters.map((f: any) => f.name)).toEqual(['kubernetes', 'modify']);
    expect(config.pipeline.filters[1].add).toBe('site test-site');
    expect(config.pipeline.outputs[0]).toMatchObject({ name: 'http', host: 'logs.example.com', port: 8443, uri: '/api/ingest?stream=edge', tls: 'on', 'tls.verify': 'on' });
  });

  test('WHEN the uplink is down THEN chunks are buffered on disk and retried without limit', () => {
    const { config } = checkFluentBitConfig(fluentBitYaml(objectsOf(logs())));
    expect(config.service['storage.path']).toBe('/var/lib/fluent-bit/chunks');
    expect(config.pipeline.inputs[0]['storage.type']).toBe('filesystem');
    expect(config.pipeline.outputs[0]['retry_limit']).toBe('no_limits');
    expect(config.service['scheduler.cap']).toBe(300);
  });

  test('WHEN the site is micro THEN the disk buffer is 256Mi, and a mini site gets 1Gi', () => {
    const micro = checkFluentBitConfig(fluentBitYaml(objectsOf(logs()))).config;
    expect(micro.pipeline.outputs[0]['storage.total_limit_size']).toBe(String(256 * 2 ** 20));
    const mini = checkFluentBitConfig(fluentBitYaml(objectsOf(logs(), { tier: 'mini' }))).config;
    expect(mini.pipeline.outputs[0]['storage.total_limit_size']).toBe(String(2 ** 30));
  });

  test('WHEN a buffer limit is given THEN it replaces the tier default', () => {
    const { config } = checkFluentBitConfig(fluentBitYaml(objectsOf(logs({ bufferLimit: '512Mi' }))));
    expect(config.pipeline.outputs[0]['storage.total_limit_size']).toBe(String(512 * 2 ** 20));
  });

  test('WHEN the output is forward with a shared key THEN the key comes from the environment, never the config', () => {
    const { config, problems } = checkFluentBitConfig(fluentBitYaml(objectsOf({
      ...REMOTE, logs: { output: 'forward', url: 'tls://fluentd.example.com', authSecret: { secretName: 'fwd', key: 'shared' } },
    })));
    expect(problems).toEqual([]);
    expect(config.pipeline.outputs[0]).toMatchObject({ name: 'forward', host: 'fluentd.example.com', port: 24224, tls: 'on', shared_key: '${CLOUD_LOG_CREDENTIAL}' });
  });
});

describe('the alert rules', () => {
  function rules(options: EdgeMonitoringOptions): any[] {
    return findObject(objectsOf({ ...options, prometheusOperator: true }), 'PrometheusRule', 'edge-site-alerts', 'monitoring').spec.groups[0].rules;
  }

  test('WHEN monitoring remote-writes THEN every alert of the runbook is there with a PromQL-looking expression', () => {
    const all = rules(REMOTE);
    expect(all.map((r) => r.alert)).toEqual(['EdgeNodeNotReady', 'EdgeNodeOffline', 'EdgeNodeHighCpu', 'EdgeNodeHighMemory', 'EdgeNodeFilesystemFull', 'EdgePodCrashLooping', 'EdgeCloudSyncLag']);
    for (const r of all) {
      expect(promqlProblem(r.expr)).toBeUndefined();
      expect(r.for).toBe('5m');
      expect(['critical', 'warning']).toContain(r.labels.severity);
    }
    expect(all[0].expr).toContain('> 0');
  });

  test('WHEN thresholds are given THEN the alerts use them', () => {
    const all = rules({ ...REMOTE, alerts: { cpuPercent: 70, memoryPercent: 90, filesystemPercent: 75, syncLag: '1h', for: '10m' } });
    const expr = (name: string) => all.find((r) => r.alert === name).expr;
    expect(expr('EdgeNodeHighCpu')).toMatch(/> 70$/);
    expect(expr('EdgeNodeHighMemory')).toMatch(/> 90$/);
    expect(expr('EdgeNodeFilesystemFull')).toMatch(/> 75$/);
    expect(expr('EdgeCloudSyncLag')).toMatch(/> 3600$/);
    expect(all.every((r) => r.for === '10m')).toBe(true);
  });

  test('WHEN the site does not remote-write THEN there is no sync lag alert', () => {
    expect(rules({ mode: 'server' }).map((r) => r.alert)).not.toContain('EdgeCloudSyncLag');
  });

  // Regression: no rule_files were configured anywhere, so no alert was ever evaluated.
  test('WHEN the Prometheus is a server THEN it evaluates the alerts from a mounted rule file and writes no PrometheusRule', () => {
    const objects = objectsOf({ ...REMOTE, mode: 'server' });
    const { config, problems } = checkPrometheusConfig(prometheusYaml(objects));
    expect(problems).toEqual([]);
    expect(config.rule_files).toEqual(['/etc/prometheus-rules/*.yml']);
    const file = yaml.load(findObject(objects, 'ConfigMap', 'prometheus-rules', 'monitoring').data['edge-site.yml']) as any;
    expect(file.groups.map((g: any) => g.name)).toEqual(['edge-site']);
    expect(file.groups[0].rules.map((r: any) => r.alert)).toContain('EdgeNodeNotReady');
    for (const r of file.groups[0].rules) expect(promqlProblem(r.expr)).toBeUndefined();
    const pod = findObject(objects, 'Deployment', 'prometheus', 'monitoring').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'rules', configMap: { name: 'prometheus-rules' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'rules', mountPath: '/etc/prometheus-rules', readOnly: true });
    expect(objects.some((o) => o.kind === 'PrometheusRule')).toBe(false);
  });

  // Regression: agent mode cannot evaluate rules; its alerts go to the hub, nothing is written locally.
  test('WHEN the Prometheus is an agent THEN the site writes no rules at all', () => {
    const objects = objectsOf(REMOTE);
    expect(objects.some((o) => o.kind === 'PrometheusRule' || o.metadata.name === 'prometheus-rules')).toBe(false);
  });

  // Every alert reads only series a scrape of the site produces: kube-state-metrics' are scraped with their own labels.
  test('WHEN an alert reads node or pod state THEN kube-state-metrics is scraped with honor_labels', () => {
    const { config } = checkPrometheusConfig(prometheusYaml(objectsOf(REMOTE)));
    const job = config.scrape_configs.find((j: any) => j.job_name === 'monitoring/kube-state-metrics');
    expect(job.honor_labels).toBe(true);
    const expr = rules(REMOTE).find((r) => r.alert === 'EdgeNodeNotReady').expr;
    expect(expr).toContain('job=~"(.+/)?kube-state-metrics"');
  });
});

describe('the Grafana dashboard', () => {
  function dashboard(options: EdgeMonitoringOptions = { ...REMOTE, dashboard: true }): { configMap: any; json: any } {
    const configMap = findObject(objectsOf(options), 'ConfigMap', 'edge-site-overview-dashboard', 'monitoring');
    return { configMap, json: JSON.parse(configMap.data['edge-site-overview.json']) };
  }

  test('WHEN the dashboard is synthesized THEN it is labelled for the Grafana sidecar and parses as JSON', () => {
    const { configMap, json } = dashboard();
    expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
    expect(json).toMatchObject({ uid: 'edge-site-overview', schemaVersion: 39, title: 'Edge site overview' });
    expect(json.templating.list.map((v: any) => v.name)).toEqual(['datasource', 'site']);
  });

  test('WHEN the panels are read THEN they are the edge overview with PromQL-looking queries on the data source variable', () => {
    const { json } = dashboard();
    expect(json.panels.map((p: any) => p.title)).toEqual(['Nodes online', 'Node online status', 'Cloud-edge latency', 'AI inference latency', 'Devices']);
    expect(new Set(json.panels.map((p: any) => p.id)).size).toBe(json.panels.length);
    for (const panel of json.panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const t of panel.targets) expect(promqlProblem(t.expr)).toBeUndefined();
    }
    expect(json.panels[3].targets[0].expr).toContain('inference_latency_seconds_bucket');
    expect(json.panels[1].fieldConfig.defaults.mappings[0].options['0'].text).toBe('Offline');
  });

  // Regression: the dashboard ConfigMap was written for a Grafana sidecar that no cluster runs.
  test('WHEN the dashboard is not asked for THEN there is no dashboard ConfigMap', () => {
    expect(objectsOf(REMOTE).some((o) => o.metadata.name === 'edge-site-overview-dashboard')).toBe(false);
    expect(objectsOf({ ...REMOTE, dashboard: false }).some((o) => o.metadata.name === 'edge-site-overview-dashboard')).toBe(false);
  });

  test('WHEN the PromQL checker sees a broken expression THEN it says so', () => {
    expect(promqlProblem('sum(rate(x[5m])')).toBeDefined();
    expect(promqlProblem('frobnicate(x)')).toBe('unknown function frobnicate');
  });
});
