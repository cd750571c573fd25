/**
 * The alerts of an edge site, as data: the expressions of the operations runbook,
 * thresholds from props. Node-exporter series come from the site's own scrape
 * (`edge-nodes` job) or an operator's ServiceMonitor (`node-exporter` job); node
 * and pod state from kube-state-metrics, which the platform layer's monitoring
 * stack runs.
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

const NODE_JOBS = 'job=~"edge-nodes|node-exporter"';
const REAL_FILESYSTEMS = 'fstype!~"tmpfs|overlay|squashfs|ramfs"';

/** The site's alerts. */
export function edgeAlerts(t: EdgeAlertThresholds): EdgeAlert[] {
  const alerts: EdgeAlert[] = [
    {
      alert: 'EdgeNodeNotReady',
      expr: 'sum by (node) (kube_node_status_condition{condition="Ready",status!="true"}) > 0',
      for: t.for, severity: 'critical',
      summary: 'Edge node {{ $labels.node }} is not Ready',
      description: 'The kubelet of {{ $labels.node }} reports NotReady or Unknown; its pods are not being managed.',
    },
    {
      alert: 'EdgeNodeOffline',
      expr: `up{${NODE_JOBS}} == 0`,
      for: t.for, severity: 'critical',
      summary: 'Edge node {{ $labels.instance }} does not answer scrapes',
      description: 'node-exporter on {{ $labels.instance }} has not been reachable: the node is down, off the network, or node-exporter is not running.',
    },
    {
      alert: 'EdgeNodeHighCpu',
      expr: `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{${NODE_JOBS},mode="idle"}[5m]))) > ${t.cpuPercent}`,
      for: t.for, severity: 'warning',
      summary: 'Edge node {{ $labels.instance }} CPU above ' + t.cpuPercent + '%',
      description: 'CPU of {{ $labels.instance }} is {{ $value | printf "%.0f" }}% busy; latency-critical workloads may miss their budget.',
    },
    {
      alert: 'EdgeNodeHighMemory',
      expr: `100 * (1 - node_memory_MemAvailable_bytes{${NODE_JOBS}} / node_memory_MemTotal_bytes{${NODE_JOBS}}) > ${t.memoryPercent}`,
      for: t.for, severity: 'warning',
      summary: 'Edge node {{ $labels.instance }} memory above ' + t.memoryPercent + '%',
      description: '{{ $value | printf "%.0f" }}% of the memory of {{ $labels.instance }} is in use; the kubelet evicts pods below 100Mi available.',
    },
    {
      alert: 'EdgeNodeFilesystemFull',
      expr: `100 * (1 - node_filesystem_avail_bytes{${NODE_JOBS},${REAL_FILESYSTEMS}} / node_filesystem_size_bytes{${NODE_JOBS},${REAL_FILESYSTEMS}}) > ${t.filesystemPercent}`,
      for: t.for, severity: 'warning',
      summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} above ' + t.filesystemPercent + '% full',
      description: 'Offline buffers (logs, metrics, sync queues) grow on this disk while the uplink is down.',
    },
    {
      alert: 'EdgePodCrashLooping',
      expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
      for: t.for, severity: 'warning',
      summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping',
      description: 'Container {{ $labels.container }} keeps restarting.',
    },
  ];
  if (t.remoteWrite) {
    alerts.push({
      alert: 'EdgeCloudSyncLag',
      expr: '(max_over_time(prometheus_remote_storage_highest_timestamp_in_seconds[5m]) - ignoring(remote_name, url) group_right '
        + `max_over_time(prometheus_remote_storage_queue_highest_sent_timestamp_seconds[5m])) > ${t.syncLagSeconds}`,
      for: t.for, severity: 'warning',
      summary: 'Edge-to-cloud sync is {{ $value | humanizeDuration }} behind',
      description: 'Remote write to the cloud is behind by more than the allowed lag: the uplink is down or too slow; samples wait in the WAL.',
    });
  }
  return alerts;
}
