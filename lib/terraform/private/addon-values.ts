import { EDGE_TAINT_KEY } from '../../core/spec/tier';
import type { CustomMetricsPlatformOptions, NvidiaDevicePluginOptions } from '../cluster-platform';
import type { ResourceValues } from './platform-values';
import { ACCELERATOR_LABEL } from '../../core/site/labels';

/**
 * The Helm values of the add-ons a site's workloads need from the platform layer
 * (the GPU device plugin, the custom-metrics adapter), typed like platform-values.ts:
 * only the keys we set, each one in the chart's values.yaml at the pinned version.
 */

/** The label a node with an `nvidia-gpu` accelerator registers with (`registrationLabels`). */
export const NVIDIA_GPU_NODE_LABELS: Readonly<Record<string, string>> = { [ACCELERATOR_LABEL]: 'nvidia-gpu' };

export interface Toleration {
  readonly key: string;
  readonly operator: 'Exists';
  readonly effect?: 'NoSchedule';
}

export interface NvidiaDevicePluginValues {
  readonly nodeSelector: Readonly<Record<string, string>>;
  /**
   * `null` deletes the chart's default affinity (Helm merges a `{}` into the default):
   * it selects nodes by Node Feature Discovery labels (`feature.node.kubernetes.io/pci-10de.present`,
   * `nvidia.com/gpu.present`), and no site runs NFD, so the DaemonSet would run nowhere.
   */
  readonly affinity: null;
  readonly tolerations: readonly Toleration[];
  readonly runtimeClassName?: string;
  readonly resources: ResourceValues;
}

export function nvidiaDevicePluginValues(plugin: NvidiaDevicePluginOptions): NvidiaDevicePluginValues {
  return {
    nodeSelector: { ...(plugin.nodeSelector ?? NVIDIA_GPU_NODE_LABELS) },
    affinity: null,
    tolerations: [
      // The chart's own two (values.yaml 0.20.0), plus the edge taint of every tier: GPU nodes are agents, tainted.
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: EDGE_TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' },
    ],
    // The plugin must run under the NVIDIA runtime to see the driver: through its RuntimeClass on
    // k3s (k3s docs, "NVIDIA Container Runtime Support"), or as the node's default runtime
    // (k8s-device-plugin README, "Configure containerd").
    ...(plugin.runtimeClassName !== undefined ? { runtimeClassName: plugin.runtimeClassName } : {}),
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
  };
}

/** One prometheus-adapter discovery rule (the chart's `rules.custom` entries, the adapter's config format). */
export interface AdapterRule {
  readonly seriesQuery: string;
  readonly resources: { readonly overrides: Readonly<Record<string, { readonly resource: string }>> };
  readonly name: { readonly matches: string; readonly as: string };
  readonly metricsQuery: string;
}

export interface PrometheusAdapterValues {
  readonly prometheus: { readonly url: string; readonly port: number; readonly path: '' };
  /** Only our rules: the chart's default rules need cAdvisor series no site's Prometheus scrapes. */
  readonly rules: { readonly default: false; readonly custom: readonly AdapterRule[] };
  readonly replicas: 1;
  readonly resources: ResourceValues;
}

export function prometheusAdapterValues(metrics: CustomMetricsPlatformOptions): PrometheusAdapterValues {
  return {
    prometheus: { url: metrics.prometheusUrl, port: metrics.prometheusPort, path: '' },
    rules: { default: false, custom: metrics.rules.map((rule) => adapterRule(rule.metric)) },
    replicas: 1,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  };
}

/**
 * A Pods metric: the series of each pod, found by the `namespace` and `pod` labels the
 * site's Prometheus puts on every pod target, summed per pod (a gauge, so no rate).
 */
function adapterRule(metric: string): AdapterRule {
  return {
    seriesQuery: `${metric}{namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
    name: { matches: `^${metric}$`, as: metric },
    metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
  };
}
