import { runsEdgeCore } from '../flavors/flavor-labels';
import { childPath, Problem } from '../private/problems';
import type { ResolvedSiteSpec, SiteSpec } from '../site/site-spec';
import type { CloudHubOptions } from '../terraform/cloud-hub-options';

/**
 * What the cloud hub must run for the fleet's cluster flavors: OpenYurt sites need
 * the hub's yurt-manager, KubeEdge sites its CloudCore, reachable at the address
 * their EdgeCore nodes dial (CloudCore's certificate names only its advertised
 * addresses and DNS names).
 */

/** The hub with yurt-manager switched on when a site of the fleet runs OpenYurt and the hub does not say otherwise. */
export function hubWithSiteFlavors(hub: CloudHubOptions, sites: readonly (SiteSpec | ResolvedSiteSpec)[]): CloudHubOptions {
  if (hub.openYurt !== undefined || !sites.some((s) => s.cluster?.flavor === 'openyurt')) return hub;
  return { ...hub, openYurt: true };
}

/**
 * Problems between the hub and the sites' flavors: a hub that turns yurt-manager off
 * under OpenYurt sites, one without CloudCore under KubeEdge sites, and KubeEdge
 * sites whose CloudCore address the hub's CloudCore does not answer for.
 */
export function hubFlavorProblems(hub: CloudHubOptions, sites: readonly { spec: ResolvedSiteSpec; path: string }[], hubPath = 'terraform.hub'): Problem[] {
  const problems: Problem[] = [];
  const openYurt = sites.filter((s) => s.spec.cluster.flavor === 'openyurt').map((s) => s.spec.name);
  if (hub.openYurt === false && openYurt.length > 0) {
    problems.push({ path: childPath(hubPath, 'openYurt'), message: `is false, but sites ${openYurt.join(', ')} run OpenYurt node pools, which the hub's yurt-manager reconciles` });
  }
  const kubeEdge = sites.filter((s) => s.spec.nodes.some((n) => runsEdgeCore(n, s.spec)));
  if (kubeEdge.length > 0 && !hub.kubeEdge) {
    problems.push({ path: childPath(hubPath, 'kubeEdge'), message: `is required: the EdgeCore nodes of sites ${kubeEdge.map((s) => s.spec.name).join(', ')} join the hub's CloudCore` });
  }
  const answered = hub.kubeEdge ? [...hub.kubeEdge.advertiseAddresses, ...(hub.kubeEdge.dnsNames ?? [])] : [];
  for (const { spec, path } of kubeEdge) {
    const address = spec.cluster.kubeEdge?.cloudCoreAddress;
    if (hub.kubeEdge && address !== undefined && !answered.includes(address)) {
      problems.push({
        path: childPath(childPath(childPath(path, 'cluster'), 'kubeEdge'), 'cloudCoreAddress'),
        message: `"${address}" is not in the hub's CloudCore certificate, so EdgeCore would refuse it; use one of ${answered.join(', ')} or add it to ${hubPath}.kubeEdge`,
      });
    }
  }
  return problems;
}
