import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { PodMonitor, ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction } from '../../imports/monitoring.coreos.com';
import { throwIfProblems } from '../core/validation/errors';
import { dns1123LabelProblem } from '../core/validation/names';
import { Problems } from '../core/validation/problems';
import { parseBytes } from '../core/validation/quantity';
import { resolveBudget } from '../core/workload/resources';
import { parseDurationSeconds } from '../core/validation/duration';
import { EdgeSite } from '../fleet/edge-site';
import { Tier, tierProfile } from '../core/spec/tier';
import { alertEvaluator, AlertEvaluator, alertThresholds, edgeAlertGroup } from './alert-evaluation';
import { EdgeAlertRules } from './edge-alert-rules';
import { EdgeDashboard } from './edge-dashboard';
import { EdgePrometheus, PROMETHEUS_LABELS, PROMETHEUS_PORT } from './edge-prometheus';
import { FLUENT_BIT_HTTP_PORT, FLUENT_BIT_LABELS, FLUENT_BIT_METRICS_PATH, FluentBit } from './fluent-bit';
import { KubeStateMetrics } from './kube-state-metrics';
import { EdgeMonitoringOptions, ScrapeTarget } from './monitoring-options';
import { NodeExporter } from './node-exporter';
import { checkEdgeMonitoringOptions } from './private/monitoring-rules';
import { formatPrometheusDuration, parsePrometheusDurationSeconds } from './private/prometheus-duration';
import { jobName } from './private/prometheus-config';
import { agentWalSize, defaultWalStorageClass } from './private/agent-wal';
import { joinsHubControlPlane, platformNamespace } from '../core/site/shared-control-plane';

/** Props of EdgeMonitoring. */
export interface EdgeMonitoringProps extends EdgeMonitoringOptions {}

/** The namespace every site's monitoring runs in. */
export const MONITORING_NAMESPACE = 'monitoring';
/**
 * The namespace of the platform layer's monitoring releases (kube-prometheus-stack's operator and
 * Prometheus on a site, the receivers at the hub); no site folder writes it.
 */
export const MONITORING_PLATFORM_NAMESPACE = 'monitoring-platform';

// A server's TSDB by the tier of its node (an agent's WAL is sized from the site: agent-wal.ts).
const STORAGE_BY_TIER: Record<Tier, string> = { micro: '1Gi', mini: '2Gi', standard: '5Gi', mec: '5Gi' };
const LOG_BUFFER_BY_TIER: Record<Tier, string> = { micro: '256Mi', mini: '1Gi', standard: '2Gi', mec: '2Gi' };

const SITE_MONITORING = new WeakMap<EdgeSite, EdgeMonitoring>();
const PENDING_TARGETS = new WeakMap<EdgeSite, ScrapeTarget[]>();

/**
 * A site's monitoring: node-exporter on every node, kube-state-metrics, a Prometheus
 * (agent with remote write, or server with local retention) discovering edge nodes
 * and edge pods, Fluent Bit shipping logs with an on-disk buffer, and the site's
 * alerts where they are evaluated (see `alertEvaluator`): a rule file of the
 * server-mode Prometheus, or, with `prometheusOperator: true`, ServiceMonitors,
 * PodMonitors and a PrometheusRule for the operator-managed Prometheus; an
 * agent-mode site's alerts are evaluated at the hub. Optionally the edge-overview
 * Grafana dashboard. One per site, in `monitoring`.
 *
 * Other constructs register their metrics endpoints with
 * `EdgeMonitoring.registerScrapeTarget(this, target)`; it works whether the
 * monitoring is created before or after them, and does nothing on a site
 * without monitoring.
 */
export class EdgeMonitoring extends Construct {
  /** The EdgeMonitoring of the site a construct belongs to, or undefined when the site runs none. */
  public static of(scope: IConstruct): EdgeMonitoring | undefined {
    return SITE_MONITORING.get(EdgeSite.of(scope));
  }

  /**
   * Registers a metrics endpoint with the site's monitoring: now when the site has
   * it, else as soon as it is created. On a site that never gets monitoring the
   * endpoint is simply not scraped.
   */
  public static registerScrapeTarget(scope: IConstruct, target: ScrapeTarget): void {
    const site = EdgeSite.of(scope);
    const monitoring = SITE_MONITORING.get(site);
    if (monitoring) {
      monitoring.addScrapeTarget(target);
      return;
    }
    const pending = PENDING_TARGETS.get(site) ?? [];
    pending.push(target);
    PENDING_TARGETS.set(site, pending);
  }

