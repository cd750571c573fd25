import { longhornReplicas } from '../data/private/local-storage-rules';
import type { ResolvedSiteSpec } from '../site/site-spec';
import type { ClusterPlatform } from './cluster-platform';

/**
 * The platform layer a site needs, from its spec: Cilium when the site's network
 * says `cni: cilium` (k3s's flannel otherwise, nothing to install), cert-manager
 * with its CRDs on every site (the site's certificates and SPIRE rely on it), the
 * SPIRE CRDs and CSI driver when the site runs SpireEdge, the Prometheus Operator
 * with one Prometheus that selects the site's monitors and rules only when its
 * monitoring asks for them (`prometheusOperator: true`: otherwise no operator object
 * is written and the operator would have nothing to act on), Longhorn when its local storage
 * asks for it, and the node count that sizes replicated controllers. Falco is not
 * installed from here: the RuntimeSecurity component runs it from the site's manifests.
 */
export function platformFromSite(site: ResolvedSiteSpec): ClusterPlatform {
  const { spire, monitoring, localStorage } = site.components;
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
  };
}
