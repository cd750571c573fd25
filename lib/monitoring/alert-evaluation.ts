import { parsePrometheusDurationSeconds } from './private/prometheus-duration';
import { edgeAlerts } from './private/alert-rules';
import type { EdgeAlertThresholds } from './edge-alert-rules';
import type { EdgeMonitoringOptions } from './monitoring-options';

/**
 * Where a site's alerts are evaluated; exactly one place per site, so an alert never
 * fires twice and never nowhere:
 *
 * - `prometheus-operator`: `prometheusOperator: true`, the operator-managed Prometheus
 *   the platform layer installs on the site evaluates the site's PrometheusRule;
 * - `site`: a `server`-mode Prometheus evaluates its own rule file, so the site keeps
 *   its alert history (`ALERTS` series) while offline and remote-writes it later;
 * - `hub`: an `agent`-mode Prometheus cannot evaluate rules, so the hub's vmalert
 *   evaluates them on the remote-written series, scoped to the site's `site` label.
 */
export type AlertEvaluator = 'prometheus-operator' | 'site' | 'hub';

/** Where the alerts of a site with these monitoring options are evaluated. */
export function alertEvaluator(options: EdgeMonitoringOptions): AlertEvaluator {
  if (options.prometheusOperator === true) return 'prometheus-operator';
  return (options.mode ?? 'agent') === 'server' ? 'site' : 'hub';
}

/** The alert thresholds of a site's monitoring options, every default resolved. */
export function alertThresholds(options: EdgeMonitoringOptions, site: string): EdgeAlertThresholds {
  return {
    cpuPercent: options.alerts?.cpuPercent ?? 80,
    memoryPercent: options.alerts?.memoryPercent ?? 85,
    filesystemPercent: options.alerts?.filesystemPercent ?? 85,
    syncLagSeconds: parsePrometheusDurationSeconds(options.alerts?.syncLag ?? '15m')!,
    for: options.alerts?.for ?? '5m',
    remoteWrite: options.remoteWrite !== undefined,
    site,
  };
}

/** One alerting rule, as Prometheus rule files and vmalert write it. */
export interface AlertRule {
  /** Alert name. */
  readonly alert: string;
  /** PromQL expression. */
  readonly expr: string;
  /** How long the expression must hold (a Prometheus duration). */
  readonly for: string;
  /** Labels of the alert (`severity`). */
  readonly labels: Readonly<Record<string, string>>;
  /** `summary` and `description`. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** A rule group, as Prometheus rule files and vmalert write it. */
export interface AlertRuleGroup {
  /** Group name, unique per evaluator. */
  readonly name: string;
  /** The rules. */
  readonly rules: readonly AlertRule[];
}

/** Name of a site's rule group: `edge-site`, or `edge-site/<site>` at the hub, where every site has one. */
export function alertGroupName(site?: string): string {
  return site === undefined ? 'edge-site' : `edge-site/${site}`;
}

/**
 * The rule group of a site's alerts. With `site`, each expression selects only that
 * site's series (the `site` external label its remote write adds), for an evaluator
 * that sees every site's series (the hub).
 */
export function edgeAlertGroup(thresholds: EdgeAlertThresholds, site?: string): AlertRuleGroup {
  return {
    name: alertGroupName(site),
    rules: edgeAlerts(thresholds, site).map((a) => ({
      alert: a.alert,
      expr: a.expr,
      for: a.for,
      labels: { severity: a.severity },
      annotations: { summary: a.summary, description: a.description },
    })),
  };
}

/** A site as `hubAlertGroups` reads it: its name and its monitoring options. */
export interface MonitoredSite {
  /** Site name: the value of the `site` label of its remote-written series. */
  readonly name: string;
  /** The site's `components.monitoring`, when it runs monitoring. */
  readonly monitoring?: EdgeMonitoringOptions;
}

/** The rule groups the hub evaluates: one per site whose alerts are evaluated at the hub, by site name. */
export function hubAlertGroups(sites: readonly MonitoredSite[]): AlertRuleGroup[] {
  return sites
    .filter((s) => s.monitoring !== undefined && alertEvaluator(s.monitoring) === 'hub')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => edgeAlertGroup(alertThresholds(s.monitoring!, s.name), s.name));
}