  /** Namespace of every monitoring object (site-scoped on the hub's shared control plane). */
  public readonly namespace: string;
  /** node-exporter. */
  public readonly nodeExporter: NodeExporter;
  /** The site's Prometheus. */
  public readonly prometheus: EdgePrometheus;
  /** kube-state-metrics, the source of the node and pod state alerts. */
  public readonly kubeStateMetrics: KubeStateMetrics;
  /** Fluent Bit, when the site ships logs. */
  public readonly fluentBit?: FluentBit;
  /** Where the site's alerts are evaluated. */
  public readonly alertEvaluator: AlertEvaluator;
  /** The PrometheusRule, when Prometheus Operator objects are emitted. */
  public readonly alertRules?: EdgeAlertRules;
  /** The Grafana dashboard, when enabled. */
  public readonly dashboard?: EdgeDashboard;
  private readonly targets: ScrapeTarget[] = [];
  private readonly operator: boolean;
  private readonly operatorLabels: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: EdgeMonitoringProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    if (SITE_MONITORING.has(site)) throw new Error(`${this.node.path}: site ${site.spec.name} already has monitoring (${SITE_MONITORING.get(site)!.node.path}); a site runs one`);
    const problems = new Problems();
    checkEdgeMonitoringOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `EdgeMonitoring ${this.node.path} is invalid`);
    SITE_MONITORING.set(site, this);
    this.namespace = platformNamespace(site.spec, MONITORING_NAMESPACE);
    this.operator = props.prometheusOperator ?? false;
    this.alertEvaluator = alertEvaluator(props);
    this.operatorLabels = { ...props.operatorLabels };
    site.ensureNamespace(this.namespace);

    this.nodeExporter = new NodeExporter(this, 'NodeExporter', { namespace: this.namespace });
    const mode = props.mode ?? 'agent';
    const pinned = site.spec.nodes.find((n) => n.name === props.node);
    const tier = props.tier ?? pinned?.tier ?? site.spec.tier;
    // An agent keeps unsent samples as long as the site must survive offline.
    const retention = props.retention ?? (mode === 'agent' ? formatPrometheusDuration(parseDurationSeconds(site.spec.connectivity.offlineTolerance)!) : '15d');
    const scrapeInterval = props.scrapeInterval ?? '30s';
    const givenSize = props.storage?.size;
    // The agent's WAL is the outage buffer: sized for the whole outage, on a volume that outlives the pod.
    const storageSize = givenSize !== undefined ? () => givenSize
      : mode === 'agent' ? () => agentWalSize({ site: site.spec, scrapeInterval, retention, targets: this.targets })
        : () => STORAGE_BY_TIER[tier];
    this.prometheus = new EdgePrometheus(this, 'Prometheus', {
      namespace: this.namespace,
      mode,
      scrapeInterval,
      retention,
      remoteWrite: props.remoteWrite,
      storageSize,
      storageClassName: props.storage?.storageClassName ?? (mode === 'agent' ? defaultWalStorageClass(site.spec) : undefined),
      tier,
      nodeName: props.node,
      resources: resolveBudget(props.resources, tierProfile(tier).containerBudget),
      nodeExporterPort: this.nodeExporter.port,
      targets: () => this.targets,
      rules: this.alertEvaluator === 'site' ? edgeAlertGroup(alertThresholds(props, site.spec.name)) : undefined,
      hubEvaluatesAlerts: this.alertEvaluator === 'hub',
    });
    // Two of the alerts read node and pod state, which only kube-state-metrics reports.
    this.kubeStateMetrics = new KubeStateMetrics(this, 'KubeStateMetrics', {
      namespace: this.namespace, tier, nodeName: props.node, resources: tierProfile(tier).containerBudget,
      // On the hub's shared control plane, only the pods of this site's namespaces.
      siteNamespacesOnly: joinsHubControlPlane(site.spec),
    });
    this.addScrapeTarget(this.kubeStateMetrics.scrapeTarget);

    if (props.logs) {
      const siteTier = site.spec.tier;
      this.fluentBit = new FluentBit(this, 'FluentBit', {
        namespace: this.namespace,
        logs: props.logs,
        bufferLimitBytes: parseBytes(props.logs.bufferLimit ?? LOG_BUFFER_BY_TIER[siteTier])!,
        tier: siteTier,
        resources: resolveBudget(props.logs.resources, tierProfile(siteTier).containerBudget),
      });
      this.addScrapeTarget({
        name: 'fluent-bit', namespace: this.namespace, selector: FLUENT_BIT_LABELS,
        port: 'http', portNumber: FLUENT_BIT_HTTP_PORT, path: FLUENT_BIT_METRICS_PATH,
        // A DaemonSet: one pod per node.
        replicas: site.spec.nodes.length,
      });
    }
    if (this.operator) {
      this.nodeExporterMonitor(props.scrapeInterval);
      this.prometheusMonitor(props.scrapeInterval);
      this.alertRules = new EdgeAlertRules(this, 'AlertRules', { namespace: this.namespace, labels: this.operatorLabels, ...alertThresholds(props, site.spec.name) });
    }
    if (props.dashboard ?? false) this.dashboard = new EdgeDashboard(this, 'Dashboard', { namespace: this.namespace });

    for (const target of PENDING_TARGETS.get(site) ?? []) this.addScrapeTarget(target);
    PENDING_TARGETS.delete(site);
  }

  /** The targets registered so far, in registration order. */
  public get scrapeTargets(): readonly ScrapeTarget[] {
    return this.targets;
  }

  /**
   * Scrapes a metrics endpoint: a job in the site's Prometheus, a ServiceMonitor
   * (when the target has a Service) or PodMonitor for a Prometheus Operator, and
   * the NetworkPolicies that let Prometheus reach the port.
   */
  public addScrapeTarget(target: ScrapeTarget): void {
    const problem = dns1123LabelProblem(target.name) ?? dns1123LabelProblem(target.namespace);
    if (problem) throw new Error(`${this.node.path}: scrape target ${jobName(target)}: ${problem}`);
    if (this.targets.some((t) => jobName(t) === jobName(target))) {
      throw new Error(`${this.node.path}: scrape target ${jobName(target)} is registered twice`);
    }
    if (target.interval !== undefined && !(parsePrometheusDurationSeconds(target.interval)! > 0)) {
      throw new Error(`${this.node.path}: scrape target ${jobName(target)}: interval "${target.interval}" is not a Prometheus duration`);
    }
    this.targets.push(target);
    const id = `Target-${target.namespace}-${target.name}`;
    const metadata = { name: target.name, namespace: target.namespace, labels: { ...this.operatorLabels } };
    if (this.operator && target.service) {
      new ServiceMonitor(this, `${id}-ServiceMonitor`, {
        metadata,
        spec: {
          selector: { matchLabels: { ...target.selector } },
          namespaceSelector: { matchNames: [target.namespace] },
          endpoints: [{ port: target.port, path: target.path ?? '/metrics', ...(target.interval ? { interval: target.interval } : {}), ...(target.honorLabels ? { honorLabels: true } : {}) }],
        },
      });
    } else if (this.operator) {
      new PodMonitor(this, `${id}-PodMonitor`, {
        metadata,
        spec: {
          selector: { matchLabels: { ...target.selector } },
          namespaceSelector: { matchNames: [target.namespace] },
          podMetricsEndpoints: [{ port: target.port, path: target.path ?? '/metrics', ...(target.interval ? { interval: target.interval } : {}), ...(target.honorLabels ? { honorLabels: true } : {}) }],
        },
      });
    }
    const port = [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(target.portNumber) }];
    new k8s.KubeNetworkPolicy(this, `${id}-Egress`, {
      metadata: { name: `prometheus-scrape-${target.namespace}-${target.name}`, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: { ...PROMETHEUS_LABELS } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: namespaceNamed(target.namespace), podSelector: { matchLabels: { ...target.selector } } }], ports: port }],
      },
    });
    new k8s.KubeNetworkPolicy(this, `${id}-Ingress`, {
      metadata: { name: `allow-prometheus-scrape-${target.name}`, namespace: target.namespace },
      spec: {
        podSelector: { matchLabels: { ...target.selector } },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [
            { namespaceSelector: namespaceNamed(this.namespace), podSelector: { matchLabels: { ...PROMETHEUS_LABELS } } },
            // The operator-managed Prometheus runs in the platform layer's monitoring namespace.
            ...(this.operator ? [{ namespaceSelector: namespaceNamed(MONITORING_PLATFORM_NAMESPACE) }] : []),
          ],
          ports: port,
        }],
      },
    });
  }

  /** The site's own Prometheus, for the remote-write queue series of EdgeCloudSyncLag (job `prometheus`). */
  private prometheusMonitor(interval: string | undefined): void {
    // The operator-managed Prometheus scrapes the site's own (its remote-write queue) from the platform's namespace.
    new k8s.KubeNetworkPolicy(this, 'PrometheusMonitorIngress', {
      metadata: { name: 'allow-operator-prometheus-scrape', namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: { ...PROMETHEUS_LABELS } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: namespaceNamed(MONITORING_PLATFORM_NAMESPACE) }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(PROMETHEUS_PORT) }] }],
      },
    });
    new ServiceMonitor(this, 'PrometheusMonitor', {
      metadata: { name: 'prometheus', namespace: this.namespace, labels: { ...this.operatorLabels } },
      spec: {
        selector: { matchLabels: { ...PROMETHEUS_LABELS } },
        namespaceSelector: { matchNames: [this.namespace] },
        endpoints: [{ port: 'http', ...(interval ? { interval } : {}) }],
      },
    });
  }

  private nodeExporterMonitor(interval: string | undefined): void {
    new ServiceMonitor(this, 'NodeExporterMonitor', {
      metadata: { name: 'node-exporter', namespace: this.namespace, labels: { ...this.operatorLabels } },
      spec: {
        selector: { matchLabels: { ...this.nodeExporter.selectorLabels } },
        namespaceSelector: { matchNames: [this.namespace] },
        endpoints: [{
          port: 'metrics',
          ...(interval ? { interval } : {}),
          relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node', action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE }],
        }],
      },
    });
  }
}

function namespaceNamed(name: string): k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': name } };
}
