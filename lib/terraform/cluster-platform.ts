/**
 * The typed description of what a cluster's platform layer runs, independent of
 * cdktf: the Terraform stacks read it, `platformFromSite()` derives it from a site,
 * and the inventory reader checks it with the same rules as the stacks.
 */

/** The CNI a site runs: k3s's bundled flannel, or Cilium installed by the platform layer. */
export type PlatformCni = 'flannel' | 'cilium';
/** Every platform CNI. */
export const PLATFORM_CNIS: readonly PlatformCni[] = ['flannel', 'cilium'];

/**
 * SPIRE's share of a site's platform layer: the CRDs chart, then the main chart with
 * only the SPIFFE CSI driver enabled. The site's SpireEdge component runs the server,
 * agents and controller manager from the site's manifests; they need the CRDs
 * (ClusterSPIFFEID) and restricted pods mount the Workload API through the driver.
 */
export interface SpirePlatformOptions {
  /** The SPIFFE trust domain, e.g. `edge.example.com` (the site's SpireEdge trust domain). */
  readonly trustDomain: string;
  /**
   * Name of the cluster in SPIRE.
   * @default - the site name
   */
  readonly clusterName?: string;
  /**
   * Host directory of the agent's Workload API socket (`spire-agent.sock`) the driver mounts.
   * @default '/run/spire/agent-sockets'
   */
  readonly socketHostPath?: string;
}

/** How the platform layer serves a site's monitoring. */
export type PlatformMonitoringMode = 'operator' | 'kube-prometheus-stack';
/** Every platform monitoring mode. */
export const PLATFORM_MONITORING_MODES: readonly PlatformMonitoringMode[] = ['operator', 'kube-prometheus-stack'];

/** The monitoring part of the platform layer (kube-prometheus-stack chart). */
export interface MonitoringPlatformOptions {
  /**
   * `operator`: the Prometheus Operator and its CRDs only, the lean setup for sites whose
   * EdgeMonitoring runs its own Prometheus (agent) and emits ServiceMonitors;
   * `kube-prometheus-stack`: the operator plus a Prometheus server, kube-state-metrics and
   * node-exporter (Grafana and Alertmanager stay in the cloud).
   * @default 'operator'
   */
  readonly mode?: PlatformMonitoringMode;
  /**
   * How long the Prometheus server keeps samples (`kube-prometheus-stack` mode only), a Prometheus duration.
   * @default '2d'
   */
  readonly retention?: string;
  /**
   * Labels the Prometheus server selects ServiceMonitors, PodMonitors and
   * PrometheusRules by, in every namespace (`kube-prometheus-stack` mode only); the
   * site's `operatorLabels`. An empty map selects every one.
   * @default - the chart's own selection: objects labelled `release: kube-prometheus-stack`
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /**
   * Run the chart's kube-state-metrics and node-exporter (`kube-prometheus-stack` mode
   * only). Off when the site's EdgeMonitoring runs its own (two node-exporters would
   * both bind port 9100 of the host).
   * @default true
   */
  readonly exporters?: boolean;
}

/** Longhorn on a site. */
export interface LonghornPlatformOptions {
  /** How many replicas Longhorn keeps of each volume, from 1 to the site's node count. */
  readonly replicaCount: number;
}

/**
 * NVIDIA's device plugin on a site's GPU nodes: without it no node advertises
 * `nvidia.com/gpu`, and every pod that requests one stays Pending.
 */
export interface NvidiaDevicePluginOptions {
  /**
   * Node labels that pick the GPU nodes (the plugin's DaemonSet runs only there).
   * @default { accelerator: 'nvidia-gpu' } - the label every node with an `nvidia-gpu` accelerator registers with
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * RuntimeClass of the plugin's pods, which must run under the NVIDIA container runtime to
   * see the driver: `nvidia` on k3s, whose servers create that RuntimeClass.
   * @default - none: the node's default runtime, which must then be NVIDIA's (set it so on plain-kubelet nodes)
   */
  readonly runtimeClassName?: string;
}

