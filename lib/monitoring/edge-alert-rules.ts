import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { edgeAlertGroup } from './alert-evaluation';

/** The thresholds of the site's alerts, resolved (EdgeMonitoring fills them from `alerts`). */
export interface EdgeAlertThresholds {
  /** CPU busy percentage (0-100) that fires EdgeNodeHighCpu. */
  readonly cpuPercent: number;
  /** Memory used percentage (0-100) that fires EdgeNodeHighMemory. */
  readonly memoryPercent: number;
  /** Filesystem used percentage (0-100) that fires EdgeNodeFilesystemFull. */
  readonly filesystemPercent: number;
  /** Seconds remote write may fall behind before EdgeCloudSyncLag fires. */
  readonly syncLagSeconds: number;
  /** How long a condition must hold before its alert fires (a Prometheus duration). */
  readonly for: string;
  /** Whether the site remote-writes; the sync lag alert exists only then. */
  readonly remoteWrite: boolean;
  /**
   * The site whose nodes the node alerts watch when it evaluates them itself (nodes carry it
   * as `edge.site`): on a control plane shared with other sites, kube-state-metrics reports
   * every site's nodes.
   */
  readonly site: string;
}

/** Props of EdgeAlertRules. */
export interface EdgeAlertRulesProps extends EdgeAlertThresholds {
  /** Namespace of the PrometheusRule. */
  readonly namespace: string;
  /**
   * Labels for the Prometheus Operator's rule selector.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The site's alerts as a PrometheusRule for a Prometheus Operator: node NotReady,
 * node offline, CPU, memory, filesystem, crash-looping pods and (with remote
 * write) edge-to-cloud sync lag, with the thresholds from props. EdgeMonitoring
 * emits it only with `prometheusOperator: true`, when an operator-managed
 * Prometheus selecting its labels evaluates it.
 */
export class EdgeAlertRules extends Construct {
  /** The PrometheusRule. */
  public readonly rule: PrometheusRule;

  public constructor(scope: Construct, id: string, props: EdgeAlertRulesProps) {
    super(scope, id);
    const group = edgeAlertGroup(props);
    this.rule = new PrometheusRule(this, 'Rule', {
      metadata: { name: 'edge-site-alerts', namespace: props.namespace, labels: { ...props.labels } },
      spec: {
        groups: [{
          name: group.name,
          rules: group.rules.map((r) => ({
            alert: r.alert,
            expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
            for: r.for,
            labels: { ...r.labels },
            annotations: { ...r.annotations },
          })),
        }],
      },
    });
  }
}
