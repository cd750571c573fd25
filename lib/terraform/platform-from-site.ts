import { longhornReplicas } from '../data/private/local-storage-rules';
import type { ResolvedSiteSpec } from '../site/site-spec';
import type { ClusterPlatform } from './cluster-platform';

/**
 * The platform layer a site needs, from its spec: Cilium when the site's network
 * says `cni: cilium` (k3s's flannel otherwise, nothing to install), cert-manager
 * with its CRDs on every site (the site's certificates and SPIRE rely on it), the
 * SPIRE CRDs and CSI driver when the site runs SpireEdge, the Prometheus Operator
 * when its monitoring uses the operator's objects, Longhorn when its local storage
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
    ...(monitoring && monitoring.prometheusOperator !== false ? { monitoring: { mode: 'operator' as const } } : {}),
    ...(localStorage?.provisioner === 'longhorn' ? { longhorn: { replicaCount: localStorage.replicas ?? longhornReplicas(site) } } : {}),
  };
}
