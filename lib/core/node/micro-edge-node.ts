import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { runsEdgeCore } from '../site/flavor-labels';
import { k3sCredentialsDropIn, k3sEtcdSnapshotConfig, k3sRegistries, k3sSiteConfig, k3sTierConfig, nodeMirrors } from './k3s-config';
import { containerdMirrorHosts, kubeletFiles } from './kubelet-config';
import { clusterNodeLabels, nodeAllocatable, registrationLabels } from './node-config';
import { toYaml } from '../yaml';
import { EdgeSite } from '../../fleet/edge-site';
import { placePods, PodPlacement } from '../site/placement';
import type { ResolvedNodeSpec } from '../spec/site-spec';
import { EDGE_ROLE_LABEL, Tier, TierProfile, tierProfile } from '../spec/tier';
import { KUBEEDGE_VERSION } from '../versions';
import type { NodeAllocatable } from './capacity';
import { edgeCoreConfig, keadmJoinEnvironment } from './edgecore-config';
import { systemUpgradeControllerFiles } from './system-upgrade-controller';

/** A file for a node's disk (not a Kubernetes object), relative to `dist/nodes/<site>/<node>/`. */
export interface NodeFile {
  /** Path relative to the node's folder, e.g. `config.yaml.d/10-tier.yaml`. */
  readonly path: string;
  /** File content. */
  readonly content: string;
}

/** A registry mirror that a construct of the site runs, added to the node's container runtime config. */
export interface NodeRegistryMirror {
  /** The mirror's URL as the node reaches it, e.g. `http://127.0.0.1:30500`. */
  readonly endpoint: string;
  /** Registries pulled through it, e.g. `docker.io`; `*` for every registry. */
  readonly registries: readonly string[];
  /**
   * Absolute path, on the node, of the CA bundle that signed the mirror's certificate.
   * @default - the system trust store
   */
  readonly caFile?: string;
}

/** Props of a MicroEdgeNode. */
export interface MicroEdgeNodeProps {
  /** The node, as resolved from the SiteSpec. */
  readonly spec: ResolvedNodeSpec;
}

/** Annotations that make the Node label patch safe to roll out with GitOps. */
const LABEL_PATCH_ANNOTATIONS = {
  'edge.cdk8s.io/node-label-patch': 'Labels of a node that registered itself; apply with server-side apply, never prune',
  // Flux: merge our labels into the live Node and never delete the Node with the bundle.
  'kustomize.toolkit.fluxcd.io/ssa': 'Merge',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
  // Rancher Fleet (Helm): keep the Node when the bundle is removed.
  'helm.sh/resource-policy': 'keep',
};

/**
 * One node of a site. It writes the node's own files (k3s config drop-ins, the
 * registry mirror, a KubeletConfiguration drop-in for plain-kubelet nodes, or the EdgeCore
 * configuration for the edge nodes of a KubeEdge site) and a Node label patch: the
 * labels a kubelet may not set on itself (`node-role.kubernetes.io/edge`) and the
 * labels that must stay reconciled after the node registered. On an OpenYurt site
 * the node's pool keeps those labels instead, and there is no patch.
 */
export class MicroEdgeNode extends Construct {
  /** Node name. */
  public readonly name: string;
  /** The node's tier. */
  public readonly tier: Tier;
  /** What the tier means for this node. */
  public readonly profile: TierProfile;
  /** The node as resolved from the SiteSpec. */
  public readonly spec: ResolvedNodeSpec;
  /** The Node object that carries the cluster-side labels; none on OpenYurt sites, whose node pools carry them. */
  public readonly labelPatch?: k8s.KubeNode;
  /** Whether the node runs KubeEdge's EdgeCore (a kubelet agent of a `kubeedge` site). */
  public readonly edgeCore: boolean;
  private readonly mirrors: NodeRegistryMirror[] = [];

  public constructor(scope: Construct, id: string, props: MicroEdgeNodeProps) {
    super(scope, id);
    this.spec = props.spec;
    this.name = props.spec.name;
    this.tier = props.spec.tier;
    this.profile = tierProfile(this.tier);
    const site = EdgeSite.of(this).spec;
    this.edgeCore = runsEdgeCore(this.spec, site);
    if (site.cluster.flavor !== 'openyurt') {
      this.labelPatch = new k8s.KubeNode(this, 'LabelPatch', {
        metadata: {
          name: this.name,
          labels: { [EDGE_ROLE_LABEL]: '', ...registrationLabels(this.spec, site) },
          annotations: LABEL_PATCH_ANNOTATIONS,
        },
      });
    }
  }

  /** Labels the node carries once registered and patched (or put into its pool or group). */
  public get labels(): Readonly<Record<string, string>> {
    return clusterNodeLabels(this.spec, EdgeSite.of(this).spec);
  }

  /** Pod placement on this node only. */
  public placeOnNode(): PodPlacement {
    return placePods({ tiers: [this.tier], nodeName: this.name });
  }

  /** Pod placement on any node of this node's tier. */
  public placeOnTier(): PodPlacement {
    return placePods({ tiers: [this.tier] });
  }

  /** What the node offers to pods: capacity minus kubelet reservations and the hard eviction threshold. */
  public get allocatable(): NodeAllocatable {
    return nodeAllocatable(this.spec, EdgeSite.of(this).spec);
  }

  /**
   * Pulls the mirror's registries through it before the site's registryMirror; the
   * registry itself stays the last resort, so a mirror that is down only costs time.
   */
  public addRegistryMirror(mirror: NodeRegistryMirror): void {
    this.mirrors.push(mirror);
  }

  /** The registry mirrors the node pulls through, in the order it tries them. */
  public get registryMirrors(): readonly NodeRegistryMirror[] {
    return nodeMirrors(EdgeSite.of(this).spec, this.mirrors);
  }

  /** The node's own files, for `dist/nodes/<site>/<node>/`. */
  public files(): NodeFile[] {
    const site = EdgeSite.of(this).spec;
    if (this.edgeCore) {
      return [
        { path: 'kubeedge/edgecore.yaml', content: toYaml(edgeCoreConfig(this.spec, site)) },
        { path: 'kubeedge/keadm-join.env', content: keadmJoinEnvironment(this.spec, site, KUBEEDGE_VERSION) },
        ...containerdMirrorHosts(site, this.mirrors),
      ];
    }
    if (this.spec.runtime === 'kubelet') {
      return [...kubeletFiles(this.spec, site), ...containerdMirrorHosts(site, this.mirrors)];
    }
    const files: NodeFile[] = [
      { path: 'config.yaml.d/10-tier.yaml', content: toYaml(k3sTierConfig(this.spec, site)) },
      { path: 'config.yaml.d/20-site.yaml', content: toYaml(k3sSiteConfig(this.spec, site)) },
    ];
    const snapshots = k3sEtcdSnapshotConfig(this.spec, site);
    if (snapshots) files.push({ path: 'config.yaml.d/30-etcd-snapshots.yaml', content: toYaml(snapshots) });
    const credentials = k3sCredentialsDropIn(this.spec, site);
    if (credentials) files.push({ path: 'systemd/k3s.service.d/20-etcd-s3-credentials.conf', content: credentials });
    const registries = k3sRegistries(site, this.mirrors);
    if (registries) files.push({ path: 'registries.yaml', content: toYaml(registries) });
    files.push(...systemUpgradeControllerFiles(site, this.spec));
    return files;
  }
}