/** A Pods metric that HPAs of the site scale on, served by the custom-metrics adapter. */
export interface CustomMetricRule {
  /** Name of the Prometheus series and of the metric the HPA asks for, e.g. `inference_queue_length`. */
  readonly metric: string;
}

/**
 * prometheus-adapter, serving `custom.metrics.k8s.io` from the site's Prometheus
 * server: the HPAs of the site that scale on Pods or Object metrics need it.
 */
export interface CustomMetricsPlatformOptions {
  /** In-cluster URL of a Prometheus that answers queries (a server, not an agent), without the port, e.g. `http://prometheus.monitoring.svc`. */
  readonly prometheusUrl: string;
  /** Port of that Prometheus. */
  readonly prometheusPort: number;
  /** The metrics to expose, one rule each; at least one. */
  readonly rules: readonly CustomMetricRule[];
}

/** The Git repository a site's GitOps agent pulls (for Flux). */
export interface FluxAgentOptions {
  /** Repository URL (`https://…` or `ssh://…`), no credentials in it. */
  readonly url: string;
  /**
   * Branch to follow.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Folder of the repository holding the synthesized output (what `dist/` holds); `.` for the root.
   * The bootstrap Kustomization applies `<path>/gitops/flux/<site>`, the site's own
   * GitRepository and Kustomization, which then apply `<path>/sites/<site>`.
   * @default 'dist'
   */
  readonly path?: string;
  /**
   * Name of an existing Secret in `flux-system` with the repository credentials (only the name is written).
   * @default - none: a public repository
   */
  readonly secretName?: string;
  /**
   * How often the repository is fetched (a Go duration).
   * @default - the site's sync interval
   */
  readonly interval?: string;
  /**
   * Timeout of one fetch, generous for slow links (a Go duration).
   * @default '2m'
   */
  readonly timeout?: string;
}

/** Registration of a site's Fleet agent with the hub's Fleet manager (agent-initiated). */
export interface FleetAgentOptions {
  /** URL of the hub cluster's Kubernetes API, where the Fleet manager runs. */
  readonly apiServerUrl: string;
  /**
   * Fleet workspace (namespace) the site's Cluster is registered in on the hub.
   * @default 'fleet-default'
   */
  readonly clusterNamespace?: string;
  /**
   * Client ID of the site's Cluster on the hub.
   * @default - the site name
   */
  readonly clientId?: string;
  /**
   * Labels the Cluster gets on registration (besides `edge.site`), so GitRepo targets match it.
   * @default - none; `terraformFiles` gives `edge.tier`, and `topology.kubernetes.io/region` when the site has a region
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Revision of the registration token. The token reaches Helm write-only (never kept in
   * Terraform's state), so Terraform cannot see it change: raise this number, in review,
   * with the apply that supplies a new token.
   * @default 1
   */
  readonly tokenRevision?: number;
}

/** The GitOps agent that pulls a site's folder. */
export type GitOpsAgentKind = 'fleet' | 'flux';
/** Every GitOps agent kind. */
export const GITOPS_AGENT_KINDS: readonly GitOpsAgentKind[] = ['fleet', 'flux'];

/** The GitOps agent of a site and what it needs. */
export interface GitOpsAgentOptions {
  /** `fleet` (Rancher Fleet agent, registered with the hub) or `flux` (Flux controllers and a bootstrap sync). */
  readonly kind: GitOpsAgentKind;
  /** Flux settings; required with `flux`. @default - none */
  readonly flux?: FluxAgentOptions;
  /** Fleet registration; required with `fleet`. @default - none */
  readonly fleet?: FleetAgentOptions;
}

