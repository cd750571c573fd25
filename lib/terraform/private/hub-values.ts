import { MONITORING_PLATFORM_NAMESPACE } from '../../monitoring/edge-monitoring';
import type { AlertRuleGroup } from '../../monitoring/alert-evaluation';
import {
  SPIRE_CONTROLLER_CLASS, SPIRE_HUB_AGENT_ACCOUNT, SPIRE_HUB_BUNDLE_CONFIG_MAP, SPIRE_HUB_BUNDLE_FORMAT, SPIRE_HUB_BUNDLE_KEY,
  SPIRE_HUB_PSAT_AUDIENCE, SPIRE_HUB_SERVER_PORT, SPIRE_HUB_SITE_NAMESPACE, SPIRE_IGNORED_NAMESPACES,
} from '../../security/spire-hub';
import type { HubMetricsReceiverOptions, HubReceiverOptions, HubSpireServerOptions, KubeEdgeCloudCoreOptions } from '../cloud-hub-options';
import { KUBEEDGE_VERSION } from '../../core/versions';

/** The Helm values of the hub's releases, typed like the sites' (see platform-values.ts). */

/** Default name of the Secret of the edge clusters' kubeconfigs in the hub server's namespace (`spire-platform`). */
export const DEFAULT_SPIRE_KUBECONFIG_SECRET = 'spire-edge-kubeconfigs';
/**
 * Where the spire-server chart reads external clusters' kubeconfigs: every external
 * k8s_psat entry, bundle publisher and controller manager names `/kubeconfigs/<cluster>`
 * (spire 0.29.0 charts/spire-server/templates/configmap.yaml, _controller-manager-container.tpl).
 */
const KUBECONFIG_DIR = '/kubeconfigs';
/** The chart mounts a volume of this name at `/kubeconfigs/<cluster>` in each external controller manager. */
const KUBECONFIG_VOLUME = 'kubeconfigs';

type ByCluster<T> = Readonly<Record<string, T>>;

/**
 * The keys of charts/spire-server/values.yaml (spire 0.29.0) the hub sets. The chart's
 * own `kubeConfigs` would carry kubeconfig contents into the values (and the Terraform
 * state); it stays empty, and an existing Secret is mounted where the chart reads them.
 */
export interface HubSpireServerValues {
  readonly enabled: true;
  readonly service: { readonly type: string; readonly port: number };
  readonly upstreamAuthority?: { readonly certManager: { readonly enabled: true; readonly ca: { readonly create: true } } };
  readonly nodeAttestor?: {
    readonly externalK8sPSAT: {
      readonly enabled: true;
      readonly clusters: ByCluster<{ readonly serviceAccountAllowList: readonly string[]; readonly audience: readonly string[] }>;
    };
  };
  readonly bundlePublisher?: {
    readonly externalK8sConfigMap: {
      readonly enabled: true;
      readonly clusters: ByCluster<{ readonly namespace: string; readonly configMapName: string; readonly configMapKey: string; readonly format: string }>;
    };
  };
  readonly externalControllerManagers?: {
    readonly enabled: true;
    readonly defaults: { readonly className: string; readonly watchClassless: false; readonly ignoreNamespaces: readonly string[] };
    readonly clusters: ByCluster<Record<string, never>>;
  };
  readonly extraVolumes?: readonly { readonly name: string; readonly secret: { readonly secretName: string } }[];
  readonly extraVolumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly readOnly: true }[];
}

export interface HubSpireValues {
  readonly 'global': { readonly spire: { readonly trustDomain: string; readonly clusterName: string } };
  readonly 'spire-server': HubSpireServerValues;
  readonly 'spire-agent': { readonly enabled: true };
  readonly 'spiffe-csi-driver': { readonly enabled: true };
  readonly 'spiffe-oidc-discovery-provider': { readonly enabled: false };
}

/**
 * The hub's SPIRE: server, agent and CSI driver for the hub cluster, and for each edge
 * cluster a k8s_psat entry for its agents, a bundle publisher filling its bundle
 * ConfigMap (how its agents bootstrap) and a controller manager registering its
 * ClusterSPIFFEIDs, each with that cluster's kubeconfig.
 */
export function hubSpireValues(spire: HubSpireServerOptions): HubSpireValues {
  const clusters = (spire.edgeClusters ?? []).map((c) => c.clusterName);
  const each = <T>(value: T): ByCluster<T> => Object.fromEntries(clusters.map((name) => [name, value]));
  const edge: Partial<HubSpireServerValues> = clusters.length === 0 ? {} : {
    nodeAttestor: {
      externalK8sPSAT: {
        enabled: true,
        clusters: each({ serviceAccountAllowList: [`${SPIRE_HUB_SITE_NAMESPACE}:${SPIRE_HUB_AGENT_ACCOUNT}`], audience: [SPIRE_HUB_PSAT_AUDIENCE] }),
      },
    },
    bundlePublisher: {
      externalK8sConfigMap: {
        enabled: true,
        clusters: each({
          namespace: SPIRE_HUB_SITE_NAMESPACE, configMapName: SPIRE_HUB_BUNDLE_CONFIG_MAP, configMapKey: SPIRE_HUB_BUNDLE_KEY, format: SPIRE_HUB_BUNDLE_FORMAT,
        }),
      },
    },
    externalControllerManagers: {
      enabled: true,
      defaults: { className: SPIRE_CONTROLLER_CLASS, watchClassless: false, ignoreNamespaces: [...SPIRE_IGNORED_NAMESPACES] },
      clusters: each({}),
    },
    extraVolumes: [{ name: KUBECONFIG_VOLUME, secret: { secretName: spire.kubeConfigSecret ?? DEFAULT_SPIRE_KUBECONFIG_SECRET } }],
    extraVolumeMounts: [{ name: KUBECONFIG_VOLUME, mountPath: KUBECONFIG_DIR, readOnly: true }],
  };
  return {
    'global': { spire: { trustDomain: spire.trustDomain, clusterName: spire.clusterName ?? 'cloud-hub' } },
    'spire-server': {
      enabled: true,
      service: { type: spire.serviceType ?? 'LoadBalancer', port: SPIRE_HUB_SERVER_PORT },
      // Without ca.create the plugin names an Issuer `spire-server-ca` nothing creates.
      ...(spire.certManagerUpstream ? { upstreamAuthority: { certManager: { enabled: true, ca: { create: true } } } } : {}),
      ...edge,
    },
    'spire-agent': { enabled: true },
    'spiffe-csi-driver': { enabled: true },
    'spiffe-oidc-discovery-provider': { enabled: false },
  };
}

