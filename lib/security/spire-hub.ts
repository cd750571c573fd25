import { childPath, Problem } from '../core/validation/problems';
import type { ResolvedSiteSpec, SiteSpec } from '../core/spec/site-spec';
import type { CloudHubOptions, HubSpireEdgeCluster } from '../terraform/cloud-hub-options';

/**
 * Hub-mode SPIRE: one trust domain, one SPIRE server at the hub, and each hub-mode
 * site's cluster attested, registered and bootstrapped by that server. What a site
 * writes (SpireEdge with `hubServer`) and what the hub's spire chart is configured
 * with (CloudHubStack's `spireServer`) meet in the names below, so they live in one
 * place and both sides read them from here.
 */

/**
 * Port of the hub SPIRE server's Service, the chart's `spire-server.service.port`
 * default (spire 0.29.0 charts/spire-server/values.yaml); the Service forwards it to
 * the server's 8081.
 */
export const SPIRE_HUB_SERVER_PORT = 443;
/** Namespace of a hub-mode site's agents, bundle ConfigMap and the hub's account. */
export const SPIRE_HUB_SITE_NAMESPACE = 'spire-system';
/**
 * Namespace of the platform layer's SPIRE releases (the site's CSI driver, the hub's server);
 * the hub's controller managers keep their leader-election Lease in the release's namespace
 * (spire chart 0.29.0: `leaderElection.resourceNamespace` is the server's namespace), also in
 * the site cluster they reconcile.
 */
export const SPIRE_PLATFORM_NAMESPACE = 'spire-platform';
/** Service account of a site's agents: the only one the hub's k8s_psat entry for the site accepts. */
export const SPIRE_HUB_AGENT_ACCOUNT = 'spire-agent';
/** Audience of the agents' projected token, which the hub's k8s_psat entry checks. */
export const SPIRE_HUB_PSAT_AUDIENCE = 'spire-server';
/** ConfigMap (in `spire-system`) the hub's k8s_configmap bundle publisher keeps the trust bundle in. */
export const SPIRE_HUB_BUNDLE_CONFIG_MAP = 'spire-bundle';
/** Key of the bundle in that ConfigMap, read by the agents' `trust_bundle_path`. */
export const SPIRE_HUB_BUNDLE_KEY = 'bundle.crt';
/** Format of the published bundle: the agents read `trust_bundle_format = "pem"`. */
export const SPIRE_HUB_BUNDLE_FORMAT = 'pem';
/** Class of the sites' ClusterSPIFFEIDs, which the hub's controller manager for each site watches. */
export const SPIRE_CONTROLLER_CLASS = 'cdk8s-edge';
/**
 * Namespaces no controller manager registers workloads in (its `ignoreNamespaces`,
 * regular expressions: anchored, they name exactly these).
 */
export const SPIRE_IGNORED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'spire-system', 'spire-server'].map((ns) => `^${ns}$`);
/**
 * The hub's SPIRE server and its controller manager for a site act in the site's
 * cluster as this ServiceAccount of `spire-system` (SpireEdge creates it and its
 * RBAC; its token is issued out of band): the kubeconfig of each site in the hub's
 * kubeconfig Secret authenticates as it.
 */
export const SPIRE_HUB_ACCOUNT = 'spire-hub';

/** A site with its inventory path, as the inventory reader keeps them. */
export interface LocatedSite {
  readonly spec: ResolvedSiteSpec;
  readonly path: string;
}

/** The SPIRE cluster names of the sites whose agents attest to the hub's server, in site order. */
export function hubSpireClusters(sites: readonly (SiteSpec | ResolvedSiteSpec)[]): HubSpireEdgeCluster[] {
  return sites
    .filter((s) => s.components?.spire?.hubServer !== undefined)
    .map((s) => ({ clusterName: s.components!.spire!.clusterName ?? s.name }));
}

/**
 * The hub with its SPIRE server attesting every hub-mode site of the fleet, unless
 * the hub lists its edge clusters itself. Like the hub's flavors, the list comes from
 * the whole fleet, so a run over some sites writes the same hub as a full one.
 */
export function hubWithSpireSites(hub: CloudHubOptions, sites: readonly (SiteSpec | ResolvedSiteSpec)[]): CloudHubOptions {
  if (!hub.spireServer || hub.spireServer.edgeClusters !== undefined) return hub;
  const edgeClusters = hubSpireClusters(sites);
  if (edgeClusters.length === 0) return hub;
  return { ...hub, spireServer: { ...hub.spireServer, edgeClusters } };
}

/**
 * What a hub-mode site and the hub's SPIRE server must agree on: a hub that runs the
 * server at all, one trust domain (SVIDs of another trust domain are not signed by
 * the hub), the port of the hub's Service, and cluster names unique among the hub's
 * k8s_psat clusters (its own and each site's).
 */
export function hubSpireProblems(hub: CloudHubOptions, sites: readonly LocatedSite[], hubPath = 'terraform.hub'): Problem[] {
  const problems: Problem[] = [];
  const server = hub.spireServer;
  const hubName = server?.clusterName ?? 'cloud-hub';
  const seen = new Map<string, string>([[hubName, `the hub's own cluster (${childPath(childPath(hubPath, 'spireServer'), 'clusterName')})`]]);
  for (const { spec, path } of sites) {
    const spire = spec.components.spire;
    if (!spire?.hubServer) continue;
    const at = childPath(childPath(path, 'components'), 'spire');
    if (!server) {
      problems.push({ path: childPath(at, 'hubServer'), message: `points the agents at a hub SPIRE server, but ${hubPath} runs none; add ${hubPath}.spireServer with trustDomain ${spire.trustDomain}` });
      continue;
    }
    if (spire.trustDomain !== server.trustDomain) {
      problems.push({
        path: childPath(at, 'trustDomain'),
        message: `"${spire.trustDomain}" differs from the hub SPIRE server's trust domain "${server.trustDomain}" (${childPath(childPath(hubPath, 'spireServer'), 'trustDomain')}); a site whose agents attest to the hub is in the hub's trust domain, so set trustDomain: ${server.trustDomain}`,
      });
    }
    const port = spire.hubServer.port ?? SPIRE_HUB_SERVER_PORT;
    if (port !== SPIRE_HUB_SERVER_PORT) {
      problems.push({ path: childPath(childPath(at, 'hubServer'), 'port'), message: `is ${port}, but the hub SPIRE server's Service listens on ${SPIRE_HUB_SERVER_PORT}; remove port or set ${SPIRE_HUB_SERVER_PORT}` });
    }
    const cluster = spire.clusterName ?? spec.name;
    const first = seen.get(cluster);
    if (first) {
      problems.push({ path: childPath(at, 'clusterName'), message: `"${cluster}" is already the SPIRE cluster name of ${first}; the hub attests each cluster by its own name, so give this site another clusterName` });
    } else {
      seen.set(cluster, `site ${spec.name}`);
    }
  }
  return problems;
}
