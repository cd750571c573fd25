import { runsEdgeCore } from '../flavors/flavor-labels';
import { childPath, Problem } from '../private/problems';
import type { ResolvedSiteSpec, SiteSpec } from '../site/site-spec';
import { joinsHubControlPlane } from '../site/shared-control-plane';
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

/**
 * Problems between sites that join the hub's control plane (OpenYurt, KubeEdge):
 * they share one cluster, so a namespace or a node name of one such site must not
 * be another's. The library's own namespaces are site-scoped already
 * (`platformNamespace`); these are the names the user chooses.
 */
export function sharedControlPlaneProblems(sites: readonly { spec: ResolvedSiteSpec; path: string }[]): Problem[] {
  const problems: Problem[] = [];
  const namespaces = new Map<string, { site: string; path: string }>();
  const nodes = new Map<string, { site: string; path: string }>();
  const why = 'sites that join the hub\'s control plane share its cluster';
  for (const { spec, path } of sites.filter((s) => joinsHubControlPlane(s.spec))) {
    for (const ns of spec.namespaces) {
      const first = namespaces.get(ns);
      if (first && first.site !== spec.name) {
        problems.push({ path: childPath(path, 'namespaces'), message: `namespace "${ns}" is also site ${first.site}'s (${first.path}); ${why}, so each needs namespaces of its own (e.g. ${spec.name}-${ns})` });
      } else if (!first) namespaces.set(ns, { site: spec.name, path });
    }
    spec.nodes.forEach((node, i) => {
      const first = nodes.get(node.name);
      if (first && first.site !== spec.name) {
        problems.push({ path: childPath(childPath(childPath(path, 'nodes'), i), 'name'), message: `node "${node.name}" is also a node of site ${first.site} (${first.path}); ${why}, where a node name is one Node` });
      } else if (!first) nodes.set(node.name, { site: spec.name, path: childPath(childPath(path, 'nodes'), i) });
    });
  }
  return problems;
}