export interface CloudCoreValues {
  readonly cloudCore: {
    readonly image: { readonly tag: string };
    readonly modules: {
      readonly cloudHub: { readonly advertiseAddress: readonly string[]; readonly dnsNames: readonly string[] };
      /**
       * Serves the list/watch requests EdgeCore's MetaServer forwards (values.yaml 1.21.0: `enable: false`;
       * every EdgeCore node enables its MetaServer).
       */
      readonly dynamicController: { readonly enable: true };
    };
  };
  readonly iptablesManager: { readonly image: { readonly tag: string } };
  /** KubeEdge's controller-manager reconciles EdgeApplications and NodeGroups (values.yaml 1.21.0: `enable: false`). */
  readonly controllerManager: { readonly enable: true; readonly image: { readonly tag: string } };
}

export function cloudCoreValues(kubeEdge: KubeEdgeCloudCoreOptions): CloudCoreValues {
  return {
    cloudCore: {
      image: { tag: KUBEEDGE_VERSION },
      modules: {
        cloudHub: { advertiseAddress: [...kubeEdge.advertiseAddresses], dnsNames: [...(kubeEdge.dnsNames ?? [])] },
        dynamicController: { enable: true },
      },
    },
    iptablesManager: { image: { tag: KUBEEDGE_VERSION } },
    controllerManager: { enable: true, image: { tag: KUBEEDGE_VERSION } },
  };
}

export interface VictoriaSingleValues {
  readonly server: {
    readonly retentionPeriod: string;
    readonly persistentVolume: { readonly enabled: true; readonly size: string; readonly storageClassName?: string };
  };
}

/** victoria-metrics-single and victoria-logs-single share these keys. */
export function victoriaSingleValues(receiver: HubReceiverOptions): VictoriaSingleValues {
  return {
    server: {
      retentionPeriod: receiver.retention ?? '30d',
      persistentVolume: {
        enabled: true,
        size: receiver.storageSize ?? '20Gi',
        ...(receiver.storageClassName !== undefined ? { storageClassName: receiver.storageClassName } : {}),
      },
    },
  };
}

/** Release name of the hub's VictoriaMetrics single. */
export const HUB_METRICS_RELEASE = 'victoria-metrics';
/**
 * Its Service, as the chart names it (`victoria-metrics.server.fullname` of
 * victoria-metrics-single: `<release>-<chart>-<server.name>`, server.name `server`)
 * and its port (`server.service.servicePort`, 8428 in values.yaml 0.12.4).
 */
export const HUB_METRICS_URL = `http://${HUB_METRICS_RELEASE}-victoria-metrics-single-server.${MONITORING_PLATFORM_NAMESPACE}.svc:8428`;

/** victoria-metrics-alert 0.47.0 values (../shared/charts/victoria-metrics-alert/0.47.0/values.yaml). */
export interface VmAlertValues {
  readonly server: {
    readonly datasource: { readonly url: string };
    /** Alert state is written to, and restored from, the receiver: the hub keeps every site's alert history. */
    readonly remoteWrite: { readonly url: string };
    readonly remoteRead: { readonly url: string };
    readonly notifier?: { readonly url: string };
    /** Merged with the chart's extraArgs (envflag, loggerFormat, rule file). */
    readonly extraArgs?: { readonly 'notifier.blackhole': true };
    readonly config: { readonly alerts: { readonly groups: readonly AlertRuleGroup[] } };
    readonly resources: ResourceValuesLite;
  };
}

interface ResourceValuesLite {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

/** vmalert on the hub's receiver, with one rule group per agent-mode site. */
export function vmAlertValues(receiver: HubMetricsReceiverOptions, groups: readonly AlertRuleGroup[]): VmAlertValues {
  return {
    server: {
      datasource: { url: HUB_METRICS_URL },
      remoteWrite: { url: HUB_METRICS_URL },
      remoteRead: { url: HUB_METRICS_URL },
      // vmalert refuses to start without a notifier; blackhole evaluates and records without sending.
      ...(receiver.alertmanagerUrl !== undefined ? { notifier: { url: receiver.alertmanagerUrl } } : { extraArgs: { 'notifier.blackhole': true as const } }),
      config: { alerts: { groups } },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    },
  };
}

export interface FleetManagerValues {
  /** The URL the manager gives the agents it registers (fleet 0.13.2 values.yaml `apiServerURL`; empty, registration fails). */
  readonly apiServerURL: string;
}

export function fleetManagerValues(apiServerUrl: string): FleetManagerValues {
  return { apiServerURL: apiServerUrl };
}
