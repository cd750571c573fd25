/**
 * Every version the platform layer pins, in one reviewed place: a platform upgrade
 * is a one-line change here, visible in review, and the only one a fleet needs.
 * Chart versions are exact (no ranges): Terraform then installs the same chart on
 * every site, and `terraform plan` shows an upgrade only when this file changes.
 */

/** Where a chart comes from. */
export interface ChartSource {
  /** Chart name in its repository. */
  readonly chart: string;
  /**
   * URL of the Helm repository.
   * @default - none: the user names the repository (the chart is not published upstream)
   */
  readonly repository?: string;
  /** Exact chart version. */
  readonly version: string;
}

/**
 * The charts of the platform layer. Keys are the names used in the inventory
 * (`terraform.chartVersions`) and in error messages.
 */
export const CHARTS = {
  /** Cilium CNI (https://helm.cilium.io). */
  'cilium': { chart: 'cilium', repository: 'https://helm.cilium.io', version: '1.18.6' },
  /** cert-manager with its CRDs (Jetstack). */
  'cert-manager': { chart: 'cert-manager', repository: 'https://charts.jetstack.io', version: 'v1.19.1' },
  /** SPIRE CRDs (SPIFFE hardened charts), installed before `spire`. */
  'spire-crds': { chart: 'spire-crds', repository: 'https://spiffe.github.io/helm-charts-hardened', version: '0.5.0' },
  /** SPIRE (SPIFFE hardened charts): the SPIFFE CSI driver at sites (SpireEdge runs the rest), the server at the hub. */
  'spire': { chart: 'spire', repository: 'https://spiffe.github.io/helm-charts-hardened', version: '0.29.0' },
  /**
   * The Prometheus Operator's CRDs as templates (prometheus-community), installed before
   * `kube-prometheus-stack` (which then has `crds.enabled: false`): Helm never upgrades a
   * chart's `crds/` folder, but it does upgrade templates. Pin the release whose appVersion
   * is the stack's operator (31.0.1 and 88.5.3 both carry v0.93.1, ../shared/charts).
   */
  'prometheus-operator-crds': { chart: 'prometheus-operator-crds', repository: 'https://prometheus-community.github.io/helm-charts', version: '31.0.1' },
  /** Prometheus Operator and optionally the whole monitoring stack (its CRDs come from `prometheus-operator-crds`). */
  'kube-prometheus-stack': { chart: 'kube-prometheus-stack', repository: 'https://prometheus-community.github.io/helm-charts', version: '88.5.3' },
  /** Longhorn replicated block storage. */
  'longhorn': { chart: 'longhorn', repository: 'https://charts.longhorn.io', version: '1.11.0' },
  /** Falco runtime security (modern eBPF probe). */
  'falco': { chart: 'falco', repository: 'https://falcosecurity.github.io/charts', version: '9.1.0' },
  /**
   * Flux controllers (fluxcd-community). 2.18.3 runs Flux 2.8 (flux-cli v2.8.5), serving
   * GitRepository, Kustomization and OCIRepository at v1 (the chart's CRD templates).
   */
  'flux2': { chart: 'flux2', repository: 'https://fluxcd-community.github.io/helm-charts', version: '2.18.3' },
  /** The GitRepository and Kustomization that bootstrap a site's Flux (fluxcd-community). */
  'flux2-sync': { chart: 'flux2-sync', repository: 'https://fluxcd-community.github.io/helm-charts', version: '1.14.5' },
  /** Rancher Fleet agent, registering the site with the hub's Fleet manager. */
  'fleet-agent': { chart: 'fleet-agent', repository: 'https://rancher.github.io/fleet-helm-charts/', version: '0.13.2' },
  /** Rancher Fleet CRDs, on the hub. */
  'fleet-crd': { chart: 'fleet-crd', repository: 'https://rancher.github.io/fleet-helm-charts/', version: '0.13.2' },
  /** Rancher Fleet manager, on the hub. */
  'fleet': { chart: 'fleet', repository: 'https://rancher.github.io/fleet-helm-charts/', version: '0.13.2' },
  /**
   * KubeEdge CloudCore, on the hub. The chart lives in the KubeEdge repository
   * (`manifests/charts/cloudcore`) and is not published to a Helm repository, so the
   * user names the repository they mirror it to. Its version is its KubeEdge
   * release: Chart.yaml of kubeedge v1.21.0 has `version: 1.21.0`, `appVersion:
   * 1.21.0` (../shared/charts/cloudcore/1.21.0), and {@link KUBEEDGE_VERSION} follows it.
   * It serves devices.kubeedge.io v1beta1 and apps.kubeedge.io v1alpha1 (its crds.txt).
   */
  'cloudcore': { chart: 'cloudcore', version: '1.21.0' },
  /**
   * OpenYurt yurt-manager, on the hub, from the published chart repository
   * (openyurt-helm, whose newest is 1.5.0; 1.7.0 exists only in the openyurt
   * repository). 1.4.2 serves NodePool v1alpha1/v1beta1 and YurtAppSet v1alpha1
   * (../shared/charts/yurt-manager/1.4.2/crds.txt): the flavor's objects are
   * written at those versions, and imports/ is generated from its CRDs.
   */
  'yurt-manager': { chart: 'yurt-manager', repository: 'https://openyurtio.github.io/openyurt-helm', version: '1.4.2' },
  /** VictoriaMetrics single node: the hub's Prometheus remote-write receiver. */
  'victoria-metrics-single': { chart: 'victoria-metrics-single', repository: 'https://victoriametrics.github.io/helm-charts/', version: '0.12.4' },
  /** vmalert: evaluates, at the hub, the alerts of the sites whose Prometheus is an agent, on the receiver's series. */
  'victoria-metrics-alert': { chart: 'victoria-metrics-alert', repository: 'https://victoriametrics.github.io/helm-charts/', version: '0.47.0' },
  /** VictoriaLogs single node: the hub's receiver of the sites' Fluent Bit `http` output. */
  'victoria-logs-single': { chart: 'victoria-logs-single', repository: 'https://victoriametrics.github.io/helm-charts/', version: '0.11.7' },
  /**
   * NVIDIA's device plugin (k8s-device-plugin): advertises `nvidia.com/gpu` on the nodes
   * with an `nvidia-gpu` accelerator. Image nvcr.io/nvidia/k8s-device-plugin:v0.20.0.
   */
  'nvidia-device-plugin': { chart: 'nvidia-device-plugin', repository: 'https://nvidia.github.io/k8s-device-plugin', version: '0.20.0' },
  /**
   * prometheus-adapter: serves `custom.metrics.k8s.io` from the site's Prometheus server for
   * HPAs on Pods/Object metrics. Image registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0.
   */
  'prometheus-adapter': { chart: 'prometheus-adapter', repository: 'https://prometheus-community.github.io/helm-charts', version: '5.3.0' },
} as const satisfies Record<string, ChartSource>;

