import type { ClusterAccess } from './cluster-platform';

/** How edge agents reach the hub's SPIRE server. */
export type HubServiceType = 'LoadBalancer' | 'NodePort' | 'ClusterIP';
/** Every hub service type. */
export const HUB_SERVICE_TYPES: readonly HubServiceType[] = ['LoadBalancer', 'NodePort', 'ClusterIP'];

/** An edge cluster whose SPIRE agents attest to the hub's server (a site with `spire.hubServer`). */
export interface HubSpireEdgeCluster {
  /** The site's SPIRE cluster name (its `spire.clusterName`, else the site name). */
  readonly clusterName: string;
}

/**
 * The central SPIRE server that hub-mode sites (`spire.hubServer`) attest to: one
 * trust domain for the hub and those sites. For each edge cluster the server gets a
 * k8s_psat entry (verifying the site agents' tokens with the site's TokenReview API),
 * a spire-controller-manager that registers the site's ClusterSPIFFEIDs, and a
 * bundle publisher that keeps the site's `spire-system/spire-bundle` ConfigMap
 * filled, all reaching the site with the kubeconfig of `kubeConfigSecret`.
 */
export interface HubSpireServerOptions {
  /** The SPIFFE trust domain of the fleet, e.g. `edge.example.com`. */
  readonly trustDomain: string;
  /**
   * Name of the hub cluster in SPIFFE IDs and node attestation.
   * @default 'cloud-hub'
   */
  readonly clusterName?: string;
  /**
   * Service type of the SPIRE server: edge agents connect from outside the hub cluster.
   * @default 'LoadBalancer'
   */
  readonly serviceType?: HubServiceType;
  /**
   * Let cert-manager sign the server's intermediate CA (needs `certManager`). The
   * chart then also creates the CA it signs with (`upstreamAuthority.certManager.ca.create`):
   * a self-signed Issuer, a CA Certificate and the CA Issuer the plugin names.
   * @default false
   */
  readonly certManagerUpstream?: boolean;
  /**
   * The edge clusters the server attests, registers and publishes its bundle to.
   * @default - every site of the fleet with `spire.hubServer` (from the inventory); none for a hub built alone
   */
  readonly edgeClusters?: readonly HubSpireEdgeCluster[];
  /**
   * Existing Secret in the hub's `spire-platform` (the server's namespace) holding one kubeconfig per edge
   * cluster, keyed by its cluster name, each authenticating as the site's
   * `spire-system/spire-hub` ServiceAccount (SpireEdge creates it and its RBAC).
   * Created out of band, with a token issued for that account, so no credential ever
   * enters the site folder, the values or the Terraform state.
   * @default 'spire-edge-kubeconfigs'
   */
  readonly kubeConfigSecret?: string;
}

/** KubeEdge CloudCore, for fleets whose edge nodes run EdgeCore. */
export interface KubeEdgeCloudCoreOptions {
  /**
   * Helm repository (https or oci) holding the `cloudcore` chart: KubeEdge does not
   * publish it, so mirror `manifests/charts/cloudcore` of the pinned KubeEdge release there.
   */
  readonly chartRepository: string;
  /** Addresses edge nodes reach CloudHub at (they go into CloudCore's certificate). */
  readonly advertiseAddresses: readonly string[];
  /**
   * DNS names edge nodes reach CloudHub at (they go into CloudCore's certificate).
   * @default []
   */
  readonly dnsNames?: readonly string[];
}

/** A central receiver of the sites' metrics or logs. */
export interface HubReceiverOptions {
  /**
   * How long data is kept: a number with h, d, w or y (VictoriaMetrics retention).
   * @default '30d'
   */
  readonly retention?: string;
  /**
   * Size of the data volume (a Kubernetes quantity).
   * @default '20Gi'
   */
  readonly storageSize?: string;
  /**
   * StorageClass of the data volume.
   * @default - the hub's default StorageClass
   */
  readonly storageClassName?: string;
}

/**
 * The hub's metrics receiver, and the evaluator of the alerts of every site whose
 * Prometheus is an agent: vmalert reads VictoriaMetrics and writes the alert state
 * (`ALERTS`, `ALERTS_FOR_STATE`) back to it.
 */
