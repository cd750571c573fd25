import type { ClusterFlavor, ClusterSpec } from '../spec/cluster-spec';

/**
 * Sites whose nodes join the hub's control plane (OpenYurt Edge pools, KubeEdge
 * EdgeCore nodes) write their folders into one cluster, the hub's, next to every
 * other such site. So every object of such a site is either site-scoped or has a
 * single owner:
 *  - its platform namespaces (`edge-system`, `monitoring`, ...) are its own,
 *    `<site>-<namespace>` ({@link platformNamespace});
 *  - its cluster-wide objects that every site would write under one name
 *    (PriorityClasses, ClusterRoles and their bindings) carry the site name;
 *  - namespaces and nodes it names itself must be unique among those sites (checked
 *    by the fleet);
 *  - every pod selects the site's nodes (`edge.site=<site>`).
 * Sites with a cluster of their own keep the plain names.
 */

/** Namespaces every site has (site-scoped on the hub's shared control plane: `platformNamespace`). */
export const PLATFORM_NAMESPACES: readonly string[] = ['edge-system', 'monitoring'];

/**
 * Folder under `gitops/flux/` whose kustomization lists the Flux folder of every site that
 * joins the hub's control plane: the hub's Flux applies it, bootstrapping all of them at once.
 * Not a DNS label, so no site can be named like it.
 */
export const HUB_FLUX_FOLDER = '_hub';

/** The flavors whose nodes join the hub's control plane. */
export const SHARED_CONTROL_PLANE_FLAVORS: readonly ClusterFlavor[] = ['openyurt', 'kubeedge'];

/** Whether the site's nodes join the hub's control plane, shared with the fleet's other such sites. */
export function joinsHubControlPlane(site: { readonly cluster?: Pick<ClusterSpec, 'flavor'> }): boolean {
  return SHARED_CONTROL_PLANE_FLAVORS.includes(site.cluster?.flavor ?? 'k3s');
}

/**
 * The name of one of the library's own namespaces (`edge-system`, `monitoring`,
 * `devices`) for a site: the name itself on a cluster of the site's own,
 * `<site>-<name>` on the hub's shared control plane.
 */
export function platformNamespace(site: { readonly name: string; readonly cluster?: Pick<ClusterSpec, 'flavor'> }, name: string): string {
  return joinsHubControlPlane(site) ? `${site.name}-${name}` : name;
}

/** The name of a cluster-wide object every site writes (a PriorityClass, a ClusterRole): site-scoped on the shared control plane. */
export function clusterObjectName(site: { readonly name: string; readonly cluster?: Pick<ClusterSpec, 'flavor'> }, name: string): string {
  return joinsHubControlPlane(site) ? `${site.name}-${name}` : name;
}
