import type { ClusterAccess } from './cluster-platform';

/** How edge agents reach the hub's SPIRE server. */
export type HubServiceType = 'LoadBalancer' | 'NodePort' | 'ClusterIP';
/** Every hub service type. */
export const HUB_SERVICE_TYPES: readonly HubServiceType[] = ['LoadBalancer', 'NodePort', 'ClusterIP'];

/** The central SPIRE server that `central`-mode sites attest to. */
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
   * Let cert-manager sign the server's intermediate CA (needs `certManager`).
   * @default false
   */
  readonly certManagerUpstream?: boolean;
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

/** What the cloud hub runs; each part is opt-in. */
export interface CloudHubOptions {
  /** How Terraform reaches the hub cluster. */
  readonly access: ClusterAccess;
  /** Install cert-manager with its CRDs. @default false */
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
  /** VictoriaMetrics as the Prometheus remote-write receiver (`/api/v1/write`). @default - none */
  readonly metricsReceiver?: HubReceiverOptions;
  /** VictoriaLogs as the receiver of the sites' Fluent Bit `http` output (`/insert/jsonline`). @default - none */
  readonly logReceiver?: HubReceiverOptions;
}
