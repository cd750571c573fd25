import { hubAlertGroups, hubGroupEvaluates } from '../../lib/monitoring/alert-evaluation';
import { platformFromSite, terraformFiles } from '../../lib/terraform';
import { promqlProblem } from '../monitoring/config-checks';
import { releasesOf, site, siteStack, valuesOf } from './support/stacks';

const REMOTE = { remoteWrite: { url: 'https://metrics.example.com/api/v1/write' } };

describe('the monitoring platform of a site', () => {
  // Regression: the Prometheus Operator was installed on every monitored site with nothing to act on.
  test('WHEN the site monitoring asks for no operator-managed Prometheus THEN no monitoring chart is installed', () => {
    expect(platformFromSite(site({ components: { monitoring: REMOTE } })).monitoring).toBeUndefined();
    expect(releasesOf(siteStack(site({ components: { monitoring: { mode: 'server' } } })))['kube-prometheus-stack']).toBeUndefined();
  });

  // Regression: the release disabled Prometheus, so no ServiceMonitor, PodMonitor or PrometheusRule had a consumer.
  test('WHEN prometheusOperator is on THEN a Prometheus selecting the operator labels is installed, without a second node-exporter', () => {
    const spec = site({ components: { monitoring: { ...REMOTE, prometheusOperator: true, operatorLabels: { release: 'edge' } } } });
    const values = valuesOf(releasesOf(siteStack(spec))['kube-prometheus-stack']);
    expect(values.prometheus).toEqual({
      enabled: true,
      prometheusSpec: {
        retention: '2d', replicas: 1,
        serviceMonitorSelectorNilUsesHelmValues: false, serviceMonitorSelector: { matchLabels: { release: 'edge' } },
        podMonitorSelectorNilUsesHelmValues: false, podMonitorSelector: { matchLabels: { release: 'edge' } },
        ruleSelectorNilUsesHelmValues: false, ruleSelector: { matchLabels: { release: 'edge' } },
      },
    });
    expect(values).toMatchObject({ nodeExporter: { enabled: false }, kubeStateMetrics: { enabled: false } });
  });
});

describe('the hub evaluates the alerts of agent-mode sites', () => {
  const sites = [
    site({ name: 'agent-b', components: { monitoring: REMOTE } }),
    site({ name: 'server-a', components: { monitoring: { ...REMOTE, mode: 'server' } } }),
    site({ name: 'operator-c', components: { monitoring: { ...REMOTE, prometheusOperator: true } } }),
    site({ name: 'agent-a', components: { monitoring: { ...REMOTE, alerts: { cpuPercent: 70 } } } }),
    site({ name: 'agent-c', components: { monitoring: REMOTE } }),
  ];

  test('WHEN sites are agents THEN one group serves the common thresholds and one each other set, every selector scoped by the agents\' label and the sites', () => {
    const groups = hubAlertGroups(sites.map((s) => ({ name: s.name, monitoring: s.components.monitoring })));
    expect(groups.map((g) => g.name)).toEqual(['edge-site', 'edge-site/agent-a']);
    const scopes = ['edge_alerts="hub",site!~"agent-a"', 'edge_alerts="hub",site=~"agent-a"'];
    groups.forEach((group, i) => {
      for (const rule of group.rules) {
        expect(promqlProblem(rule.expr)).toBeUndefined();
        const selectors = rule.expr.match(/\{[^}]*\}/g)!.filter((s) => !s.startsWith('{{'));
        for (const selector of selectors) expect(selector).toContain(scopes[i]);
      }
    });
    expect(groups[0].rules.find((r) => r.alert === 'EdgeNodeHighCpu')!.expr).toMatch(/> 80$/);
    expect(groups[1].rules.find((r) => r.alert === 'EdgeNodeHighCpu')!.expr).toMatch(/> 70$/);
    // The groups do not grow with the fleet: a thousand more agents with the common thresholds change nothing.
    const more = Array.from({ length: 1000 }, (_, i) => ({ name: `agent-${String(i).padStart(4, '0')}x`, monitoring: REMOTE }));
    expect(JSON.stringify(hubAlertGroups([...sites.map((s) => ({ name: s.name, monitoring: s.components.monitoring })), ...more]))).toBe(JSON.stringify(groups));
    expect(hubGroupEvaluates(groups[0], 'agent-b')).toBe(true);
    expect(hubGroupEvaluates(groups[0], 'agent-a')).toBe(false);
    expect(hubGroupEvaluates(groups[1], 'agent-a')).toBe(true);
  });

  // Regression: the hub ran VictoriaMetrics single without vmalert, so agent-mode alerts were evaluated nowhere.
  test('WHEN the hub has a metrics receiver THEN vmalert evaluates those groups on it and records alert state there', () => {
    const files = terraformFiles(sites, { settings: { access: { context: '{site}' }, hub: { access: { context: 'hub' }, metricsReceiver: {} } } });
    const hub = JSON.parse(files.find((f) => f.path === 'terraform/_hub/cdk.tf.json')!.content);
    const vmalert = releasesOf(hub).vmalert;
    expect(vmalert).toMatchObject({ chart: 'victoria-metrics-alert', version: '0.47.0', namespace: 'monitoring-platform', depends_on: ['helm_release.victoria-metrics'] });
    const values = valuesOf(vmalert);
    const url = 'http://victoria-metrics-victoria-metrics-single-server.monitoring-platform.svc:8428';
    expect(values.server).toMatchObject({ datasource: { url }, remoteWrite: { url }, remoteRead: { url }, extraArgs: { 'notifier.blackhole': true } });
    expect(values.server.config.alerts.groups.map((g: any) => g.name)).toEqual(['edge-site', 'edge-site/agent-a']);
  });

  test('WHEN an Alertmanager URL is given THEN vmalert notifies it', () => {
    const files = terraformFiles([], { settings: { hub: { access: { context: 'hub' }, metricsReceiver: { alertmanagerUrl: 'http://alertmanager.monitoring:9093' } } } });
    expect(valuesOf(releasesOf(JSON.parse(files[0].content)).vmalert).server).toMatchObject({ notifier: { url: 'http://alertmanager.monitoring:9093' } });
  });

  test('WHEN the Alertmanager URL is not a URL THEN the hub is invalid at its path', () => {
    expect(() => terraformFiles([], { settings: { hub: { access: { context: 'hub' }, metricsReceiver: { alertmanagerUrl: 'alertmanager' } } } }))
      .toThrow(/terraform\.hub\.metricsReceiver\.alertmanagerUrl: "alertmanager" is not an http\(s\) URL/);
  });
});
