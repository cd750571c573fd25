import { Construct } from 'constructs';
import { NodePoolV1Beta1 } from '../../imports/apps.openyurt.io';
import { SITE_LABEL } from '../core/site/labels';
import { EdgeSite } from '../fleet/edge-site';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { EDGE_ROLE_LABEL, EDGE_TAINT_KEY, TIER_LABEL, Tier, TIERS } from '../core/spec/tier';
import { AUTONOMY_DURATION_ANNOTATION, cloudPoolName, nodePoolName } from '../core/site/flavor-labels';

/**
 * The node pools of an OpenYurt site (`apps.openyurt.io/v1beta1`, the storage
 * version of the pinned yurt-manager chart 1.4.2, which serves v1alpha1 and v1beta1
 * only: ../shared/charts/yurt-manager/1.4.2/crds.txt): one Edge pool per tier of the site's agents and one Cloud pool for its
 * servers. A pool is the reconciled home of its nodes' cluster-side labels and of
 * the tier's taint: yurt-manager's nodepool controller writes `spec.labels`,
 * `spec.annotations` and `spec.taints` onto every member node ("If specified, the
 * Labels will be added to all nodes", v1beta1 NodePool CRD of OpenYurt v1.4.2), so
 * they stay right after registration, where a Node label patch would be applied
 * once. This is how the nodes get the edge role label `node-role.kubernetes.io/edge`,
 * which a kubelet may not give itself (NodeRestriction) and which the edge-node
 * scrape job selects on. Nodes join their pool through the pool label in their node files.
 * Edge pools also carry the autonomy annotation: their pods are not evicted while
 * the node is cut off from the cloud for up to the site's offline tolerance.
 */
export class OpenYurtNodePools extends Construct {
  /** The Edge pools, by tier. */
  public readonly edgePools: ReadonlyMap<Tier, NodePoolV1Beta1>;
  /** The Cloud pool of the site's servers, when it has any. */
  public readonly cloudPool?: NodePoolV1Beta1;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const site = EdgeSite.of(this).spec;
    const pools = new Map<Tier, NodePoolV1Beta1>();
    for (const tier of TIERS.filter((t) => site.nodes.some((n) => n.role === 'agent' && n.tier === t))) {
      pools.set(tier, new NodePoolV1Beta1(this, `Pool-${tier}`, {
        metadata: { name: nodePoolName(site.name, tier), labels: { [TIER_LABEL]: tier } },
        spec: {
          type: 'Edge',
          labels: { ...nodeLabels(site), [TIER_LABEL]: tier },
          annotations: { [AUTONOMY_DURATION_ANNOTATION]: site.connectivity.offlineTolerance },
          taints: [{ key: EDGE_TAINT_KEY, value: tier, effect: 'NoSchedule' }],
        },
      }));
    }
    this.edgePools = pools;
    const servers = site.nodes.filter((n) => n.role === 'server');
    if (servers.length > 0) {
      // Servers carry no edge taint: they also run the cluster's own add-ons. Their
      // tier is a pool label only when they share one; the pool object itself has no
      // tier label, so a workload spread over the site's Edge pools never lands here.
      const tiers = new Set(servers.map((n) => n.tier));
      this.cloudPool = new NodePoolV1Beta1(this, 'Pool-cloud', {
        metadata: { name: cloudPoolName(site.name) },
        spec: {
          type: 'Cloud',
          labels: { ...nodeLabels(site), ...(tiers.size === 1 ? { [TIER_LABEL]: servers[0].tier } : {}) },
        },
      });
    }
  }
}

/** The labels every node of the site carries from the cluster side. */
function nodeLabels(site: ResolvedSiteSpec): Record<string, string> {
  return {
    [EDGE_ROLE_LABEL]: '',
    [SITE_LABEL]: site.name,
    ...(site.region ? { 'topology.kubernetes.io/region': site.region } : {}),
    ...(site.zone ? { 'topology.kubernetes.io/zone': site.zone } : {}),
  };
}
