import type { AppResources, SecretKeyReference } from '../core/site/edge-app';
import type { Tier } from '../core/spec/tier';

/**
 * The options of a site's monitoring, as written under `components.monitoring`
 * in the inventory or passed to `EdgeMonitoring`. Kept apart from the construct so
 * the inventory reader and the rules can use them without the construct.
 */

/** How the site's Prometheus keeps what it scrapes. */
export type PrometheusMode = 'agent' | 'server';

/** Where the site's Prometheus sends its samples. */
export interface RemoteWriteOptions {
  /** The cloud's remote-write endpoint, e.g. `https://metrics.example.com/api/v1/write`. */
  readonly url: string;
  /**
   * Allow a plain `http://` URL (for a site-local proxy that terminates TLS).
   * @default false
   */
  readonly allowInsecure?: boolean;
  /**
   * A bearer token in an existing Secret of the `monitoring` namespace, mounted as
   * a file (the token never enters the output).
   * @default - no authorization header
   */
  readonly bearerTokenSecret?: SecretKeyReference;
}

/** Where Fluent Bit ships the site's container logs. */
export interface MonitoringLogsOptions {
  /**
   * `http` (Fluent Bit's HTTP output, JSON lines) or `forward` (the Fluentd forward protocol).
   * @default 'http'
   */
  readonly output?: 'http' | 'forward';
  /**
   * The cloud endpoint: `https://host[:port]/path` for `http`, `tls://host[:port]`
   * for `forward` (port 24224 when none is given).
   */
  readonly url: string;
  /**
   * Allow an endpoint without TLS (`http://` or `tcp://`).
   * @default false
   */
  readonly allowInsecure?: boolean;
  /**
   * A credential in an existing Secret of the `monitoring` namespace, passed as an
   * environment variable: the bearer token of the `http` output, or the shared key
   * of the `forward` output.
   * @default - none
   */
  readonly authSecret?: SecretKeyReference;
  /**
   * Most log data each node keeps on its disk while the uplink is down (a
   * Kubernetes quantity); the oldest chunks are dropped beyond it.
   * @default - by the site's tier: micro 256Mi, mini 1Gi, standard and mec 2Gi
   */
  readonly bufferLimit?: string;
  /** Requests and limits of the Fluent Bit container. @default - the site tier's budget */
  readonly resources?: AppResources;
}

/** Alert thresholds; percentages are from 0 to 100. */
export interface MonitoringAlertOptions {
  /** CPU busy percentage of a node that fires `EdgeNodeHighCpu`. @default 80 */
  readonly cpuPercent?: number;
  /** Memory used percentage of a node that fires `EdgeNodeHighMemory`. @default 85 */
  readonly memoryPercent?: number;
  /** Used percentage of a node filesystem that fires `EdgeNodeFilesystemFull`. @default 85 */
  readonly filesystemPercent?: number;
  /**
   * How far remote write may fall behind before `EdgeCloudSyncLag` fires (a Prometheus duration).
   * @default '15m'
   */
  readonly syncLag?: string;
  /**
   * How long a condition must hold before its alert fires (a Prometheus duration).
   * @default '5m'
   */
  readonly for?: string;
}

/** Where the site's Prometheus keeps its WAL or TSDB. */
export interface PrometheusStorageOptions {
  /**
   * Size of the volume (a Kubernetes quantity).
   *
   * An agent's default is what its WAL holds at its peak during an outage of `retention`:
   * `Σ series × ceil((retention + 2h) / interval) × 14 B × 5/3 + Σ series × 512 B`, rounded
   * up to 64Mi, summed over the agent itself (1000 series), node-exporter on every node
   * (200 + 10 per CPU + 17 per network device, one per pod the tier allows plus 4, + 7 per
   * filesystem) and every registered target (`replicas × seriesPerReplica`; kube-state-metrics
   * 60 per pod the nodes allow + 50 per node). 2h is the agent's WAL truncation period, 14 B a
   * WAL sample record's uncompressed size per sample, 5/3 the checkpoint written beside the
   * segments it replaces (Prometheus v3.5.0 `tsdb/agent/db.go`, `tsdb/docs/format/wal.md`).
   * @default - server: by the Prometheus tier (micro 1Gi, mini 2Gi, standard and mec 5Gi);
   * agent: the WAL's peak during an outage of `retention` at the site's scrape volume
   */
  readonly size?: string;
  /**
   * StorageClass of a PersistentVolumeClaim for the data. Without one, a server keeps its
   * TSDB in an emptyDir, which survives container restarts but not a rescheduled pod; an
   * agent keeps its WAL (the outage buffer) on k3s's bundled `local-path` class when the
   * site's cluster has it, and in an emptyDir of the WAL's size only where no class is known
   * (kubelet-server clusters, sites that join the hub's control plane): name one there.
   * @default - server: an emptyDir of `size`; agent: `local-path` on a k3s cluster of the
   * site's own, else an emptyDir of `size`
   */
  readonly storageClassName?: string;
}

