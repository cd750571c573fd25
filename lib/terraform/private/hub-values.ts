import type { HubReceiverOptions, HubSpireServerOptions, KubeEdgeCloudCoreOptions } from '../cloud-hub-options';
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

export interface FleetManagerValues {
  /** The URL the manager gives the agents it registers (fleet 0.13.2 values.yaml `apiServerURL`; empty, registration fails). */
  readonly apiServerURL: string;
}

export function fleetManagerValues(apiServerUrl: string): FleetManagerValues {
  return { apiServerURL: apiServerUrl };
}
