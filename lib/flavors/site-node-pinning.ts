import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { SITE_LABEL } from '../core/site/labels';
import { EdgeSite } from '../fleet/edge-site';
import { clusterObjectName } from '../core/site/shared-control-plane';

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
 * It runs after the site's components, and again over objects added later.
 */
export class SiteNodePinning extends Construct {
  private readonly site: EdgeSite;
  private readonly handled = new WeakSet<ApiObject>();
  private readonly priorityClasses = new Set<string>();
  private readonly clusterRoles = new Set<string>();

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.site = EdgeSite.of(this);
    this.scopeObjects();
    // Objects added to the site after its constructor (sites composed in code) are
    // scoped when the tree is complete: before the site's other checks read the
    // objects (this validation is registered first), and before `toJson()`.
    this.site.node.addValidation({ validate: () => { this.scopeObjects(); return []; } });
  }

  /** Scopes every object of the site not scoped yet; idempotent. */
  public scopeObjects(): void {
    const site = this.site;
    const scoped = (name: string) => (name.startsWith(`${site.spec.name}-`) ? name : clusterObjectName(site.spec, name));
    const objects = site.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && BUILT_IN.test(c.apiVersion) && !this.handled.has(c))
      .map((object) => ({ object, json: object.toJson() }));
    // Only references to the site's own objects move with them: `system-node-critical`, `view` stay.
    for (const { object, json } of objects) {
      if (object.kind === 'PriorityClass') this.priorityClasses.add(json.metadata.name);
      if (object.kind === 'ClusterRole') this.clusterRoles.add(json.metadata.name);
    }
    for (const { object, json } of objects) {
      this.handled.add(object);
      if (SITE_SCOPED_KINDS.includes(object.kind) && scoped(json.metadata.name) !== json.metadata.name) {
        object.addJsonPatch(JsonPatch.replace('/metadata/name', scoped(json.metadata.name)));
      }
      if ((object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') && json.roleRef?.kind === 'ClusterRole' && this.clusterRoles.has(json.roleRef.name)) {
        object.addJsonPatch(JsonPatch.replace('/roleRef/name', scoped(json.roleRef.name)));
      }
      const path = POD_SPEC_PATHS[object.kind];
      const spec = path ? at(json, path) : undefined;
      if (!spec) continue;
      if (this.priorityClasses.has(spec.priorityClassName)) object.addJsonPatch(JsonPatch.replace(`${path}/priorityClassName`, scoped(spec.priorityClassName)));
      if (spec.nodeSelector?.[SITE_LABEL] === site.spec.name) continue;
      object.addJsonPatch(spec.nodeSelector
        ? JsonPatch.add(`${path}/nodeSelector/${SITE_LABEL}`, site.spec.name)
        : JsonPatch.add(`${path}/nodeSelector`, { [SITE_LABEL]: site.spec.name }));
    }
  }
}
