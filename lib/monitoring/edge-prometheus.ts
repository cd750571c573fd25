import { createHash } from 'node:crypto';
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { workloadLabels } from '../core/site/labels';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import { toYaml } from '../core/yaml';
import { containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/workload/pod-defaults';
import { addAllowPolicy } from '../core/workload/network-allow';
import type { SecretKeyReference } from '../core/site/edge-app';
import { EdgeSite } from '../fleet/edge-site';
import { placePods } from '../core/site/placement';
import type { ContainerBudget, Tier } from '../core/spec/tier';
import type { AlertRuleGroup } from './alert-evaluation';
import type { PrometheusMode, ScrapeTarget } from './monitoring-options';
import { ciliumNodeEgress } from './private/cilium-egress';
import { apiServerPeers, apiServerPorts, cloudPeers, nodePeers, urlPort } from './private/network-peers';
import { prometheusConfig } from './private/prometheus-config';

/** Props of an EdgePrometheus; EdgeMonitoring resolves every default before. */
export interface EdgePrometheusProps {
  /** Namespace to run in. */
  readonly namespace: string;
  /** Agent (remote write only) or server (local TSDB). */
  readonly mode: PrometheusMode;
  /** Scrape interval, a Prometheus duration. */
  readonly scrapeInterval: string;
  /** Server: TSDB retention; agent: the most time unsent samples stay in the WAL. A Prometheus duration. */
  readonly retention: string;
  /** Remote write to the cloud. @default - none (server mode only) */
  readonly remoteWrite?: { readonly url: string; readonly bearerTokenSecret?: SecretKeyReference };
  /**
   * Size of the data volume, a Kubernetes quantity; read when the objects are synthesized
   * (an agent's WAL size counts the scrape targets registered until then).
   */
  readonly storageSize: () => string;
  /**
   * StorageClass of a PersistentVolumeClaim for the data (`prometheus-data`).
   * @default - an emptyDir of `storageSize` (lost with the pod)
   */
  readonly storageClassName?: string;
  /** Tier whose nodes run Prometheus. */
  readonly tier: Tier;
  /** Node Prometheus is pinned to. @default - any node of the tier */
  readonly nodeName?: string;
  /** Requests and limits of the container. */
  readonly resources: ContainerBudget;
  /** Port node-exporter listens on, on every node. */
  readonly nodeExporterPort: number;
  /** The scrape targets registered so far; read when the config is synthesized. */
  readonly targets: () => readonly ScrapeTarget[];
  /**
   * Alert rules this Prometheus evaluates itself, from a rule file in the
   * `prometheus-rules` ConfigMap (server mode only: an agent evaluates no rules).
   * @default - none
   */
  readonly rules?: AlertRuleGroup;
  /**
   * The hub's vmalert evaluates the site's alerts (an agent evaluates none): the remote-written
   * series carry `edge_alerts="hub"`, which the hub's rule groups select.
   * @default false
   */
  readonly hubEvaluatesAlerts?: boolean;
  /**
   * Container image, pinned.
   * @default 'quay.io/prometheus/prometheus:v3.5.0'
   */
  readonly image?: string;
}

/** The Prometheus image the library pins. */
export const PROMETHEUS_IMAGE = 'quay.io/prometheus/prometheus:v3.5.0';
/** Labels of the Prometheus pods, for NetworkPolicies that let it scrape. */
export const PROMETHEUS_LABELS: Readonly<Record<string, string>> = workloadLabels('prometheus');

/** Name of the Prometheus Service (and of its ServiceAccount and Deployment). */
export const PROMETHEUS_SERVICE_NAME = 'prometheus';
/** Port of the Prometheus Service: the web and query API. */
export const PROMETHEUS_PORT = 9090;
/**
 * Namespace of the custom-metrics adapter the platform layer installs for the site's
 * HPAs on Pods metrics; a server-mode Prometheus answers its queries.
 */
export const CUSTOM_METRICS_NAMESPACE = 'custom-metrics';

const CONFIG_DIR = '/etc/prometheus';
/** Where the rule files are mounted; beside, not inside, the config mount (a ConfigMap mount hides what is below it). */
const RULES_DIR = '/etc/prometheus-rules';
/** File name of the site's rule group in the `prometheus-rules` ConfigMap. */
export const PROMETHEUS_RULES_FILE = 'edge-site.yml';
const DATA_DIR = '/prometheus';
const TOKEN_DIR = '/etc/prometheus/secrets/remote-write';
const PORT = PROMETHEUS_PORT;
// The distroless `nobody` the image runs as.
const RUN_AS = 65534;

/**
 * The site's Prometheus: one pod discovering edge nodes and pods through the
 * Kubernetes API (read-only RBAC on nodes and pods, nothing else), its config in a
 * ConfigMap, either in agent mode (WAL kept for the site's offline tolerance,
 * remote write retried with backoff) or as a server with local retention, and a
 * NetworkPolicy that opens only the API server, the nodes' node-exporter and the
 * remote-write endpoint.
 */
export class EdgePrometheus extends Construct {
  /** The rendered `prometheus.yml`, as synthesized. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The rule file, when this Prometheus evaluates rules. */
  public readonly rulesConfigMap?: k8s.KubeConfigMap;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The ClusterIP Service of the web port. */
  public readonly service: k8s.KubeService;
  /** The discovery ClusterRole. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** The claim of the data volume (the agent's WAL or the server's TSDB), when it has a StorageClass. */
  public readonly dataClaim?: k8s.KubePersistentVolumeClaim;

  public constructor(scope: Construct, id: string, props: EdgePrometheusProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const ns = props.namespace;
    const metadata = { name: PROMETHEUS_SERVICE_NAME, namespace: ns, labels: { ...PROMETHEUS_LABELS } };
    const tokenFile = props.remoteWrite?.bearerTokenSecret ? `${TOKEN_DIR}/${props.remoteWrite.bearerTokenSecret.key}` : undefined;
    if (props.rules && props.mode !== 'server') throw new Error(`${this.node.path}: an agent-mode Prometheus evaluates no rules; use mode server or evaluate them where the samples are written`);
    const rulesYaml = props.rules ? toYaml({ groups: [props.rules] }) : undefined;
    const renderConfig = () => toYaml(prometheusConfig({
      ruleFiles: props.rules ? [`${RULES_DIR}/*.yml`] : undefined,
      hubEvaluatesAlerts: props.hubEvaluatesAlerts,
      site: site.spec,
      mode: props.mode,
      scrapeInterval: props.scrapeInterval,
      remoteWrite: props.remoteWrite ? { url: props.remoteWrite.url, bearerTokenFile: tokenFile } : undefined,
      nodeExporterPort: props.nodeExporterPort,
      targets: props.targets(),
    }));

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: 'edge-monitoring-prometheus', labels: { ...PROMETHEUS_LABELS } },
      // Node and pod discovery only: no Secrets, no write verbs, no wildcards.
      rules: [{ apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: 'edge-monitoring-prometheus', labels: { ...PROMETHEUS_LABELS } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edge-monitoring-prometheus' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: ns }],
    });
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { ...metadata, name: 'prometheus-config' },
      data: { 'prometheus.yml': Lazy.any({ produce: renderConfig }) },
    });
    if (rulesYaml !== undefined) {
      this.rulesConfigMap = new k8s.KubeConfigMap(this, 'Rules', {
        metadata: { ...metadata, name: 'prometheus-rules' },
        data: { [PROMETHEUS_RULES_FILE]: rulesYaml },
      });
    }

    // A Quantity produced late: the L1 serializer needs the Quantity itself, not a string token.
    const size = () => Lazy.any({ produce: () => k8s.Quantity.fromString(props.storageSize()) }) as unknown as k8s.Quantity;
    const dataVolume: k8s.Volume = props.storageClassName
      ? { name: 'data', persistentVolumeClaim: { claimName: 'prometheus-data' } }
      : { name: 'data', emptyDir: { sizeLimit: size() } };
    if (props.storageClassName) {
      // ReadWriteOnce and the Deployment's Recreate strategy keep one writer of the WAL/TSDB.
      this.dataClaim = new k8s.KubePersistentVolumeClaim(this, 'Data', {
        metadata: { ...metadata, name: 'prometheus-data' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: props.storageClassName,
          volumeMode: 'Filesystem',
          resources: { requests: { storage: size() } },
        },
      });
    }
    const secret = props.remoteWrite?.bearerTokenSecret;
    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: 'prometheus-config' } },
      ...(rulesYaml !== undefined ? [{ name: 'rules', configMap: { name: 'prometheus-rules' } }] : []),
      dataVolume,
      ...(secret ? [{ name: 'remote-write-token', secret: { secretName: secret.secretName, items: [{ key: secret.key, path: secret.key }], defaultMode: 0o440 } }] : []),
    ];
    const probe = (path: string, delay: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds: delay, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 3,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: 1,
        // One writer of the WAL: the old pod must be gone before the new one starts.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { ...PROMETHEUS_LABELS } },
        template: {
          metadata: {
            labels: { ...PROMETHEUS_LABELS, 'edge.site': site.spec.name },
            // Prometheus reads its config and rules once: a new config or rule file rolls the pod.
            annotations: { 'edge.cdk8s.io/config-sha256': Lazy.any({ produce: () => createHash('sha256').update(renderConfig() + (rulesYaml ?? '')).digest('hex') }) },
          },
          spec: {
            ...placePods({ tiers: [props.tier], nodeName: props.nodeName }),
            serviceAccountName: 'prometheus',
            // Service discovery reads the Kubernetes API with this account's token.
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            priorityClassName: 'edge-critical',
            securityContext: restrictedPodSecurityContext({ runAsUser: RUN_AS }),
            containers: [{
              name: 'prometheus',
              image: props.image ?? PROMETHEUS_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: prometheusArgs(props),
              ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
              resources: containerResources(props.resources),
              securityContext: restrictedContainerSecurityContext(),
              livenessProbe: probe('/-/healthy', 30),
              readinessProbe: probe('/-/ready', 10),
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                ...(rulesYaml !== undefined ? [{ name: 'rules', mountPath: RULES_DIR, readOnly: true }] : []),
                { name: 'data', mountPath: DATA_DIR },
                ...(secret ? [{ name: 'remote-write-token', mountPath: TOKEN_DIR, readOnly: true }] : []),
              ],
            }],
            volumes,
          },
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...PROMETHEUS_LABELS },
        ports: [{ name: 'http', port: PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'Egress', {
      metadata: { ...metadata, name: 'prometheus-egress' },
      spec: {
        podSelector: { matchLabels: { ...PROMETHEUS_LABELS } },
        policyTypes: ['Egress'],
        egress: [
          { to: apiServerPeers(site.spec), ports: apiServerPorts() },
          { to: nodePeers(site.spec), ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.nodeExporterPort) }] },
          ...(props.remoteWrite ? [{ to: cloudPeers(site.spec), ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(urlPort(props.remoteWrite.url)) }] }] : []),
        ],
      },
    });
    // The site's EdgeAIInference HPAs scale on a Pods metric the platform's adapter reads
    // from here; an agent serves no queries, so only a server opens its port.
    if (props.mode === 'server' && (site.spec.components.aiInference?.length ?? 0) > 0) {
      addAllowPolicy(this, 'AllowCustomMetrics', site.spec, {
        name: 'allow-custom-metrics-ingress', namespace: ns, podLabels: PROMETHEUS_LABELS,
        ingress: [{ peer: { kind: 'pods', namespace: CUSTOM_METRICS_NAMESPACE }, ports: [{ port: PORT }] }],
      });
    }
    ciliumNodeEgress(this, 'CiliumEgress', site.spec, {
      name: 'prometheus-node-egress', namespace: ns, podLabels: PROMETHEUS_LABELS, nodePorts: [props.nodeExporterPort],
    });
    site.registerWorkload({
      path: this.node.path,
      description: `Deployment ${ns}/prometheus`,
      tiers: [props.tier],
      nodeName: props.nodeName,
      replicas: 1,
      cpuMillis: parseCpuMillis(props.resources.requests.cpu)!,
      memoryBytes: parseBytes(props.resources.requests.memory)!,
    });
  }
}

function prometheusArgs(props: EdgePrometheusProps): string[] {
  const common = [`--config.file=${CONFIG_DIR}/prometheus.yml`, `--web.listen-address=:${PORT}`];
  if (props.mode === 'agent') {
    return ['--agent', ...common, `--storage.agent.path=${DATA_DIR}`, `--storage.agent.retention.max-time=${props.retention}`];
  }
  // Leave a fifth of the volume free so compaction never fills it before retention deletes blocks.
  const sizeMb = Math.floor((parseBytes(props.storageSize())! * 0.8) / 2 ** 20);
  return [...common, `--storage.tsdb.path=${DATA_DIR}`, `--storage.tsdb.retention.time=${props.retention}`, `--storage.tsdb.retention.size=${sizeMb}MB`];
}
