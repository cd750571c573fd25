import { parseCpuMillis } from '../../core/validation/quantity';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../../core/spec/site-spec';
import { joinsHubControlPlane } from '../../core/site/shared-control-plane';
import { tierProfile } from '../../core/spec/tier';
import type { ScrapeTarget } from '../monitoring-options';
import { parsePrometheusDurationSeconds } from './prometheus-duration';

/**
 * How large the agent's WAL grows while the uplink is down, so its volume holds a whole
 * outage. Every constant says where it comes from; the node-exporter ones are checked
 * against the real program by test/runtime/node-exporter.test.ts.
 *
 * Prometheus v3.5.0, tsdb/agent/db.go: every `--storage.agent.wal-truncate-frequency`
 * (2h, `DefaultTruncateFrequency`) the agent drops samples older than the lowest timestamp
 * remote write has sent, but never keeps any older than `--storage.agent.retention.max-time`.
 * While the uplink is down nothing is sent, so the WAL holds `max-time` plus up to one
 * truncation period of samples. Truncation writes a checkpoint of the lower two thirds of
 * the segments before it deletes them, so for a moment both are on disk.
 */

/**
 * Bytes of one float sample in a WAL sample record, uncompressed (tsdb/docs/format/wal.md
 * at v3.5.0: a zigzag-varint series-id delta, a varint timestamp delta and an 8-byte value).
 * A scrape's samples share a timestamp (delta 1 byte) and a record's id deltas stay under
 * 2^20 (3 bytes): 8 + 3 + 3. Snappy compression (on by default, `--storage.agent.wal-compression`)
 * is not counted, so a series that does not compress still fits. The TSDB's 1-2 bytes per
 * sample (docs/storage.md) are for compressed chunks, which an agent never writes.
 */
export const WAL_BYTES_PER_SAMPLE = 14;
/** A series record: 8-byte id plus its label pairs, length-prefixed (wal.md); a budget for ~15 labels of ~16 bytes. */
export const WAL_BYTES_PER_SERIES_RECORD = 256;
/** `DefaultTruncateFrequency` of tsdb/agent/db.go at v3.5.0: samples may outlive max-time by this much. */
export const WAL_TRUNCATE_FREQUENCY_SECONDS = 2 * 3600;
/** The checkpoint of the lower two thirds of the segments exists beside them until they are deleted (db.go `truncate`). */
export const WAL_CHECKPOINT_PEAK = 1 + 2 / 3;

/**
 * Series of one node-exporter, from prometheus-node-exporter 1.5 run with the DaemonSet's
 * collectors (cpu, meminfo, filesystem, netdev, stat): per CPU 10 (8 `node_cpu_seconds_total`
 * modes, 2 guest), per network device 17 (`node_network_*`), per filesystem 7
 * (`node_filesystem_*`), 117 others (meminfo, stat, Go runtime, process, scrape metadata),
 * budgeted at 200 for the pinned v1.8.2's newer Go runtime metrics.
 */
export const NODE_EXPORTER_SERIES = { base: 200, perCpu: 10, perNetworkDevice: 17, perFilesystem: 7 } as const;
/**
 * Network devices beside the pods' veths: loopback, the uplink, the CNI bridge and the overlay.
 * node-exporter runs on the host network, so it also sees one veth per pod.
 */
export const HOST_NETWORK_DEVICES = 4;
/** Filesystems beside the root and the declared disks (/boot, /boot/efi). */
export const SYSTEM_FILESYSTEMS = 2;
/**
 * Series of kube-state-metrics per pod and per node: kube-state-metrics v2.20.0 documents 60
 * pod metric families (docs/metrics/workload/pod-metrics.md) and 13 node families
 * (docs/metrics/cluster/node-metrics.md), several with a series per condition or resource.
 */
export const KUBE_STATE_METRICS_SERIES = { perPod: 60, perNode: 50 } as const;
/** Series of the agent's own metrics (Prometheus 2.42 in agent mode exposes 179; 3.x has more). */
export const PROMETHEUS_SELF_SERIES = 1000;
/** Series of a registered target that does not say. */
export const DEFAULT_SERIES_PER_TARGET = 1000;