/** A chart of the platform layer. */
export type ChartKey = keyof typeof CHARTS;

/** Every chart key, for messages and readers. */
export const CHART_KEYS = Object.keys(CHARTS) as ChartKey[];

/**
 * The KubeEdge release CloudCore runs (its image tag) and EdgeCore joins with: the
 * cloudcore chart's version, which is its KubeEdge release.
 */
export const KUBEEDGE_VERSION = `v${CHARTS.cloudcore.version}` as const;

/**
 * The Helm provider: the fully qualified source (a bare `helm` is ambiguous for
 * OpenTofu) and a constraint that admits the provider release the bindings in
 * `@cdktf/provider-helm` were generated from (3.1.1) and its patch releases, so
 * the schema Terraform uses is the one the stacks were checked against.
 */
export const HELM_PROVIDER = { source: 'hashicorp/helm', version: '~> 3.1.1' } as const;

/**
 * The Terraform releases every stack admits: write-only arguments (the Fleet token's
 * `set_wo`) need Terraform 1.11, ephemeral variables 1.10, the S3 lock file 1.10.
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.11.0';

/**
 * The npm package of the helm provider's bindings: the tests read the provider
 * version and schema it was generated from out of it.
 */
export const HELM_PROVIDER_BINDINGS = '@cdktf/provider-helm';
