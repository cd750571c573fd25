import type { EdgeAIInferenceOptions } from '../../ai/ai-options';
import type { EdgeDatabaseOptions } from '../../data/edge-database';
import type { LocalStorageOptions } from '../../data/local-storage';
import type { RegistryCacheOptions } from '../../data/registry-cache';
import type { EdgeDevicesOptions } from '../../devices/device-options';
import type { KubeEdgeApplicationOptions, OpenYurtAppSetOptions } from '../../flavors/spread-options';
import type { MecServiceOptions } from '../../mec/mec-options';
import type { EdgeMonitoringOptions } from '../../monitoring/monitoring-options';
import type { DataSyncOptions } from '../../offline/data-sync';
import type { OfflineAgentOptions } from '../../offline/offline-agent';
import type { EdgeCertificatesOptions } from '../../security/edge-certificates';
import type { EdgeIsolationOptions } from '../../security/edge-isolation';
import type { RuntimeSecurityOptions } from '../../security/runtime-security';
import type { SpireEdgeOptions } from '../../security/spire-edge';

/**
 * The platform components a site runs, as written under `components:` in the
 * inventory. Each component adds its options here (one optional field, keyed by
 * its inventory key) and registers a definition in `lib/private/components.ts`.
 */
export interface SiteComponentsSpec {
  /**
   * Metrics, alerts, dashboards and logs of the site (EdgeMonitoring).
   * @default - no monitoring
   */
  readonly monitoring?: EdgeMonitoringOptions;
  /**
   * Local storage: a StorageClass and the local volumes of the nodes' disks (LocalStorage).
   * @default - none
   */
  readonly localStorage?: LocalStorageOptions;
  /**
   * Databases (EdgeDatabase): one, or a list.
   * @default - none
   */
  readonly database?: EdgeDatabaseOptions | readonly EdgeDatabaseOptions[];
  /**
   * A pull-through registry cache that every node pulls through (RegistryCache).
   * @default - none
   */
  readonly registryCache?: RegistryCacheOptions;
  /**
   * Data sync to the cloud, egress limited to the cloud CIDRs (DataSync).
   * @default - none
   */
  readonly dataSync?: DataSyncOptions;
  /**
   * The offline agent on every node (OfflineAgent).
   * @default - none
   */
  readonly offlineAgent?: OfflineAgentOptions;
  /**
   * 5G MEC services on the site's MEC nodes (MecService).
   * @default - none
   */
  readonly mecServices?: readonly MecServiceOptions[];
  /**
   * AI inference workloads on the site's accelerator nodes (EdgeAIInference).
   * @default - none
   */
  readonly aiInference?: readonly EdgeAIInferenceOptions[];
  /**
   * KubeEdge device models and devices bound to the site's nodes (EdgeDevices).
   * @default - none
   */
  readonly devices?: EdgeDevicesOptions;
  /**
   * Workloads spread over an OpenYurt site's Edge node pools, each pool with its own replicas (OpenYurtAppSet).
   * @default - none
   */
  readonly yurtAppSets?: readonly OpenYurtAppSetOptions[];
  /**
   * Workloads spread over a KubeEdge site's node groups, each group with its own replicas (KubeEdgeApplication).
   * @default - none
   */
  readonly edgeApplications?: readonly KubeEdgeApplicationOptions[];
  /**
   * SPIFFE/SPIRE: a SPIRE server in the site or at the hub, an agent on every node,
   * workload registrations (SpireEdge).
   * @default - no SPIRE
   */
  readonly spire?: SpireEdgeOptions;
  /**
   * cert-manager certificates: the site CA ClusterIssuer, node and device certificates (EdgeCertificates).
   * @default - none
   */
  readonly certificates?: EdgeCertificatesOptions;
  /**
   * Falco host intrusion detection, opt-in (RuntimeSecurity).
   * @default - no Falco
   */
  readonly runtimeSecurity?: RuntimeSecurityOptions;
  /**
   * The network model: explicit allows on top of each namespace's default deny (EdgeIsolation).
   * @default - only default deny and DNS
   */
  readonly isolation?: EdgeIsolationOptions;
}
