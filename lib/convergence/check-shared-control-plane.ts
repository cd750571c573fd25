import { SITE_LABEL } from '../core/site/labels';
import type { Problem } from '../core/validation/problems';
import type { ModelNode } from './cluster-model';
import { unschedulableReason } from './selectors';
import { describeSiteObject } from './site-object';

/** What one site writes into a control plane it shares with other sites. */
export interface SharedControlPlaneFootprint {
  readonly site: string;
  /** `group/Kind namespace/name` of every object, with the construct path it comes from. */
  readonly objects: readonly { readonly key: string; readonly path: string }[];
  /** The PriorityClasses the site makes the cluster's default (Kubernetes admits one). */
  readonly defaultPriorityClasses: readonly { readonly key: string; readonly path: string }[];
  /** Every DaemonSet's pod spec, with where it is reported. */
  readonly daemonSets: readonly { readonly path: string; readonly description: string; readonly spec: any }[];
  /** The site's nodes. */
  readonly nodes: readonly ModelNode[];
}

/** A site's footprint on a shared control plane, from its objects. */
export function sharedControlPlaneFootprint(site: string, objects: readonly { path: string; object: any }[], nodes: readonly ModelNode[]): SharedControlPlaneFootprint {
  return {
    site, nodes,
    objects: objects.map(({ path, object }) => ({ key: `${String(object.apiVersion).split('/').slice(0, -1).join('/') || 'core'}/${describeSiteObject(object)}`, path })),
    defaultPriorityClasses: objects.filter(({ object }) => object.kind === 'PriorityClass' && object.globalDefault === true)
      .map(({ path, object }) => ({ key: describeSiteObject(object), path })),
    daemonSets: objects.filter(({ object }) => object.kind === 'DaemonSet').map(({ path, object }) => ({ path, description: describeSiteObject(object), spec: object.spec?.template?.spec ?? {} })),
  };
}

/**
 * Sites whose nodes join one control plane (the hub's) never write the same object, and a
 * DaemonSet of one site never runs on another site's nodes.
 */
export function checkSharedControlPlane(footprints: readonly SharedControlPlaneFootprint[]): Problem[] {
  const problems: Problem[] = [];
  const owners = new Map<string, string>();
  for (const footprint of footprints) {
    for (const { key, path } of footprint.objects) {
      const owner = owners.get(key);
      if (owner !== undefined && owner !== footprint.site) {
        problems.push({ path, message: `${key.split('/').slice(1).join('/')} is also written by site ${owner}, which shares the hub's control plane: the two GitOps bundles would fight over one object` });
      } else owners.set(key, footprint.site);
    }
  }
  const defaults = footprints.flatMap((f) => f.defaultPriorityClasses.map((d) => ({ ...d, site: f.site })));
  for (const extra of defaults.slice(1)) {
    problems.push({ path: extra.path, message: `${extra.key} is the cluster's default priority, and so is ${defaults[0].key} of site ${defaults[0].site} on the same control plane: Kubernetes admits only one default PriorityClass` });
  }
  // Nodes by the site label they carry: a DaemonSet that selects a site can only land on its nodes,
  // so a fleet of thousands of hub-joined sites is checked in linear time.
  const allNodes = footprints.flatMap((f) => f.nodes);
  const bySite = new Map<string, ModelNode[]>();
  for (const node of allNodes) {
    const value = node.labels[SITE_LABEL];
    const nodes = bySite.get(value);
    if (nodes) nodes.push(node);
    else bySite.set(value, [node]);
  }
  for (const footprint of footprints) {
    for (const daemonSet of footprint.daemonSets) {
      const selected = daemonSet.spec.nodeSelector?.[SITE_LABEL] as string | undefined;
      const candidates = selected !== undefined ? bySite.get(selected) ?? [] : allNodes;
      const foreign = candidates.filter((node) => node.site !== footprint.site && unschedulableReason(daemonSet.spec, node) === undefined);
      if (foreign.length > 0) {
        problems.push({ path: daemonSet.path, message: `${daemonSet.description} would also run on nodes of other sites of the shared control plane: ${foreign.map((n) => `${n.site}/${n.name}`).join(', ')}; select the site's own nodes (edge.site)` });
      }
    }
  }
  return problems;
}
