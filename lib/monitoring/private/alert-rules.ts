/**
 * The alerts of an edge site, as data: the expressions of the operations runbook,
 * thresholds from props. Every series they read is produced by a scrape of the
 * site's own monitoring: node-exporter (`edge-nodes` job of the site's Prometheus,
 * or the operator's `node-exporter` ServiceMonitor), kube-state-metrics (the site's
 * KubeStateMetrics, job `<namespace>/kube-state-metrics` or `kube-state-metrics`) and
 * the site's Prometheus itself (job `prometheus`, for the remote-write queue).
 */

import type { EdgeAlertThresholds } from '../edge-alert-rules';

/** One alert. */
export interface EdgeAlert {
  /** Alert name. */
  readonly alert: string;
  /** PromQL expression; a series in its result is a firing alert. */
  readonly expr: string;
  /** How long the expression must hold. */
  readonly for: string;
  /** `critical` pages someone; `warning` waits for working hours. */
  readonly severity: 'critical' | 'warning';
  /** One line for the notification. */
  readonly summary: string;
  /** What it means and what to look at. */
  readonly description: string;
}

/** Job names of each source, in the site's Prometheus config and as an operator's monitors name them. */
const NODE_JOBS = 'job=~"edge-nodes|node-exporter"';
// `<namespace>/kube-state-metrics` in the site's own config (the namespace is site-scoped on a shared control plane).
const KSM_JOBS = 'job=~"(.+/)?kube-state-metrics"';
const PROMETHEUS_JOB = 'job="prometheus"';
const REAL_FILESYSTEMS = 'fstype!~"tmpfs|overlay|squashfs|ramfs"';

/** A PromQL string literal's content. */
function escape(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

/**
 * The site's alerts. With `hubScope` (label matchers such as `edge_alerts="hub",site!~"a|b"`),
 * every selector also matches it: the hub evaluates the alerts of many sites at once on their
 * remote-written series, which carry the site as the external label `site`. Aggregations keep
 * `site`, so an alert evaluated at the hub says which site it is about (locally the label is
 * absent and `by (site, …)` is the same as without it).
 */
export function edgeAlerts(t: EdgeAlertThresholds, hubScope?: string): EdgeAlert[] {
  const scope = hubScope === undefined ? '' : `,${hubScope}`;
  const node = `${NODE_JOBS}${scope}`;
  const ksm = `${KSM_JOBS}${scope}`;
  // Only the site's own nodes (a shared control plane reports every site's): locally by the
  // site's name, at the hub by matching the node's edge.site label to the series' site label.
  const ownNodes = hubScope === undefined
    ? `* on(node) group_left() kube_node_labels{${ksm},label_edge_site="${escape(t.site)}"}`
    : `* on(site, node) group_left() label_replace(kube_node_labels{${ksm}}, "site", "$1", "label_edge_site", "(.+)")`;
  const alerts: EdgeAlert[] = [
    {
      alert: 'EdgeNodeNotReady',
      expr: `sum by (site, node) (kube_node_status_condition{${ksm},condition="Ready",status!="true"} ${ownNodes}) > 0`,
      for: t.for, severity: 'critical',
      summary: 'Edge node {{ $labels.node }} is not Ready',
      description: 'The kubelet of {{ $labels.node }} reports NotReady or Unknown; its pods are not being managed.',
    },
    {
      alert: 'EdgeNodeOffline',
      expr: `up{${node}} == 0`,
      for: t.for, severity: 'critical',
      summary: 'Edge node {{ $labels.instance }} does not answer scrapes',
      description: 'node-exporter on {{ $labels.instance }} has not been reachable: the node is down, off the network, or node-exporter is not running.',
    },
    {
      alert: 'EdgeNodeHighCpu',
      expr: `100 * (1 - avg by (site, instance) (rate(node_cpu_seconds_total{${node},mode="idle"}[5m]))) > ${t.cpuPercent}`,
      for: t.for, severity: 'warning',
      summary: 'Edge node {{ $labels.instance }} CPU above ' + t.cpuPercent + '%',
      description: 'CPU of {{ $labels.instance }} is {{ $value | printf "%.0f" }}% busy; latency-critical workloads may miss their budget.',
    },
    {
      alert: 'EdgeNodeHighMemory',
      expr: `100 * (1 - node_memory_MemAvailable_bytes{${node}} / node_memory_MemTotal_bytes{${node}}) > ${t.memoryPercent}`,
      for: t.for, severity: 'warning',
      summary: 'Edge node {{ $labels.instance }} memory above ' + t.memoryPercent + '%',
      description: '{{ $value | printf "%.0f" }}% of the memory of {{ $labels.instance }} is in use; the kubelet evicts pods below 100Mi available.',
    },
    {
      alert: 'EdgeNodeFilesystemFull',
      expr: `100 * (1 - node_filesystem_avail_bytes{${node},${REAL_FILESYSTEMS}} / node_filesystem_size_bytes{${node},${REAL_FILESYSTEMS}}) > ${t.filesystemPercent}`,
      for: t.for, severity: 'warning',
      summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} above ' + t.filesystemPercent + '% full',
      description: 'Offline buffers (logs, metrics, sync queues) grow on this disk while the uplink is down.',
    },
    {
      alert: 'EdgePodCrashLooping',
      expr: `max_over_time(kube_pod_container_status_waiting_reason{${ksm},reason="CrashLoopBackOff"}[5m]) >= 1`,
      for: t.for, severity: 'warning',
      summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping',
      description: 'Container {{ $labels.container }} keeps restarting.',
    },
  ];
  if (t.remoteWrite) {
    const prometheus = `${PROMETHEUS_JOB}${scope}`;
    alerts.push({
      alert: 'EdgeCloudSyncLag',
      expr: `(max_over_time(prometheus_remote_storage_highest_timestamp_in_seconds{${prometheus}}[5m]) - ignoring(remote_name, url) group_right `
        + `max_over_time(prometheus_remote_storage_queue_highest_sent_timestamp_seconds{${prometheus}}[5m])) > ${t.syncLagSeconds}`,
      for: t.for, severity: 'warning',
      summary: 'Edge-to-cloud sync is {{ $value | humanizeDuration }} behind',
      description: 'Remote write to the cloud is behind by more than the allowed lag: the uplink is down or too slow; samples wait in the WAL.',
    });
  }
  return alerts;
}