/** What a site's monitoring runs and where it sends data; shared by `EdgeMonitoring` and the inventory. */
export interface EdgeMonitoringOptions {
  /**
   * `agent`: Prometheus in agent mode, forwarding everything by remote write and
   * keeping unsent samples in its WAL while offline; `server`: full Prometheus with
   * local retention (remote write optional).
   * @default 'agent'
   */
  readonly mode?: PrometheusMode;
  /** Remote write to the cloud; required in `agent` mode. @default - none */
  readonly remoteWrite?: RemoteWriteOptions;
  /**
   * How often every target is scraped (a Prometheus duration).
   * @default '30s'
   */
  readonly scrapeInterval?: string;
  /**
   * `server`: how long the local TSDB keeps samples. `agent`: the most time an
   * unsent sample stays in the WAL while the uplink is down. A Prometheus duration.
   * @default - '15d' in server mode; the site's offline tolerance in agent mode
   */
  readonly retention?: string;
  /** The Prometheus data volume. @default - see `PrometheusStorageOptions` */
  readonly storage?: PrometheusStorageOptions;
  /**
   * Tier whose nodes run Prometheus.
   * @default - the tier of `node` when given, else the site's tier
   */
  readonly tier?: Tier;
  /** Pin Prometheus to one node of the site. @default - any node of the tier */
  readonly node?: string;
  /** Requests and limits of the Prometheus container. @default - the tier's budget */
  readonly resources?: AppResources;
  /** Ship container logs with Fluent Bit. @default - no log shipping */
  readonly logs?: MonitoringLogsOptions;
  /** Alert thresholds of the PrometheusRule. @default - the defaults of each threshold */
  readonly alerts?: MonitoringAlertOptions;
  /**
   * Also run an operator-managed Prometheus on the site and describe every scrape
   * target to it: ServiceMonitors, PodMonitors and the PrometheusRule with the
   * site's alerts, which that Prometheus then evaluates (instead of the site's own
   * Prometheus or the hub). `platformFromSite` installs it (kube-prometheus-stack with
   * the operator and one Prometheus selecting `operatorLabels`). Without it no
   * operator object is written: nothing would act on them.
   * @default false
   */
  readonly prometheusOperator?: boolean;
  /**
   * Labels on the Prometheus Operator objects, which the operator-managed Prometheus
   * selects them by (e.g. `release: kube-prometheus-stack`). Only with `prometheusOperator: true`.
   * @default - none: that Prometheus selects every monitor and rule
   */
  readonly operatorLabels?: Readonly<Record<string, string>>;
  /**
   * Emit the edge-overview Grafana dashboard as a ConfigMap labelled
   * `grafana_dashboard: "1"` for a Grafana dashboard sidecar on the site's cluster.
   * The platform layer runs no Grafana (dashboards live where the hub's data is), so
   * turn it on only where you run one (declare it as a prerequisite of the site).
   * @default false
   */
  readonly dashboard?: boolean;
}

/**
 * A metrics endpoint another construct registers with the site's monitoring
 * (`EdgeMonitoring.registerScrapeTarget()`): the site's Prometheus scrapes it, a
 * ServiceMonitor or PodMonitor describes it to a Prometheus Operator, and
 * NetworkPolicies open the path from Prometheus to the pods.
 */
export interface ScrapeTarget {
  /** Name of the target (DNS-1123 label), unique per namespace; names the monitor objects and the scrape job. */
  readonly name: string;
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels that select the pods (and the Service, when there is one). */
  readonly selector: Readonly<Record<string, string>>;
  /** Name of the container port (and Service port) that serves the metrics. */
  readonly port: string;
  /** Number of that container port, for the NetworkPolicies. */
  readonly portNumber: number;
  /**
   * HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Whether a Service carrying the `selector` labels exposes the port: a
   * ServiceMonitor is emitted then, a PodMonitor otherwise.
   * @default false
   */
  readonly service?: boolean;
  /**
   * Scrape interval of this target (a Prometheus duration).
   * @default - the site's scrape interval
   */
  readonly interval?: string;
  /**
   * Keep the `namespace`, `pod` and `node` labels the target itself reports, for an
   * exporter that describes other objects (kube-state-metrics); otherwise they are
   * the scraped pod's own.
   * @default false
   */
  readonly honorLabels?: boolean;
  /**
   * How many pods serve the target at most (a DaemonSet's: the site's nodes), for the size
   * of an agent's WAL.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How many series each pod reports at most, for the size of an agent's WAL.
   * @default 1000
   */
  readonly seriesPerReplica?: number;
}
