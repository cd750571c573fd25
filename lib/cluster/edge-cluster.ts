import { Construct } from 'constructs';
import { KubeEdgeNodeGroups } from '../flavors/kubeedge-node-groups';
import { OpenYurtNodePools } from '../flavors/openyurt-node-pools';
import { SiteNodePinning } from '../flavors/site-node-pinning';
import { joinsHubControlPlane } from '../core/site/shared-control-plane';
import { EdgeSite } from '../fleet/edge-site';
import { K3sUpgradePlans } from './k3s-upgrade-plans';
import { hasNvidiaNodes, k3sProvidesNvidiaRuntimeClass, NvidiaRuntimeClass } from './nvidia-runtime-class';
import { airGapProblems } from './private/air-gap';

/**
 * What a site's `cluster:` block adds to the site besides its node files: the
 * OpenYurt node pools or KubeEdge node groups of its flavor, the k3s upgrade Plans
 * when it asks for upgrades, the `nvidia` RuntimeClass where k3s does not create it, and for an air-gapped site the synth-time check that
 * every image comes through a registry mirror. For a site whose nodes join the
 * hub's control plane (OpenYurt, KubeEdge), every pod of the site is pinned to the
 * site's nodes. EdgeSite creates it after its workloads, so the upgrade Plans and
 * the pinning see them.
 */
export class EdgeCluster extends Construct {
  /** The node pools of an OpenYurt site. */
  public readonly nodePools?: OpenYurtNodePools;
  /** The node groups of a KubeEdge site. */
  public readonly nodeGroups?: KubeEdgeNodeGroups;
  /** The upgrade Plans, when `cluster.upgrade` is given. */
  public readonly upgradePlans?: K3sUpgradePlans;
  /** The `nvidia` RuntimeClass, on sites with NVIDIA accelerator nodes whose cluster gets none from k3s. */
  public readonly nvidiaRuntimeClass?: NvidiaRuntimeClass;
  /** The pinning of every pod to the site's nodes, when the site shares the hub's control plane. */
  public readonly sitePinning?: SiteNodePinning;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const cluster = site.spec.cluster;
    if (cluster.flavor === 'openyurt') this.nodePools = new OpenYurtNodePools(this, 'NodePools');
    if (cluster.flavor === 'kubeedge') this.nodeGroups = new KubeEdgeNodeGroups(this, 'NodeGroups');
    if (cluster.upgrade) this.upgradePlans = new K3sUpgradePlans(this, 'Upgrade');
    // Sites that join the hub's control plane share its RuntimeClasses: writing one there would clash.
    if (cluster.flavor === 'k3s' && hasNvidiaNodes(site.spec) && !k3sProvidesNvidiaRuntimeClass(site.spec)) {
      this.nvidiaRuntimeClass = new NvidiaRuntimeClass(this, 'NvidiaRuntimeClass', { site: site.spec });
    }
    if (joinsHubControlPlane(site.spec)) this.sitePinning = new SiteNodePinning(this, 'SitePinning');
    // On the site itself, like its capacity check: the images are the whole site's.
    if (cluster.airGap) site.node.addValidation({ validate: () => airGapProblems(site) });
  }
}
