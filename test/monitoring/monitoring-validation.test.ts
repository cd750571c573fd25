import { EdgeMonitoring } from '../../lib/monitoring/edge-monitoring';
import type { EdgeMonitoringOptions } from '../../lib/monitoring/monitoring-options';
import { readMonitoring } from '../../lib/monitoring/private/read-monitoring';
import { MONITORING_COMPONENT } from '../../lib/monitoring/monitoring-component';
import { EdgeValidationError, resolveSiteSpec } from '../../lib';
import { Problems } from '../../lib/core/validation/problems';
import { buildSite, microSite, synthObjects } from '../support/fixtures';

const REMOTE = { url: 'https://metrics.example.com/api/v1/write' };
const AT = 'test-site/Monitoring';

function problemsOf(options: EdgeMonitoringOptions): string[] {
  const site = buildSite(microSite());
  try {
    new EdgeMonitoring(site, 'Monitoring', options);
  } catch (error) {
    if (error instanceof EdgeValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('EdgeMonitoring validation', () => {
  test.each<[string, EdgeMonitoringOptions, string]>([
    ['the mode is unknown', { mode: 'full' as any, remoteWrite: REMOTE }, `${AT}.mode: "full" is not one of agent, server`],
    ['an agent has no remote write', {}, `${AT}.remoteWrite: is required in agent mode`],
    ['the remote-write URL is plain http', { remoteWrite: { url: 'http://metrics.example.com/write' } },
      `${AT}.remoteWrite.url: the remote-write URL "http://metrics.example.com/write" must use https (set allowInsecure: true`],
    ['the remote-write URL carries credentials', { remoteWrite: { url: 'https://user:pw@metrics.example.com/write' } },
      `${AT}.remoteWrite.url: "https://user:pw@metrics.example.com/write" carries credentials; reference a Secret instead`],
    ['the remote-write URL is not a URL', { remoteWrite: { url: 'metrics' } }, `${AT}.remoteWrite.url: "metrics" is not a URL`],
    ['the token Secret name is invalid', { remoteWrite: { ...REMOTE, bearerTokenSecret: { secretName: 'Bad_Name', key: 'token' } } },
      `${AT}.remoteWrite.bearerTokenSecret.secretName: "Bad_Name" is not a DNS-1123 subdomain`],
    ['the scrape interval does not parse', { remoteWrite: REMOTE, scrapeInterval: '30 seconds' },
      `${AT}.scrapeInterval: "30 seconds" is not a Prometheus duration such as 30s`],
    ['the retention does not parse', { remoteWrite: REMOTE, retention: '1.5d' }, `${AT}.retention: "1.5d" is not a Prometheus duration`],
    ['the storage size is not a quantity', { remoteWrite: REMOTE, storage: { size: 'big' } }, `${AT}.storage.size: "big" is not a positive storage quantity`],
    ['the storage class name is invalid', { remoteWrite: REMOTE, storage: { storageClassName: 'Local Path' } },
      `${AT}.storage.storageClassName: "Local Path" is not a DNS-1123 subdomain`],
    ['the tier has no node', { remoteWrite: REMOTE, tier: 'mec' }, `${AT}.tier: site test-site has no node of tier mec; tiers of its nodes: micro`],
    ['the node is unknown', { remoteWrite: REMOTE, node: 'ghost' }, `${AT}.node: node "ghost" is not a node of site test-site; nodes: node-1`],
    ['the tier contradicts the node', { remoteWrite: REMOTE, node: 'node-1', tier: 'mini' }, `${AT}.tier: "mini" contradicts the pinned node node-1`],
    ['a request is above its limit', { remoteWrite: REMOTE, resources: { requests: { memory: '512Mi' }, limits: { memory: '256Mi' } } },
      `${AT}.resources.requests.memory: request 512Mi is above the limit 256Mi`],
    ['a resource is not a quantity', { remoteWrite: REMOTE, resources: { limits: { cpu: 'lots' } } }, `${AT}.resources.limits.cpu: "lots" is not a positive cpu quantity`],
    ['the log output is unknown', { remoteWrite: REMOTE, logs: { output: 'syslog' as any, url: 'https://logs.example.com' } }, `${AT}.logs.output: "syslog" is not one of http, forward`],
    ['a forward endpoint has no TLS', { remoteWrite: REMOTE, logs: { output: 'forward', url: 'tcp://fluentd.example.com:24224' } },
      `${AT}.logs.url: the forward log endpoint "tcp://fluentd.example.com:24224" must use tls`],
    ['the log buffer limit is not a quantity', { remoteWrite: REMOTE, logs: { url: 'https://logs.example.com', bufferLimit: '-1Gi' } },
      `${AT}.logs.bufferLimit: "-1Gi" is not a positive storage quantity`],
    ['an alert threshold is above 100', { remoteWrite: REMOTE, alerts: { cpuPercent: 120 } }, `${AT}.alerts.cpuPercent: must be a percentage from 0 to 100, got 120`],
    ['an alert threshold is negative', { remoteWrite: REMOTE, alerts: { filesystemPercent: -5 } }, `${AT}.alerts.filesystemPercent: must be a percentage from 0 to 100, got -5`],
    ['the sync lag does not parse', { remoteWrite: REMOTE, alerts: { syncLag: 'soon' } }, `${AT}.alerts.syncLag: "soon" is not a Prometheus duration`],
    ['an operator label is invalid', { remoteWrite: REMOTE, prometheusOperator: true, operatorLabels: { 'bad key!': 'x' } }, `${AT}.operatorLabels.bad key!: label key "bad key!" is invalid`],
    ['operator labels are given without the operator', { remoteWrite: REMOTE, operatorLabels: { release: 'x' } }, `${AT}.operatorLabels: applies only with prometheusOperator: true`],
  ])('WHEN %s THEN the constructor reports it at its path', (_what, options, expected) => {
    const problems = problemsOf(options);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });

  test('WHEN insecure endpoints are explicitly allowed THEN plain http and tcp are accepted', () => {
    expect(problemsOf({
      remoteWrite: { url: 'http://proxy.site.local:8080/write', allowInsecure: true },
      logs: { output: 'forward', url: 'tcp://fluentd.site.local:24224', allowInsecure: true },
    })).toEqual([]);
  });

  test('WHEN several options are wrong THEN every problem is reported at once', () => {
    expect(problemsOf({ scrapeInterval: 'x', alerts: { memoryPercent: 101 } })).toHaveLength(3);
  });
});

describe('components.monitoring in the inventory', () => {
  const site = resolveSiteSpec(microSite());
  const PATH = 'sites[0].components.monitoring';

  function read(value: unknown): { options: unknown; problems: string[] } {
    const problems = new Problems();
    const options = readMonitoring(value, PATH, problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  }

  test('WHEN the block has an unknown key THEN it is reported with its inventory path and the allowed keys', () => {
    expect(read({ remoteWrite: REMOTE, scrapeIntervall: '30s' }).problems).toEqual([
      `${PATH}.scrapeIntervall: unknown key; allowed keys here: mode, remoteWrite, scrapeInterval, retention, storage, tier, node, resources, logs, alerts, prometheusOperator, operatorLabels, dashboard`,
    ]);
  });

  test('WHEN a rule is broken in the inventory THEN it is reported at the inventory path', () => {
    expect(read({ remoteWrite: { url: 'http://metrics.example.com' }, alerts: { cpuPercent: 150 } }).problems).toEqual([
      `${PATH}.remoteWrite.url: the remote-write URL "http://metrics.example.com" must use https (set allowInsecure: true to allow an endpoint without TLS)`,
      `${PATH}.alerts.cpuPercent: must be a percentage from 0 to 100, got 150`,
    ]);
  });

  test('WHEN a nested block is broken THEN its own path is reported and the agent rule does not pile on', () => {
    expect(read({ remoteWrite: { allowInsecure: 'yes' } }).problems).toEqual([
      `${PATH}.remoteWrite.url: is required: the remote-write URL, e.g. https://metrics.example.com/api/v1/write`,
      `${PATH}.remoteWrite.allowInsecure: must be true or false, got "yes"`,
    ]);
  });

  test('WHEN the block is not a mapping THEN it says so', () => {
    expect(read(['agent']).problems).toEqual([`${PATH}: must be a mapping, got a list`]);
  });

  test('WHEN the reader reads its own output again THEN it gets the same options and no problem', () => {
    const first = read({
      mode: 'server', retention: '7d', storage: { size: '10Gi', storageClassName: 'local-path' }, remoteWrite: { ...REMOTE, bearerTokenSecret: { secretName: 'rw', key: 'token' } },
      logs: { output: 'forward', url: 'tls://logs.example.com', authSecret: { secretName: 'l', key: 'k' }, bufferLimit: '1Gi', resources: { limits: { memory: '256Mi' } } },
      alerts: { cpuPercent: 75, syncLag: '30m' }, operatorLabels: { release: 'prom' }, dashboard: false, prometheusOperator: true,
    });
    expect(first.problems).toEqual([]);
    const again = read(first.options);
    expect(again).toEqual(first);
  });

  test('WHEN the component builds a site THEN the site runs EdgeMonitoring with those options', () => {
    const built = buildSite(microSite());
    MONITORING_COMPONENT.build(built, { remoteWrite: REMOTE });
    expect(EdgeMonitoring.of(built)).toBeDefined();
    expect(synthObjects(built).some((o) => o.kind === 'Deployment' && o.metadata.name === 'prometheus')).toBe(true);
  });
});
