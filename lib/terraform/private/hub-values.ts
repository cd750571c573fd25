import type { AlertRuleGroup } from '../../monitoring/alert-evaluation';
import type { HubMetricsReceiverOptions, HubReceiverOptions, HubSpireServerOptions, KubeEdgeCloudCoreOptions } from '../cloud-hub-options';
import { KUBEEDGE_VERSION } from '../versions';
import type { SpireValues } from './platform-values';

/** The Helm values of the hub's releases, typed like the sites' (see platform-values.ts). */

export function hubSpireValues(spire: HubSpireServerOptions): SpireValues {
  return {
    'global': { spire: { trustDomain: spire.trustDomain, clusterName: spire.clusterName ?? 'cloud-hub' } },
    'spire-server': {
      enabled: true,
      service: { type: spire.serviceType ?? 'LoadBalancer' },
      ...(spire.certManagerUpstream ? { upstreamAuthority: { certManager: { enabled: true } } } : {}),
    },
    'spire-agent': { enabled: true },
    'spiffe-csi-driver': { enabled: true },
    'spiffe-oidc-discovery-provider': { enabled: false },
  };
}

export interface CloudCoreValues {
  readonly cloudCore: {
    readonly image: { readonly tag: string };
    readonly modules: { readonly cloudHub: { readonly advertiseAddress: readonly string[]; readonly dnsNames: readonly string[] } };
  };
  readonly iptablesManager: { readonly image: { readonly tag: string } };
}

export function cloudCoreValues(kubeEdge: KubeEdgeCloudCoreOptions): CloudCoreValues {
  return {
    cloudCore: {
      image: { tag: KUBEEDGE_VERSION },
      modules: { cloudHub: { advertiseAddress: [...kubeEdge.advertiseAddresses], dnsNames: [...(kubeEdge.dnsNames ?? [])] } },
    },
    iptablesManager: { image: { tag: KUBEEDGE_VERSION } },
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
export const HUB_METRICS_URL = `http://${HUB_METRICS_RELEASE}-victoria-metrics-single-server.monitoring.svc:8428`;

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
