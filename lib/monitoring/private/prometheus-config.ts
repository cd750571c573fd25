import { HUB_ALERTS_LABEL } from '../alert-evaluation';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import type { PrometheusMode, ScrapeTarget } from '../monitoring-options';
import { formatPrometheusDuration, parsePrometheusDurationSeconds } from './prometheus-duration';

/**
 * The site's `prometheus.yml` as typed data: the subset of the Prometheus
 * configuration this library writes, so a misspelt key is a compile error.
 */

/** One relabelling step. */
export interface RelabelConfig {
  readonly source_labels?: string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: 'replace' | 'keep' | 'drop' | 'labelmap';
}

/** Kubernetes service discovery. */
export interface KubernetesSdConfig {
  readonly role: 'node' | 'pod';
  readonly namespaces?: { readonly names: string[] };
}

/** One scrape job. */
export interface ScrapeConfig {
  readonly job_name: string;
  /** Keep the scraped `namespace`, `pod` and `node` labels of an exporter that reports on other objects (kube-state-metrics). */
  readonly honor_labels?: boolean;
  readonly scrape_interval?: string;
  readonly scrape_timeout?: string;
  readonly metrics_path?: string;
  readonly static_configs?: { readonly targets: string[] }[];
  readonly kubernetes_sd_configs?: KubernetesSdConfig[];
  readonly relabel_configs?: RelabelConfig[];
}

/** One remote-write destination. */
export interface RemoteWriteConfig {
  readonly name: string;
  readonly url: string;
  readonly remote_timeout: string;
  readonly authorization?: { readonly type: 'Bearer'; readonly credentials_file: string };
  readonly queue_config: {
    readonly capacity: number;
    readonly min_shards: number;
    readonly max_shards: number;
    readonly max_samples_per_send: number;
    readonly batch_send_deadline: string;
    readonly min_backoff: string;
    readonly max_backoff: string;
    readonly retry_on_http_429: boolean;
  };
}

/** The configuration file. */
export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly scrape_timeout: string;
    readonly evaluation_interval?: string;
    readonly external_labels: Record<string, string>;
  };
  /** Rule files the server evaluates (server mode only: an agent evaluates no rules). */
  readonly rule_files?: string[];
  readonly scrape_configs: ScrapeConfig[];
  readonly remote_write?: RemoteWriteConfig[];
}

/** What the configuration is built from. */
export interface PrometheusConfigInput {
  readonly site: ResolvedSiteSpec;
  readonly mode: PrometheusMode;
  readonly scrapeInterval: string;
  /** The remote-write URL and, when authorized, the token file. */
  readonly remoteWrite?: { readonly url: string; readonly bearerTokenFile?: string };
  /** Port node-exporter listens on, on every node's host network. */
  readonly nodeExporterPort: number;
  /** Endpoints other constructs registered. */
  readonly targets: readonly ScrapeTarget[];
  /** Rule files to evaluate (glob patterns); server mode only. @default - none */
  readonly ruleFiles?: readonly string[];
  /** Whether the hub evaluates the site's alerts: the remote-written series then say so (`HUB_ALERTS_LABEL`). @default false */
  readonly hubEvaluatesAlerts?: boolean;
}

/** Label that marks a site's edge nodes (set from the cluster side). */
const EDGE_NODE_LABEL = '__meta_kubernetes_node_labelpresent_node_role_kubernetes_io_edge';
/** Label that marks a site's edge pods: every pod template of the library carries `edge.site`. */
const EDGE_POD_LABEL = '__meta_kubernetes_pod_label_edge_site';
/** The site label of a node, as Kubernetes SD gives it. */
const EDGE_NODE_SITE_LABEL = '__meta_kubernetes_node_label_edge_site';

