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

/**
 * The external label an agent-mode site's Prometheus adds to what it remote-writes, saying
 * the hub evaluates its alerts: the hub's rule groups select on it, so their size does not
 * grow with the fleet.
 */
export const HUB_ALERTS_LABEL = { name: 'edge_alerts', value: 'hub' } as const;

/** Name of a site's own rule group, and of the hub's group of every site with the most common thresholds. */
export const ALERT_GROUP_NAME = 'edge-site';

/**
 * The rule group of alerts. With `hubScope` (PromQL label matchers), each expression selects
 * only the series of the sites it names, for an evaluator that sees every site's series (the hub).
 */
export function edgeAlertGroup(thresholds: EdgeAlertThresholds, name = ALERT_GROUP_NAME, hubScope?: string): AlertRuleGroup {
  return {
    name,
    rules: edgeAlerts(thresholds, hubScope).map((a) => ({
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
  /**
   * The site's `components.monitoring`.
   * @default - the site runs no monitoring
   */
  readonly monitoring?: EdgeMonitoringOptions;
}

/**
 * The rule groups the hub evaluates for the sites whose alerts are evaluated there: one group
 * for the sites that share the most common thresholds (`edge-site`, selecting every series
 * labelled `edge_alerts="hub"` but those of the other sites), and one per other set of
 * thresholds (`edge-site/<its first site>`, naming its sites). The groups grow with the sites
 * whose thresholds differ, not with the fleet.
 */
export function hubAlertGroups(sites: readonly MonitoredSite[]): AlertRuleGroup[] {
  const hub = sites.filter((s) => s.monitoring !== undefined && alertEvaluator(s.monitoring) === 'hub').sort((a, b) => a.name.localeCompare(b.name));
  const classes = new Map<string, { thresholds: EdgeAlertThresholds; sites: string[] }>();
  for (const site of hub) {
    const { site: _name, ...thresholds } = alertThresholds(site.monitoring!, site.name);
    const key = JSON.stringify(thresholds);
    const entry = classes.get(key) ?? { thresholds: { ...thresholds, site: site.name }, sites: [] };
    entry.sites.push(site.name);
    classes.set(key, entry);
  }
  // The largest class is the common one; on a tie, the one of the first site by name.
  const [common, ...others] = [...classes.values()].sort((a, b) => b.sites.length - a.sites.length || a.sites[0].localeCompare(b.sites[0]));
  if (!common) return [];
  const label = `${HUB_ALERTS_LABEL.name}="${HUB_ALERTS_LABEL.value}"`;
  const excepted = others.flatMap((c) => c.sites);
  return [
    edgeAlertGroup(common.thresholds, ALERT_GROUP_NAME, `${label}${excepted.length > 0 ? `,site!~"${excepted.join('|')}"` : ''}`),
    ...others.map((c) => edgeAlertGroup(c.thresholds, `${ALERT_GROUP_NAME}/${c.sites[0]}`, `${label},site=~"${c.sites.join('|')}"`)),
  ];
}

/**
 * Whether a hub rule group evaluates a site's alerts, read from the group itself (the scope
 * `hubAlertGroups` writes into its expressions).
 */
export function hubGroupEvaluates(group: { readonly rules?: readonly { readonly expr?: string }[] }, site: string): boolean {
  const expr = group.rules?.[0]?.expr ?? '';
  const match = new RegExp(`${HUB_ALERTS_LABEL.name}="${HUB_ALERTS_LABEL.value}"(?:,site(=~|!~)"([^"]*)")?`).exec(expr);
  if (!match) return false;
  if (match[1] === undefined) return true;
  const listed = match[2].split('|').includes(site);
  return match[1] === '=~' ? listed : !listed;
}
