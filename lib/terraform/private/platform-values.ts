import type {
  ClusterPlatform, FleetAgentOptions, FluxAgentOptions, LonghornPlatformOptions, MonitoringPlatformOptions, SpirePlatformOptions,
} from '../cluster-platform';

/**
 * The Helm values of each site release, as typed objects: only the keys we set, each
 * checked against the chart's values.yaml of the pinned version. They are JSON-encoded
 * into `values` (JSON is YAML), never assembled from strings.
 */

/** A Kubernetes resource request or limit pair. */
export interface ResourceValues {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits?: { readonly memory: string };
}

export interface CiliumValues {
  /** k3s keeps kube-proxy (only flannel and its policy controller are off), so Cilium does not replace it. */
  readonly kubeProxyReplacement: false;
  /** Pod CIDRs from the node objects (k3s's cluster-cidr), never Cilium's 10.0.0.0/8 pool that may clash with site LANs. */
  readonly ipam: { readonly mode: 'kubernetes' };
  /** The operator's replicas must fit the nodes: a second replica on a one-node site stays Pending and fails `wait`. */
  readonly operator: { readonly replicas: number };
  readonly hubble: { readonly relay: { readonly enabled: false }; readonly ui: { readonly enabled: false } };
  readonly resources: ResourceValues;
}

export function ciliumValues(platform: ClusterPlatform): CiliumValues {
  return {
    kubeProxyReplacement: false,
    ipam: { mode: 'kubernetes' },
    operator: { replicas: Math.min(2, platform.nodeCount) },
    hubble: { relay: { enabled: false }, ui: { enabled: false } },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  };
}

export interface CertManagerValues {
  /** The chart installs the CRDs and keeps them on uninstall (deleting them would delete every Certificate). */
  readonly crds: { readonly enabled: true; readonly keep: true };
  readonly replicaCount: 1;
  readonly webhook: { readonly replicaCount: 1 };
  readonly cainjector: { readonly replicaCount: 1 };
}

export function certManagerValues(): CertManagerValues {
  return { crds: { enabled: true, keep: true }, replicaCount: 1, webhook: { replicaCount: 1 }, cainjector: { replicaCount: 1 } };
}

export interface SpireValues {
  readonly 'global': { readonly spire: { readonly trustDomain: string; readonly clusterName: string } };
  readonly 'spire-server': {
    readonly enabled: boolean;
    readonly upstreamAuthority?: { readonly certManager: { readonly enabled: true } };
    readonly service?: { readonly type: string };
  };
  readonly 'spire-agent': { readonly enabled: boolean };
  readonly 'spiffe-csi-driver': { readonly enabled: true; readonly agentSocketPath?: string };
  /** Edge sites serve no OIDC discovery, and the hub needs none for its agents. */
  readonly 'spiffe-oidc-discovery-provider': { readonly enabled: false };
}

/** At a site, the chart brings the SPIFFE CSI driver only: SpireEdge runs the server and agents. */
export function spireValues(spire: SpirePlatformOptions, siteName: string): SpireValues {
  return {
    'global': { spire: { trustDomain: spire.trustDomain, clusterName: spire.clusterName ?? siteName } },
    'spire-server': { enabled: false },
    'spire-agent': { enabled: false },
    'spiffe-csi-driver': { enabled: true, agentSocketPath: `${spire.socketHostPath ?? '/run/spire/agent-sockets'}/spire-agent.sock` },
    'spiffe-oidc-discovery-provider': { enabled: false },
  };
}

/** A label selector of the Prometheus CR the chart renders. */
export interface LabelSelectorValues {
  readonly matchLabels: Readonly<Record<string, string>>;
}

/** `prometheus.prometheusSpec` keys of kube-prometheus-stack 88.5.3 (../shared/charts/kube-prometheus-stack/88.5.3/values.yaml, from line 4216). */
export interface PrometheusSpecValues {
  readonly retention: string;
  readonly replicas: 1;
  readonly serviceMonitorSelectorNilUsesHelmValues?: false;
  readonly serviceMonitorSelector?: LabelSelectorValues;
  readonly podMonitorSelectorNilUsesHelmValues?: false;
  readonly podMonitorSelector?: LabelSelectorValues;
  readonly ruleSelectorNilUsesHelmValues?: false;
  readonly ruleSelector?: LabelSelectorValues;
}

export interface KubePrometheusStackValues {
  /** Off: its CRDs are in the subchart's `crds/`, which Helm never upgrades; `prometheus-operator-crds` serves them. */
  readonly crds: { readonly enabled: false };
  readonly prometheusOperator: { readonly enabled: true };
  readonly prometheus: { readonly enabled: boolean; readonly prometheusSpec?: PrometheusSpecValues };
  readonly alertmanager: { readonly enabled: false };
  readonly grafana: { readonly enabled: false };
  readonly kubeStateMetrics: { readonly enabled: boolean };
  readonly nodeExporter: { readonly enabled: boolean };
  readonly defaultRules: { readonly create: boolean };
  /** k3s runs these inside its own process: there is nothing to scrape at their usual ports. */
  readonly kubeControllerManager: { readonly enabled: false };
  readonly kubeScheduler: { readonly enabled: false };
  readonly kubeEtcd: { readonly enabled: false };
  readonly kubeProxy: { readonly enabled: false };
}