/** The series node-exporter reports on a node. */
export function nodeExporterSeries(node: ResolvedNodeSpec): number {
  const cpus = Math.ceil(parseCpuMillis(node.capacity.cpu)! / 1000);
  const devices = tierProfile(node.tier).kubelet.maxPods + HOST_NETWORK_DEVICES;
  const filesystems = 1 + node.disks.length + SYSTEM_FILESYSTEMS;
  const s = NODE_EXPORTER_SERIES;
  return s.base + s.perCpu * cpus + s.perNetworkDevice * devices + s.perFilesystem * filesystems;
}

/** The series kube-state-metrics reports for a site: every pod its nodes may run, and the nodes. */
export function kubeStateMetricsSeries(site: ResolvedSiteSpec): number {
  const pods = site.nodes.reduce((sum, n) => sum + tierProfile(n.tier).kubelet.maxPods, 0);
  return KUBE_STATE_METRICS_SERIES.perPod * pods + KUBE_STATE_METRICS_SERIES.perNode * site.nodes.length;
}

/** What the WAL size is derived from. */
export interface AgentWalInput {
  readonly site: ResolvedSiteSpec;
  /** The global scrape interval, a Prometheus duration. */
  readonly scrapeInterval: string;
  /** `--storage.agent.retention.max-time`, a Prometheus duration. */
  readonly retention: string;
  /** The registered targets (their own interval, replicas and series). */
  readonly targets: readonly ScrapeTarget[];
}

/**
 * Bytes the agent's WAL may take at its peak during an outage of `retention`:
 * `series × (retention + truncate frequency) / interval × 14 B × 5/3 + series × 256 B × 2`,
 * summed over the agent itself, node-exporter on every node and every registered target.
 * Pods scraped through the `prometheus.io/scrape` annotation are not counted (the library
 * cannot know them): give `storage.size` when the site's own apps add many series.
 */
export function agentWalBytes(input: AgentWalInput): number {
  const interval = parsePrometheusDurationSeconds(input.scrapeInterval)!;
  const window = parsePrometheusDurationSeconds(input.retention)! + WAL_TRUNCATE_FREQUENCY_SECONDS;
  const jobs: { series: number; interval: number }[] = [
    { series: PROMETHEUS_SELF_SERIES, interval },
    ...input.site.nodes.map((n) => ({ series: nodeExporterSeries(n), interval })),
    ...input.targets.map((t) => ({
      series: (t.replicas ?? 1) * (t.seriesPerReplica ?? DEFAULT_SERIES_PER_TARGET),
      interval: t.interval !== undefined ? parsePrometheusDurationSeconds(t.interval)! : interval,
    })),
  ];
  const samples = jobs.reduce((sum, j) => sum + j.series * Math.ceil(window / j.interval), 0);
  const series = jobs.reduce((sum, j) => sum + j.series, 0);
  return Math.ceil(samples * WAL_BYTES_PER_SAMPLE * WAL_CHECKPOINT_PEAK + series * WAL_BYTES_PER_SERIES_RECORD * 2);
}

/** The WAL volume for `agentWalBytes`, as a Kubernetes quantity rounded up to 64Mi. */
export function agentWalSize(input: AgentWalInput): string {
  const step = 64 * 2 ** 20;
  return `${(Math.ceil(agentWalBytes(input) / step) * step) / 2 ** 20}Mi`;
}

/** The StorageClass k3s bundles (its `local-storage` component, `rancher.io/local-path`). */
export const K3S_LOCAL_PATH_CLASS = 'local-path';

/**
 * The StorageClass the agent's WAL gets when the user names none: k3s's bundled
 * `local-path` when the site's cluster is a k3s of its own with that component, else
 * none (a kubelet-server cluster or a hub-joined site has no class the library knows of).
 */
export function defaultWalStorageClass(site: ResolvedSiteSpec): string | undefined {
  if (joinsHubControlPlane(site)) return undefined;
  if (!site.nodes.some((n) => n.role === 'server' && n.runtime === 'k3s')) return undefined;
  return site.cluster.disable.includes('local-storage') ? undefined : K3S_LOCAL_PATH_CLASS;
}
