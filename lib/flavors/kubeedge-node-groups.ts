import { Construct } from 'constructs';
import { NodeGroup } from '../../imports/apps.kubeedge.io';
import { EdgeSite } from '../fleet/edge-site';
import { TIER_LABEL, Tier, TIERS } from '../core/spec/tier';
import { nodeGroupName, runsEdgeCore } from '../core/site/flavor-labels';

/**
 * The node groups of a KubeEdge site (`apps.kubeedge.io/v1alpha1`): one per tier of
 * its EdgeCore nodes, which a site with one tier makes one group per site. Members
 * are listed by name, not by label: the site's cloud-side servers carry the same
 * site labels and must never run what is spread over the edge. CloudCore labels each
 * member `apps.kubeedge.io/belonging-to=<group>` (a node is in one group at a time)
 * and pins each group's copy of an EdgeApplication to it.
 */
export class KubeEdgeNodeGroups extends Construct {
  /** The groups, by tier. */
  public readonly groups: ReadonlyMap<Tier, NodeGroup>;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const site = EdgeSite.of(this).spec;
    const edge = site.nodes.filter((n) => runsEdgeCore(n, site));
    const groups = new Map<Tier, NodeGroup>();
    for (const tier of TIERS.filter((t) => edge.some((n) => n.tier === t))) {
      groups.set(tier, new NodeGroup(this, `Group-${tier}`, {
        metadata: { name: nodeGroupName(site.name, tier), labels: { [TIER_LABEL]: tier } },
        spec: { nodes: edge.filter((n) => n.tier === tier).map((n) => n.name).sort() },
      }));
    }
    this.groups = groups;
  }
}
