import { INFERENCE_QUEUE_METRIC } from '../ai/ai-options';
import { longhornReplicas } from '../data/private/local-storage-rules';
import { PROMETHEUS_PORT, PROMETHEUS_SERVICE_NAME } from '../monitoring/edge-prometheus';
import { MONITORING_NAMESPACE } from '../monitoring/edge-monitoring';
import { platformNamespace } from '../core/site/shared-control-plane';
import { k3sProvidesNvidiaRuntimeClass, NVIDIA_RUNTIME_CLASS } from '../cluster/nvidia-runtime-class';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import type { ClusterPlatform, CustomMetricsPlatformOptions, NvidiaDevicePluginOptions } from './cluster-platform';

/**
 * The platform layer a site needs, from its spec: Cilium when the site's network
 * says `cni: cilium` (k3s's flannel otherwise, nothing to install), cert-manager
 * with its CRDs on every site (the site's certificates and SPIRE rely on it), the
 * SPIRE CRDs and CSI driver when the site runs SpireEdge, the Prometheus Operator
 * with one Prometheus that selects the site's monitors and rules only when its
 * monitoring asks for them (`prometheusOperator: true`: otherwise no operator object
 * is written and the operator would have nothing to act on), Longhorn when its local storage
 * asks for it, NVIDIA's device plugin when a node has an `nvidia-gpu` accelerator,
 * the custom-metrics adapter when HPAs scale on Pods metrics, and the node count that
 * sizes replicated controllers. Falco is not installed from here: the RuntimeSecurity
 * component runs it from the site's manifests.
 */
export function platformFromSite(site: ResolvedSiteSpec): ClusterPlatform {
  const { spire, monitoring, localStorage } = site.components;
  const devicePlugin = nvidiaDevicePluginOf(site);
  const customMetrics = customMetricsOf(site);
  return {
    cni: site.network.cni === 'cilium' ? 'cilium' : 'flannel',
    certManager: true,
    nodeCount: site.nodes.length,
    ...(spire ? {
      spire: {
        trustDomain: spire.trustDomain,
        ...(spire.clusterName ? { clusterName: spire.clusterName } : {}),
        ...(spire.socketHostPath ? { socketHostPath: spire.socketHostPath } : {}),
      },
    } : {}),
    ...(monitoring?.prometheusOperator === true ? {
      monitoring: {
        mode: 'kube-prometheus-stack' as const,
        selectorLabels: { ...monitoring.operatorLabels },
        // The site's EdgeMonitoring runs node-exporter and kube-state-metrics and describes them with ServiceMonitors.
        exporters: false,
      },
    } : {}),
    ...(localStorage?.provisioner === 'longhorn' ? { longhorn: { replicaCount: localStorage.replicas ?? longhornReplicas(site) } } : {}),
    ...(devicePlugin ? { nvidiaDevicePlugin: devicePlugin } : {}),
    ...(customMetrics ? { customMetrics } : {}),
  };
}

/**
 * The device plugin on the `nvidia-gpu` nodes (the default nodeSelector). On k3s it runs
 * under the `nvidia` RuntimeClass the servers create; on plain-kubelet nodes NVIDIA's
 * runtime must be containerd's default, as the plugin's README sets it up.
 */
function nvidiaDevicePluginOf(site: ResolvedSiteSpec): NvidiaDevicePluginOptions | undefined {
  if (!site.nodes.some((n) => n.accelerator?.kind === 'nvidia-gpu')) return undefined;
  return k3sProvidesNvidiaRuntimeClass(site) ? { runtimeClassName: NVIDIA_RUNTIME_CLASS } : {};
}

/**
 * Every EdgeAIInference scales on the Pods metric `inference_queue_length`; the adapter
 * reads it from the site's Prometheus Service. Only a server answers queries: with an agent
 * (or no monitoring) there is nothing to install, and the convergence check reports the HPA's
 * metric as served by nothing.
 */
function customMetricsOf(site: ResolvedSiteSpec): CustomMetricsPlatformOptions | undefined {
  if ((site.components.aiInference?.length ?? 0) === 0 || site.components.monitoring?.mode !== 'server') return undefined;
  return {
    prometheusUrl: `http://${PROMETHEUS_SERVICE_NAME}.${platformNamespace(site, MONITORING_NAMESPACE)}.svc`,
    prometheusPort: PROMETHEUS_PORT,
    rules: [{ metric: INFERENCE_QUEUE_METRIC }],
  };
}