export interface HubMetricsReceiverOptions extends HubReceiverOptions {
  /**
   * URL of the Alertmanager vmalert sends firing alerts to (`https://…`, or an
   * in-cluster `http://…` Service).
   * @default - none: alerts are evaluated and recorded as `ALERTS` series, nobody is notified
   */
  readonly alertmanagerUrl?: string;
}

/**
 * The sites whose nodes join the hub's control plane (OpenYurt Edge pools, KubeEdge EdgeCore
 * nodes). Their objects live in the hub's cluster, so their platform layer is the hub's: they
 * have no stack of their own (two such stacks would install the same releases into the one
 * cluster). The hub's stack installs, once for all of them, cert-manager, the fleet's Flux
 * agent with one sync that applies each site's Flux folder, and NVIDIA's device plugin when
 * one of them has GPU nodes.
 */
export interface HubSharedControlPlaneOptions {
  /** Names of those sites, in fleet order (at least one). */
  readonly sites: readonly string[];
  /**
   * Run NVIDIA's device plugin on the hub's `nvidia-gpu` nodes (one of the sites has such a node).
   * @default false
   */
  readonly nvidiaDevicePlugin?: boolean;
}

/** What the cloud hub runs; each part is opt-in. */
export interface CloudHubOptions {
  /** How Terraform reaches the hub cluster. */
  readonly access: ClusterAccess;
  /**
   * Install cert-manager with its CRDs.
   * @default - true when sites join the hub's control plane (`sharedControlPlane`), false otherwise
   */
  readonly certManager?: boolean;
  /** The central SPIRE server. @default - none */
  readonly spireServer?: HubSpireServerOptions;
  /** KubeEdge CloudCore. @default - none */
  readonly kubeEdge?: KubeEdgeCloudCoreOptions;
  /** OpenYurt's yurt-manager. @default false */
  readonly openYurt?: boolean;
  /** The Rancher Fleet manager (CRDs and controllers) the sites' Fleet agents register with; needs `apiServerUrl`. @default false */
  readonly fleetManager?: boolean;
  /**
   * Public URL of the hub cluster's Kubernetes API, as the sites reach it (`https://host:port`):
   * the Fleet manager hands it to the agents it registers (the chart's `apiServerURL`).
   * @default - none; required with `fleetManager`
   */
  readonly apiServerUrl?: string;
  /**
   * VictoriaMetrics as the Prometheus remote-write receiver (`/api/v1/write`), with
   * vmalert evaluating the alerts of the agent-mode sites on what it receives.
   * @default - none
   */
  readonly metricsReceiver?: HubMetricsReceiverOptions;
  /** VictoriaLogs as the receiver of the sites' Fluent Bit `http` output (`/insert/jsonline`). @default - none */
  readonly logReceiver?: HubReceiverOptions;
  /**
   * The sites whose nodes join the hub's control plane, whose platform layer the hub's stack
   * installs. Not an inventory key: the fleet's OpenYurt and KubeEdge sites give it
   * (`hubWithSharedControlPlaneSites`).
   * @default - none
   */
  readonly sharedControlPlane?: HubSharedControlPlaneOptions;
}

/** Whether the hub's stack installs cert-manager: when asked, and by default under shared-control-plane sites, whose objects use it. */
export function hubInstallsCertManager(hub: Pick<CloudHubOptions, 'certManager' | 'sharedControlPlane'>): boolean {
  return hub.certManager ?? hub.sharedControlPlane !== undefined;
}

/**
 * Why the fleet's GitOps agent cannot apply these sites on the hub's control plane, if it cannot:
 * a Fleet agent registers one cluster as one site, while Flux on the hub runs one sync for them all.
 */
export function sharedControlPlaneAgentProblem(sites: readonly string[], agentKind: string | undefined): string | undefined {
  if (agentKind !== 'fleet' || sites.length === 0) return undefined;
  return `is fleet, but sites ${sites.join(', ')} join the hub's control plane, where one Fleet agent would register the hub's one cluster as every one of them; use flux, whose one sync on the hub applies each such site's folder`;
}
