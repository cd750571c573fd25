import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { SITE_LABEL } from '../private/labels';
import { EdgeSite } from '../site/edge-site';
import type { ClusterFlavor, ResolvedSiteSpec } from '../site/site-spec';

/**
 * Sites whose nodes join the hub's control plane (OpenYurt Edge pools, KubeEdge
 * EdgeCore nodes) share one cluster with every other such site: a pod that may run
 * on any edge node of the right tier, and a DaemonSet that tolerates every edge
 * taint, would run on other sites' nodes too. Every node of a site carries the
 * site label `edge.site=<site>`: OpenYurt nodes from their registration flags and
 * their NodePool's `spec.labels`, KubeEdge nodes from EdgeCore's `nodeLabels` and
 * the Node label patch. So every pod template of such a site selects it.
 */

/** The flavors whose nodes join the hub's control plane. */
export const SHARED_CONTROL_PLANE_FLAVORS: readonly ClusterFlavor[] = ['openyurt', 'kubeedge'];

/** Whether the site's nodes join the hub's control plane, shared with the fleet's other such sites. */
export function joinsHubControlPlane(site: Pick<ResolvedSiteSpec, 'cluster'>): boolean {
  return SHARED_CONTROL_PLANE_FLAVORS.includes(site.cluster.flavor);
}

/** Where the pod spec is, by kind, for the built-in kinds that carry one. */
const POD_SPEC_PATHS: Readonly<Record<string, string>> = {
  'Pod': '/spec',
  'Deployment': '/spec/template/spec',
  'DaemonSet': '/spec/template/spec',
  'StatefulSet': '/spec/template/spec',
  'ReplicaSet': '/spec/template/spec',
  'Job': '/spec/template/spec',
  'CronJob': '/spec/jobTemplate/spec/template/spec',
};

function at(json: any, pointer: string): any {
  return pointer.split('/').slice(1).reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), json);
}

/**
 * Pins every pod of a shared-control-plane site to the site's nodes: adds
 * `edge.site: <site>` to the `nodeSelector` of every built-in workload of the site
 * (Deployments, DaemonSets, StatefulSets, Jobs, CronJobs, Pods, whoever made them).
 * The spread workloads (YurtAppSet, EdgeApplication) select the site in their
 * own templates. EdgeSite creates it after its components, so it sees them all;
 * objects added to the site later are the convergence check's to catch.
 */
export class SiteNodePinning extends Construct {
  /** The objects whose pods were pinned, as `Kind namespace/name`. */
  public readonly pinned: readonly string[];

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const pinned: string[] = [];
    for (const object of site.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
      const path = POD_SPEC_PATHS[object.kind];
      if (!path || !object.apiVersion.match(/^(v1|apps\/v1|batch\/v1)$/)) continue;
      const spec = at(object.toJson(), path);
      if (!spec) continue;
      const selector = spec.nodeSelector;
      if (selector?.[SITE_LABEL] === site.spec.name) continue;
      object.addJsonPatch(selector
        ? JsonPatch.add(`${path}/nodeSelector/${SITE_LABEL}`, site.spec.name)
        : JsonPatch.add(`${path}/nodeSelector`, { [SITE_LABEL]: site.spec.name }));
      pinned.push(`${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.name}`);
    }
    this.pinned = pinned;
  }
}
