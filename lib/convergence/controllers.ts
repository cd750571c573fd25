/**
 * What acts on custom resources, and what serves the APIs and extended resources pods ask for,
 * known by the image that runs it: the model sees every image the cluster runs (platform
 * releases, the hub's releases for sites that join it, the site's own workloads), so a
 * controller counts wherever it really runs, whoever deployed it.
 */

/** One program, recognised by its image repository. */
export interface KnownController {
  /** What it is called in messages. */
  readonly name: string;
  /** Repository suffix of its image (`quay.io/jetstack/cert-manager-controller` matches `…/cert-manager-controller`). */
  readonly image: string;
  /** `group/Kind` of the custom resources it acts on. @default - none */
  readonly actsOn?: readonly string[];
  /** Metrics API groups it serves (`metrics.k8s.io`, `custom.metrics.k8s.io`, `external.metrics.k8s.io`). @default - none */
  readonly metricsApis?: readonly string[];
  /** Extended resources it advertises on the nodes that have the hardware. @default - none */
  readonly extendedResources?: readonly string[];
  /** The chart or program that provides it, for "what would provide it" hints. */
  readonly providedBy: string;
}

export const KNOWN_CONTROLLERS: readonly KnownController[] = [
  { name: 'cert-manager', image: 'jetstack/cert-manager-controller', providedBy: 'the cert-manager chart', actsOn: ['cert-manager.io/Certificate', 'cert-manager.io/Issuer', 'cert-manager.io/ClusterIssuer', 'cert-manager.io/CertificateRequest'] },
  { name: 'spire-controller-manager', image: 'spiffe/spire-controller-manager', providedBy: 'SpireEdge (a local SPIRE server) or the spire chart with spire-server.controllerManager', actsOn: ['spire.spiffe.io/ClusterSPIFFEID', 'spire.spiffe.io/ClusterFederatedTrustDomain', 'spire.spiffe.io/ClusterStaticEntry'] },
  { name: 'prometheus-operator', image: 'prometheus-operator/prometheus-operator', providedBy: 'the kube-prometheus-stack chart', actsOn: ['monitoring.coreos.com/Prometheus', 'monitoring.coreos.com/PrometheusAgent', 'monitoring.coreos.com/Alertmanager', 'monitoring.coreos.com/ThanosRuler', 'monitoring.coreos.com/ServiceMonitor', 'monitoring.coreos.com/PodMonitor', 'monitoring.coreos.com/PrometheusRule', 'monitoring.coreos.com/Probe', 'monitoring.coreos.com/ScrapeConfig', 'monitoring.coreos.com/AlertmanagerConfig'] },
  { name: 'system-upgrade-controller', image: 'rancher/system-upgrade-controller', providedBy: 'system-upgrade-controller', actsOn: ['upgrade.cattle.io/Plan'] },
  { name: 'KubeEdge CloudCore', image: 'kubeedge/cloudcore', providedBy: 'the hub\'s cloudcore chart', actsOn: ['devices.kubeedge.io/Device', 'devices.kubeedge.io/DeviceModel', 'rules.kubeedge.io/Rule', 'rules.kubeedge.io/RuleEndpoint'] },
  { name: 'KubeEdge controller-manager', image: 'kubeedge/controller-manager', providedBy: 'the hub\'s cloudcore chart with controllerManager.enable', actsOn: ['apps.kubeedge.io/EdgeApplication', 'apps.kubeedge.io/NodeGroup'] },
  { name: 'yurt-manager', image: 'openyurt/yurt-manager', providedBy: 'the hub\'s yurt-manager chart', actsOn: ['apps.openyurt.io/NodePool', 'apps.openyurt.io/YurtAppSet', 'apps.openyurt.io/YurtAppDaemon', 'apps.openyurt.io/YurtStaticSet', 'apps.openyurt.io/YurtAppOverrider'] },
  { name: 'Cilium', image: 'cilium/cilium', providedBy: 'the cilium chart', actsOn: ['cilium.io/CiliumNetworkPolicy', 'cilium.io/CiliumClusterwideNetworkPolicy'] },
  { name: 'Flux source-controller', image: 'fluxcd/source-controller', providedBy: 'the flux2 chart', actsOn: ['source.toolkit.fluxcd.io/GitRepository', 'source.toolkit.fluxcd.io/OCIRepository', 'source.toolkit.fluxcd.io/HelmRepository', 'source.toolkit.fluxcd.io/Bucket'] },
  { name: 'Flux kustomize-controller', image: 'fluxcd/kustomize-controller', providedBy: 'the flux2 chart', actsOn: ['kustomize.toolkit.fluxcd.io/Kustomization'] },
  { name: 'Rancher Fleet', image: 'rancher/fleet', providedBy: 'the hub\'s fleet chart', actsOn: ['fleet.cattle.io/GitRepo', 'fleet.cattle.io/Bundle', 'fleet.cattle.io/ClusterGroup'] },
  { name: 'metrics-server', image: 'metrics-server/metrics-server', providedBy: 'k3s\'s bundled metrics-server', metricsApis: ['metrics.k8s.io'] },
  { name: 'prometheus-adapter', image: 'prometheus-adapter/prometheus-adapter', providedBy: 'the prometheus-adapter chart', metricsApis: ['custom.metrics.k8s.io', 'external.metrics.k8s.io'] },
  { name: 'NVIDIA device plugin', image: 'nvidia/k8s-device-plugin', providedBy: 'the nvidia-device-plugin chart', extendedResources: ['nvidia.com/gpu'] },
];

/** The known controller an image is, if any. */
export function controllerOfImage(image: string): KnownController | undefined {
  const repository = image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
  return KNOWN_CONTROLLERS.find((c) => repository === c.image || repository.endsWith(`/${c.image}`));
}

/** The known controllers that act on a custom resource kind (`group/Kind`). */
export function controllersFor(groupKind: string): KnownController[] {
  return KNOWN_CONTROLLERS.filter((c) => c.actsOn?.includes(groupKind));
}