export function kubePrometheusStackValues(monitoring: MonitoringPlatformOptions): KubePrometheusStackValues {
  const full = (monitoring.mode ?? 'operator') === 'kube-prometheus-stack';
  const exporters = full && (monitoring.exporters ?? true);
  const labels = monitoring.selectorLabels;
  // With NilUsesHelmValues false the selectors below are used as given (an empty one selects everything);
  // the namespace selectors keep the chart's default {}, every namespace.
  const selectors = labels === undefined ? {} : {
    serviceMonitorSelectorNilUsesHelmValues: false as const, serviceMonitorSelector: { matchLabels: { ...labels } },
    podMonitorSelectorNilUsesHelmValues: false as const, podMonitorSelector: { matchLabels: { ...labels } },
    ruleSelectorNilUsesHelmValues: false as const, ruleSelector: { matchLabels: { ...labels } },
  };
  return {
    crds: { enabled: false },
    prometheusOperator: { enabled: true },
    prometheus: full ? { enabled: true, prometheusSpec: { retention: monitoring.retention ?? '2d', replicas: 1, ...selectors } } : { enabled: false },
    alertmanager: { enabled: false },
    grafana: { enabled: false },
    kubeStateMetrics: { enabled: exporters },
    nodeExporter: { enabled: exporters },
    defaultRules: { create: full },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
  };
}

export interface PrometheusOperatorCrdsValues {
  /** Kept on uninstall: deleting the CRDs would delete every ServiceMonitor and rule with them (`crds.annotations`, values.yaml 31.0.1). */
  readonly crds: { readonly annotations: { readonly 'helm.sh/resource-policy': 'keep' } };
}

export function prometheusOperatorCrdsValues(): PrometheusOperatorCrdsValues {
  return { crds: { annotations: { 'helm.sh/resource-policy': 'keep' } } };
}

export interface LonghornValues {
  /** The site's LocalStorage makes its own StorageClass; the chart's must not become the default. */
  readonly persistence: { readonly defaultClass: false; readonly defaultClassReplicaCount: number };
  /** Longhorn 1.10+ takes the count per data engine as a JSON string. */
  readonly defaultSettings: { readonly defaultReplicaCount: string };
  readonly csi: {
    readonly attacherReplicaCount: number;
    readonly provisionerReplicaCount: number;
    readonly resizerReplicaCount: number;
    readonly snapshotterReplicaCount: number;
  };
  readonly longhornUI: { readonly replicas: 1 };
}

export function longhornValues(longhorn: LonghornPlatformOptions, nodeCount: number): LonghornValues {
  const count = String(longhorn.replicaCount);
  const csi = Math.min(3, nodeCount);
  return {
    persistence: { defaultClass: false, defaultClassReplicaCount: longhorn.replicaCount },
    defaultSettings: { defaultReplicaCount: JSON.stringify({ v1: count, v2: count }) },
    csi: { attacherReplicaCount: csi, provisionerReplicaCount: csi, resizerReplicaCount: csi, snapshotterReplicaCount: csi },
    longhornUI: { replicas: 1 },
  };
}

export interface FalcoValues {
  /** The modern eBPF probe is built into Falco: no kernel module or driver download over the uplink. */
  readonly driver: { readonly kind: 'modern_ebpf' };
  readonly tty: true;
  readonly falco: { readonly json_output: true };
  readonly falcosidekick: { readonly enabled: false };
}

export function falcoValues(): FalcoValues {
  return { driver: { kind: 'modern_ebpf' }, tty: true, falco: { json_output: true }, falcosidekick: { enabled: false } };
}

export interface Flux2Values {
  /** Sites only apply Kustomizations from Git; the other controllers would cost memory for nothing. */
  readonly helmController: { readonly create: false };
  readonly imageAutomationController: { readonly create: false };
  readonly imageReflectionController: { readonly create: false };
  readonly notificationController: { readonly create: false };
}

export function flux2Values(): Flux2Values {
  return {
    helmController: { create: false },
    imageAutomationController: { create: false },
    imageReflectionController: { create: false },
    notificationController: { create: false },
  };
}

export interface FluxSyncValues {
  readonly gitRepository: {
    readonly spec: {
      readonly url: string;
      readonly ref: { readonly branch: string };
      readonly interval: string;
      readonly timeout: string;
      readonly secretRef?: { readonly name: string };
    };
  };
  readonly kustomization: {
    readonly spec: { readonly path: string; readonly prune: true; readonly interval: string; readonly retryInterval: string; readonly timeout: string };
  };
}

/** The bootstrap sync applies the site's own Flux objects (`gitops/flux/<site>`), which then apply its folder. */
/** The bootstrap sync of `gitops/flux/<folder>`: a site's own folder, or the hub's (`_hub`) listing the sites on its control plane. */
export function fluxSyncValues(flux: FluxAgentOptions, folder: string, defaultInterval: string): FluxSyncValues {
  const root = flux.path ?? 'dist';
  const path = root === '.' ? `./gitops/flux/${folder}` : `./${root}/gitops/flux/${folder}`;
  return {
    gitRepository: {
      spec: {
        url: flux.url,
        ref: { branch: flux.branch ?? 'main' },
        interval: flux.interval ?? defaultInterval,
        timeout: flux.timeout ?? '2m',
        ...(flux.secretName !== undefined ? { secretRef: { name: flux.secretName } } : {}),
      },
    },
    kustomization: { spec: { path, prune: true, interval: '10m', retryInterval: '2m', timeout: '5m' } },
  };
}

export interface FleetAgentValues {
  readonly apiServerURL: string;
  readonly clusterNamespace: string;
  readonly clientID: string;
  readonly labels: Readonly<Record<string, string>>;
}

export function fleetAgentValues(fleet: FleetAgentOptions, siteName: string): FleetAgentValues {
  return {
    apiServerURL: fleet.apiServerUrl,
    clusterNamespace: fleet.clusterNamespace ?? 'fleet-default',
    clientID: fleet.clientId ?? siteName,
    labels: { ...fleet.labels, 'edge.site': siteName },
  };
}
