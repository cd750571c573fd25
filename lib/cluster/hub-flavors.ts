import { runsEdgeCore } from '../core/site/flavor-labels';
import { childPath, Problem } from '../core/validation/problems';
import type { ResolvedSiteSpec, SiteSpec } from '../core/spec/site-spec';
import { joinsHubControlPlane } from '../core/site/shared-control-plane';
import { CloudHubOptions, sharedControlPlaneAgentProblem } from '../terraform/cloud-hub-options';

/**
 * What the cloud hub must run for the fleet's cluster flavors: OpenYurt sites need
 * the hub's yurt-manager, KubeEdge sites its CloudCore, reachable at the address
 * their EdgeCore nodes dial (CloudCore's certificate names only its advertised
 * addresses and DNS names).
 */

/**
 * The hub with the sites that join its control plane (`sharedControlPlane`), whose platform
 * layer its stack installs; unchanged when it names them already (a fleet built apart from
 * its sites) or no site joins it.
 */
export function hubWithSharedControlPlaneSites(hub: CloudHubOptions, sites: readonly (SiteSpec | ResolvedSiteSpec)[]): CloudHubOptions {
  const joined = sites.filter(joinsHubControlPlane);
  if (hub.sharedControlPlane !== undefined || joined.length === 0) return hub;
  const gpus = joined.some((s) => s.nodes.some((n) => n.accelerator?.kind === 'nvidia-gpu'));
  return { ...hub, sharedControlPlane: { sites: joined.map((s) => s.name), ...(gpus ? { nvidiaDevicePlugin: true } : {}) } };
}

/**
 * What a site that joins the hub's control plane cannot ask for: the parts of a platform layer
 * that exist once per cluster and would be the site's own (its CNI, Longhorn, a Prometheus
 * Operator selecting its monitors, the custom-metrics API its HPAs read). The hub's cluster
 * has one of each for every site on it, and the hub's stack installs none of them.
 */
export function sharedControlPlaneSiteProblems(site: ResolvedSiteSpec, path: string): Problem[] {
  if (!joinsHubControlPlane(site)) return [];
  const why = `site ${site.name} joins the hub's control plane (${site.cluster.flavor}), whose cluster`;
  const components = childPath(path, 'components');
  const problems: Problem[] = [];
  if (site.network.cni === 'cilium') {
    problems.push({ path: childPath(childPath(path, 'network'), 'cni'), message: `is cilium, but ${why} has one CNI for every site on it: leave cni out (kubernetes)` });
  }
  if (site.components.localStorage?.provisioner === 'longhorn') {
    problems.push({ path: childPath(childPath(components, 'localStorage'), 'provisioner'), message: `is longhorn, but ${why} the hub's stack installs no Longhorn into; use local` });
  }
  if (site.components.monitoring?.prometheusOperator === true) {
    problems.push({
      path: childPath(childPath(components, 'monitoring'), 'prometheusOperator'),
      message: `is true, but ${why} runs no Prometheus Operator of the site's; the site's own Prometheus scrapes its targets without one`,
    });
  }
  if ((site.components.aiInference?.length ?? 0) > 0 && site.components.monitoring?.mode === 'server') {
    problems.push({
      path: childPath(components, 'aiInference'),
      message: `scales on the Pods metric of the site's Prometheus, but ${why} serves custom.metrics.k8s.io from one adapter for all sites; run inference on a site with a cluster of its own`,
    });
  }
  return problems;
}

/**
 * Problems between the fleet's Terraform settings and its shared-control-plane sites: their
 * platform layer is the hub's stack, so the settings need a hub, and a GitOps agent the hub
 * can run for many sites at once (`sharedControlPlaneAgentProblem`).
 */
export function sharedControlPlaneTerraformProblems(
  terraform: { readonly hub?: CloudHubOptions; readonly gitopsAgent?: { readonly kind: string } },
  sites: readonly { spec: ResolvedSiteSpec; path: string }[],
): Problem[] {
  const joined = sites.filter((s) => joinsHubControlPlane(s.spec)).map((s) => s.spec.name);
  if (joined.length === 0) return [];
  if (!terraform.hub) {
    return [{ path: 'terraform.hub', message: `is required: sites ${joined.join(', ')} join the hub's control plane, and the hub's stack installs their platform layer` }];
  }
  const agentProblem = sharedControlPlaneAgentProblem(joined, terraform.gitopsAgent?.kind);
  return agentProblem ? [{ path: 'terraform.gitopsAgent.kind', message: agentProblem }] : [];
}

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