/** What a cluster's platform layer runs. */
export interface ClusterPlatform {
  /** The CNI: `flannel` is k3s's own (nothing to install), `cilium` is installed first. */
  readonly cni: PlatformCni;
  /** Number of nodes of the cluster: sizes replicated controllers and bounds Longhorn's replicas. */
  readonly nodeCount: number;
  /** Install cert-manager with its CRDs. */
  readonly certManager: boolean;
  /** SPIRE. @default - none */
  readonly spire?: SpirePlatformOptions;
  /** The monitoring stack. @default - none */
  readonly monitoring?: MonitoringPlatformOptions;
  /** Longhorn. @default - none */
  readonly longhorn?: LonghornPlatformOptions;
  /**
   * Install Falco from its chart. Not together with the site's RuntimeSecurity component,
   * which runs Falco from the site's manifests: every node would run it twice.
   * @default false
   */
  readonly falco?: boolean;
  /** NVIDIA's device plugin, for sites with NVIDIA GPU nodes. @default - none */
  readonly nvidiaDevicePlugin?: NvidiaDevicePluginOptions;
  /** The custom-metrics adapter, for sites whose HPAs scale on Pods or Object metrics. @default - none */
  readonly customMetrics?: CustomMetricsPlatformOptions;
  /** The GitOps agent. @default - none: the site folder is applied some other way */
  readonly gitopsAgent?: GitOpsAgentOptions;
}

/** How Terraform reaches a cluster's Kubernetes API. */
export interface ClusterAccess {
  /**
   * Terraform runs inside the cluster and uses its pod's service account; no kubeconfig.
   * @default false
   */
  readonly inCluster?: boolean;
  /**
   * Path of the kubeconfig file where Terraform runs (`~` allowed), not on the synthesizing machine.
   * @default '~/.kube/config'
   */
  readonly kubeconfig?: string;
  /** The kubeconfig context of the cluster; required unless `inCluster`. @default - none */
  readonly context?: string;
}

/** Where a stack keeps its Terraform state. */
export type BackendKind = 'local' | 's3' | 'gcs' | 'http';
/** Every backend kind. */
export const BACKEND_KINDS: readonly BackendKind[] = ['local', 's3', 'gcs', 'http'];

/**
 * A stack's state backend. Credentials are never written: S3 and GCS read them from
 * the environment, HTTP from `TF_HTTP_USERNAME`/`TF_HTTP_PASSWORD`.
 */
export interface TerraformBackendOptions {
  /**
   * `local` (a state file next to the stack's `cdk.tf.json`), `s3`, `gcs` or `http`.
   * @default 'local'
   */
  readonly kind?: BackendKind;
  /**
   * `local`: state file path relative to the stack folder (never absolute).
   * @default 'terraform.tfstate'
   */
  readonly path?: string;
  /** `s3`, `gcs`: the bucket. @default - none */
  readonly bucket?: string;
  /**
   * `s3`: key prefix; each stack's state is `<prefix><stack>/terraform.tfstate`.
   * `gcs`: object prefix; each stack's state is under `<prefix><stack>`.
   * @default 'cdk8s-edge/'
   */
  readonly prefix?: string;
  /** `s3`: the bucket's region. @default - none */
  readonly region?: string;
  /**
   * `s3`: lock the state with a lock file in the bucket (Terraform 1.10 or newer).
   * @default true
   */
  readonly useLockfile?: boolean;
  /**
   * `http`: base URL of the state service; each stack's state is `<address>/<stack>`.
   * @default - none
   */
  readonly address?: string;
}

/** What every stack of the platform layer takes besides its platform: the inventory's `terraform:` block holds these. */
export interface TerraformStackOptions {
  /**
   * Where the stack keeps its state.
   * @default - local, `terraform.tfstate` in the stack's folder
   */
  readonly backend?: TerraformBackendOptions;
  /**
   * Helm settings of every release.
   * @default - 1800 s timeout, atomic, 5 revisions kept
   */
  readonly releases?: ReleaseSettings;
  /**
   * Chart versions that replace the pinned ones of `versions.ts`, by chart key (exact versions only).
   * @default - the pinned versions
   */
  readonly chartVersions?: Readonly<Record<string, string>>;
}

/** Helm settings of every release, chosen for slow and flaky edge uplinks. */
export interface ReleaseSettings {
  /**
   * Seconds Helm waits for a release's resources to become ready (image pulls over a slow link).
   * @default 1800
   */
  readonly timeoutSeconds?: number;
  /**
   * Roll a failed install or upgrade back, so a site never stays half upgraded.
   * @default true
   */
  readonly atomic?: boolean;
  /**
   * Release revisions Helm keeps per release.
   * @default 5
   */
  readonly maxHistory?: number;
}
