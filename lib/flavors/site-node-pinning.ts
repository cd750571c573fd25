import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { SITE_LABEL } from '../private/labels';
import { EdgeSite } from '../site/edge-site';
import { clusterObjectName, joinsHubControlPlane } from '../site/shared-control-plane';

export { joinsHubControlPlane };

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
/** Cluster-wide objects every site writes under one name, and so takes the site name on a shared control plane. */
const SITE_SCOPED_KINDS = ['PriorityClass', 'ClusterRole', 'ClusterRoleBinding'];
const BUILT_IN = /^(v1|apps\/v1|batch\/v1|scheduling\.k8s\.io\/v1|rbac\.authorization\.k8s\.io\/v1)$/;

function at(json: any, pointer: string): any {
  return pointer.split('/').slice(1).reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), json);
}

/**
 * Makes a site whose nodes join the hub's control plane (OpenYurt, KubeEdge) safe
 * to apply next to the fleet's other such sites, after its components are built:
 *  - every pod selects the site's nodes: `edge.site: <site>` joins the
 *    `nodeSelector` of every built-in workload (Deployments, DaemonSets,
 *    StatefulSets, Jobs, CronJobs, Pods, whoever made them). Every node of such a
 *    site carries that label: OpenYurt nodes from their registration flags and their
 *    NodePool's `spec.labels`, KubeEdge nodes from EdgeCore's `nodeLabels`. The
 *    spread workloads (YurtAppSet, EdgeApplication) select it in their own templates;
 *  - the cluster-wide objects every site writes under one name (PriorityClasses,
 *    ClusterRoles, ClusterRoleBindings) become `<site>-<name>`, and so do the
 *    references to them (pods' `priorityClassName`, bindings' `roleRef`).
 * The site's own namespaces are site-scoped at the source (`platformNamespace`).
 * Objects added to the site after its constructor are the convergence check's to catch.
 */
export class SiteNodePinning extends Construct {
  /** The objects whose pods were pinned, as `Kind namespace/name`. */
  public readonly pinned: readonly string[];
  /** The cluster-wide objects renamed with the site, as `Kind old -> new`. */
  public readonly renamed: readonly string[];

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const scoped = (name: string) => (name.startsWith(`${site.spec.name}-`) ? name : clusterObjectName(site.spec, name));
    const pinned: string[] = [];
    const renamed: string[] = [];
    const objects = site.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && BUILT_IN.test(c.apiVersion))
      .map((object) => ({ object, json: object.toJson() }));
    // Only references to the site's own objects move with them: `system-node-critical`, `view` stay.
    const own = (kind: string) => new Set(objects.filter((o) => o.object.kind === kind).map((o) => o.json.metadata.name as string));
    const priorityClasses = own('PriorityClass');
    const clusterRoles = own('ClusterRole');
    for (const { object, json } of objects) {
      if (SITE_SCOPED_KINDS.includes(object.kind) && scoped(json.metadata.name) !== json.metadata.name) {
        object.addJsonPatch(JsonPatch.replace('/metadata/name', scoped(json.metadata.name)));
        renamed.push(`${object.kind} ${json.metadata.name} -> ${scoped(json.metadata.name)}`);
      }
      if ((object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') && json.roleRef?.kind === 'ClusterRole' && clusterRoles.has(json.roleRef.name)) {
        object.addJsonPatch(JsonPatch.replace('/roleRef/name', scoped(json.roleRef.name)));
      }
      const path = POD_SPEC_PATHS[object.kind];
      const spec = path ? at(json, path) : undefined;
      if (!spec) continue;
      if (priorityClasses.has(spec.priorityClassName)) object.addJsonPatch(JsonPatch.replace(`${path}/priorityClassName`, scoped(spec.priorityClassName)));
      if (spec.nodeSelector?.[SITE_LABEL] === site.spec.name) continue;
      object.addJsonPatch(spec.nodeSelector
        ? JsonPatch.add(`${path}/nodeSelector/${SITE_LABEL}`, site.spec.name)
        : JsonPatch.add(`${path}/nodeSelector`, { [SITE_LABEL]: site.spec.name }));
      pinned.push(`${object.kind} ${json.metadata.namespace ? `${json.metadata.namespace}/` : ''}${json.metadata.name}`);
    }
    this.pinned = pinned;
    this.renamed = renamed;
  }
}
