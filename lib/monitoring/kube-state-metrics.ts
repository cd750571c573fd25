import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SITE_LABEL, workloadLabels } from '../core/site/labels';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import { applicationPodDefaults, containerResources, restrictedContainerSecurityContext } from '../core/workload/pod-defaults';
import { EdgeSite } from '../fleet/edge-site';
import { placePods } from '../core/site/placement';
import type { ContainerBudget, Tier } from '../core/spec/tier';
import type { ScrapeTarget } from './monitoring-options';
import { apiServerPeers, apiServerPorts } from './private/network-peers';
import { kubeStateMetricsSeries } from './private/agent-wal';

/** Props of a KubeStateMetrics. */
export interface KubeStateMetricsProps {
  /** Namespace to run in. */
  readonly namespace: string;
  /** Tier whose nodes run it (the Prometheus tier: both are one small pod per site). */
  readonly tier: Tier;
  /** Node it is pinned to. @default - any node of the tier */
  readonly nodeName?: string;
  /** Requests and limits of the container. */
  readonly resources: ContainerBudget;
  /**
   * Container image, pinned.
   * @default 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0'
   */
  readonly image?: string;
  /**
   * Report the pods of the site's own namespaces only (kube-state-metrics `--namespaces`, read
   * from the finished site), for a control plane shared with other sites.
   * @default false - the pods of every namespace
   */
  readonly siteNamespacesOnly?: boolean;
}

/**
 * The kube-state-metrics image the library pins: the one the kube-state-metrics chart
 * 8.4.0 deploys (appVersion 2.20.0; the kube-prometheus-stack 88.5.3 subchart), see
 * ../shared/charts/kube-state-metrics/8.4.0/images.txt.
 */
export const KUBE_STATE_METRICS_IMAGE = 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0';
/** Port of the object metrics (the chart's `service.port`). */
export const KUBE_STATE_METRICS_PORT = 8080;
/** Port of kube-state-metrics' own metrics and its readiness endpoint. */
const TELEMETRY_PORT = 8081;
/**
 * Only the objects the site's alerts read (node conditions, container waiting
 * reasons): the other two dozen collectors would cost a small node memory and the
 * uplink series for nothing.
 */
export const KUBE_STATE_METRICS_RESOURCES: readonly string[] = ['nodes', 'pods'];
// The chart's securityContext.runAsUser: the distroless nobody.
const RUN_AS = 65534;

/**
 * kube-state-metrics for the site's node and pod alerts (`EdgeNodeNotReady`,
 * `EdgePodCrashLooping`): one restricted pod with list/watch on nodes and pods only,
 * a Service, a NetworkPolicy to the API server, and a scrape target registered with
 * the site's monitoring (with `honorLabels`, so `node`, `namespace` and `pod` are
 * the reported object's).
 */
export class KubeStateMetrics extends Construct {
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service of the metrics port. */
  public readonly service: k8s.KubeService;
  /** The scrape target to register with the site's monitoring. */
  public readonly scrapeTarget: ScrapeTarget;

  public constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const ns = props.namespace;
    const labels = workloadLabels('kube-state-metrics');
    const metadata = { name: 'kube-state-metrics', namespace: ns, labels: { ...labels } };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: 'edge-monitoring-kube-state-metrics', labels: { ...labels } },
      rules: KUBE_STATE_METRICS_RESOURCES.map((resource) => ({ apiGroups: [''], resources: [resource], verbs: ['list', 'watch'] })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: 'edge-monitoring-kube-state-metrics', labels: { ...labels } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edge-monitoring-kube-state-metrics' },
      subjects: [{ kind: 'ServiceAccount', name: 'kube-state-metrics', namespace: ns }],
    });
    const probe = (path: string, port: string): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString(port) },
      initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...labels } },
        template: {
          metadata: { labels: { ...labels, [SITE_LABEL]: site.spec.name } },
          spec: {
            ...placePods({ tiers: [props.tier], nodeName: props.nodeName }),
            serviceAccountName: 'kube-state-metrics',
            ...applicationPodDefaults('edge-critical', { runAsUser: RUN_AS }),
            // It lists and watches nodes and pods through the API with this account's token.
            automountServiceAccountToken: true,
            containers: [{
              name: 'kube-state-metrics',
              image: props.image ?? KUBE_STATE_METRICS_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: [
                `--port=${KUBE_STATE_METRICS_PORT}`,
                `--telemetry-port=${TELEMETRY_PORT}`,
                `--resources=${KUBE_STATE_METRICS_RESOURCES.join(',')}`,
                // The node alerts keep the site's own nodes by this label (kube_node_labels{label_edge_site}).
                `--metric-labels-allowlist=nodes=[${SITE_LABEL}]`,
                ...(props.siteNamespacesOnly ? [Lazy.any({ produce: () => `--namespaces=${site.siteNamespaces.map((n) => n.name).sort().join(',')}` })] : []),
              ],
              ports: [
                { name: 'http', containerPort: KUBE_STATE_METRICS_PORT, protocol: 'TCP' },
                { name: 'telemetry', containerPort: TELEMETRY_PORT, protocol: 'TCP' },
              ],
              resources: containerResources(props.resources),
              securityContext: restrictedContainerSecurityContext(),
              // The chart's probes: liveness on the metrics port, readiness on the telemetry port.
              livenessProbe: probe('/livez', 'http'),
              readinessProbe: probe('/readyz', 'telemetry'),
            }],
          },
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...labels },
        ports: [{ name: 'http', port: KUBE_STATE_METRICS_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'Egress', {
      metadata: { ...metadata, name: 'kube-state-metrics-egress' },
      spec: {
        podSelector: { matchLabels: { ...labels } },
        policyTypes: ['Egress'],
        egress: [{ to: apiServerPeers(site.spec), ports: apiServerPorts() }],
      },
    });
    site.registerWorkload({
      path: this.node.path,
      description: `Deployment ${ns}/kube-state-metrics`,
      tiers: [props.tier],
      nodeName: props.nodeName,
      replicas: 1,
      cpuMillis: parseCpuMillis(props.resources.requests.cpu)!,
      memoryBytes: parseBytes(props.resources.requests.memory)!,
    });
    this.scrapeTarget = {
      name: 'kube-state-metrics', namespace: ns, selector: labels, port: 'http', portNumber: KUBE_STATE_METRICS_PORT,
      service: true, honorLabels: true, seriesPerReplica: kubeStateMetricsSeries(site.spec),
    };
  }
}