/** The configuration of the site's Prometheus. */
export function prometheusConfig(input: PrometheusConfigInput): PrometheusConfig {
  const interval = parsePrometheusDurationSeconds(input.scrapeInterval)!;
  const externalLabels: Record<string, string> = { site: input.site.name };
  if (input.hubEvaluatesAlerts) externalLabels[HUB_ALERTS_LABEL.name] = HUB_ALERTS_LABEL.value;
  if (input.site.region) externalLabels.region = input.site.region;
  if (input.site.zone) externalLabels.zone = input.site.zone;
  return {
    global: {
      scrape_interval: input.scrapeInterval,
      // Prometheus rejects a timeout longer than the interval.
      scrape_timeout: formatPrometheusDuration(Math.min(interval, 10)),
      ...(input.mode === 'server' ? { evaluation_interval: input.scrapeInterval } : {}),
      external_labels: externalLabels,
    },
    ...(input.ruleFiles && input.ruleFiles.length > 0 ? { rule_files: [...input.ruleFiles] } : {}),
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
      edgeNodesJob(input),
      edgePodsJob(input),
      ...[...input.targets].sort((a, b) => jobName(a).localeCompare(jobName(b))).map(targetJob),
    ],
    ...(input.remoteWrite ? { remote_write: [remoteWrite(input.remoteWrite)] } : {}),
  };
}

/** The job name of a registered target. */
export function jobName(target: ScrapeTarget): string {
  return `${target.namespace}/${target.name}`;
}

function edgeNodesJob(input: PrometheusConfigInput): ScrapeConfig {
  return {
    job_name: 'edge-nodes',
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [
      // Only edge nodes: they carry node-role.kubernetes.io/edge.
      { source_labels: [EDGE_NODE_LABEL], regex: 'true', action: 'keep' },
      // The SD address is the kubelet's; node-exporter listens on the same host.
      { source_labels: ['__address__'], regex: '(.+):\\d+', target_label: '__address__', replacement: `\${1}:${input.nodeExporterPort}`, action: 'replace' },
      // Only the site's own: a control plane shared with other sites has their nodes too.
      { source_labels: [EDGE_NODE_SITE_LABEL], regex: escapeRegex(input.site.name), action: 'keep' },
      { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node', action: 'replace' },
      { regex: '__meta_kubernetes_node_label_(edge_tier|accelerator|topology_kubernetes_io_zone)', action: 'labelmap' },
    ],
  };
}

function edgePodsJob(input: PrometheusConfigInput): ScrapeConfig {
  return {
    job_name: 'edge-pods',
    kubernetes_sd_configs: [{ role: 'pod' }],
    relabel_configs: [
      // Only edge pods: the pods this site's constructs made, and only those asking to be scraped.
      { source_labels: [EDGE_POD_LABEL], regex: escapeRegex(input.site.name), action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_container_init'], regex: 'true', action: 'drop' },
      { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', target_label: '__metrics_path__', action: 'replace' },
      {
        source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
        regex: '([^:]+)(?::\\d+)?;(\\d+)', target_label: '__address__', replacement: '${1}:${2}', action: 'replace',
      },
      ...podLabels(),
    ],
  };
}

function targetJob(target: ScrapeTarget): ScrapeConfig {
  const selectors = Object.keys(target.selector).sort().map((key): RelabelConfig => ({
    source_labels: [`__meta_kubernetes_pod_label_${metaLabelName(key)}`], regex: escapeRegex(target.selector[key]), action: 'keep',
  }));
  return {
    job_name: jobName(target),
    ...(target.honorLabels ? { honor_labels: true } : {}),
    ...(target.interval ? { scrape_interval: target.interval } : {}),
    metrics_path: target.path ?? '/metrics',
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [target.namespace] } }],
    relabel_configs: [
      ...selectors,
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: escapeRegex(target.port), action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' },
      ...podLabels(),
    ],
  };
}

function podLabels(): RelabelConfig[] {
  return [
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
    { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node', action: 'replace' },
  ];
}

function remoteWrite(remote: { url: string; bearerTokenFile?: string }): RemoteWriteConfig {
  return {
    name: 'cloud',
    url: remote.url,
    remote_timeout: '30s',
    ...(remote.bearerTokenFile ? { authorization: { type: 'Bearer' as const, credentials_file: remote.bearerTokenFile } } : {}),
    // Sized for an edge uplink: few shards, large batches, and a backoff that keeps
    // retrying (every recoverable error and 429 is retried, never dropped) without
    // hammering a link that is down for hours; the backlog waits in the WAL.
    queue_config: {
      capacity: 10000,
      min_shards: 1,
      max_shards: 10,
      max_samples_per_send: 2000,
      batch_send_deadline: '30s',
      min_backoff: '1s',
      max_backoff: '5m',
      retry_on_http_429: true,
    },
  };
}

/** A Kubernetes label name as Prometheus' SD spells it: every other character becomes `_`. */
export function metaLabelName(label: string): string {
  return label.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** A literal as an RE2 regex (relabel regexes are fully anchored). */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
