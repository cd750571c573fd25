import type { GitOpsSettings } from '../../gitops/gitops-settings';
import type { SiteTerraformSettings, TerraformSettings } from '../../terraform/terraform-settings';
import type { EdgeAppOptions } from '../site/edge-app';
import type { ClusterSpec, ResolvedClusterSpec } from './cluster-spec';
import type { SiteComponentsSpec } from './site-components';
import type { Tier } from './tier';

export * from './cluster-spec';

/** Kubernetes minor versions the library synthesizes for. */
export const KUBERNETES_VERSIONS = ['1.25', '1.26', '1.27', '1.28', '1.29', '1.30', '1.31', '1.32'] as const;
/** A supported Kubernetes minor version, e.g. `'1.30'`. */
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];
/** The Kubernetes version of a site that does not name one. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.30';

/** Packaged k3s components a site may switch off (k3s `--disable`). */
export const K3S_COMPONENTS = ['coredns', 'servicelb', 'traefik', 'local-storage', 'metrics-server'] as const;
/** A packaged k3s component. */
export type K3sComponent = (typeof K3S_COMPONENTS)[number];

/** Accelerator kinds a node can declare; the node is labelled `accelerator=<kind>`. */
export const ACCELERATOR_KINDS = ['nvidia-jetson', 'nvidia-gpu', 'intel-gpu', 'intel-vpu', 'google-coral'] as const;
/** An accelerator kind. */
export type AcceleratorKind = (typeof ACCELERATOR_KINDS)[number];

/** How a node joins the site's cluster. */
export type NodeRole = 'server' | 'agent';
/**
 * What runs the node: k3s (config drop-ins), or a kubelet on the node's own
 * containerd: a plain kubelet (KubeletConfiguration), or on the agents of a
 * `kubeedge` site KubeEdge's EdgeCore, whose `edged` is a kubelet.
 */
export type NodeRuntime = 'k3s' | 'kubelet';
/** How the site enforces network policy. */
export type CniKind = 'kubernetes' | 'cilium';

/** The hardware of a node, used to check that what the site places on it fits. */
export interface NodeCapacity {
  /** CPU quantity, e.g. `'4'`. */
  readonly cpu: string;
  /** Memory quantity, e.g. `'4Gi'`. */
  readonly memory: string;
}

/** A local disk a node offers to workloads. */
export interface DiskSpec {
  /** Name of the disk, unique on the node (DNS-1123 label). */
  readonly name: string;
  /** Absolute mount path on the node, e.g. `/mnt/data`. */
  readonly path: string;
  /** Size, e.g. `'100Gi'`. */
  readonly capacity: string;
}

/** An accelerator a node carries. */
export interface AcceleratorSpec {
  /** What kind of accelerator. */
  readonly kind: AcceleratorKind;
  /**
   * How many devices.
   * @default 1
   */
  readonly count?: number;
}

/** One node of a site. */
export interface NodeSpec {
  /** Node name (DNS-1123 label), unique in the site; also its `kubernetes.io/hostname`. */
  readonly name: string;
  /**
   * The node's tier.
   * @default - the site's tier
   */
  readonly tier?: Tier;
  /**
   * `server` runs the control plane; `agent` joins a server.
   * @default 'server' for a site's only node, otherwise 'agent'
   */
  readonly role?: NodeRole;
  /**
   * What runs the node. On the agents of a `kubeedge` site, `kubelet` means EdgeCore
   * (KubeEdge's edged), and `k3s` a cloud-side k3s agent.
   * @default 'kubelet' (EdgeCore) for agents of `kubeedge` sites, otherwise 'k3s'
   */
  readonly runtime?: NodeRuntime;
  /** The node's CPU and memory. */
  readonly capacity: NodeCapacity;
  /**
   * Extra node labels (set at registration; `node-role.kubernetes.io/*` is not allowed here).
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Local disks the node offers.
   * @default - none
   */
  readonly disks?: readonly DiskSpec[];
  /**
   * An accelerator on the node.
   * @default - none
   */
  readonly accelerator?: AcceleratorSpec;
}

/** The network of a site. */
export interface NetworkSpec {
  /**
   * CIDRs of the site's own LAN (devices, PLCs, cameras).
   * @default []
   */
  readonly siteCidrs?: readonly string[];
  /**
   * CIDRs of the cloud endpoints the site talks to.
   * @default []
   */
  readonly cloudCidrs?: readonly string[];
  /**
   * `kubernetes`: NetworkPolicy enforced by the k3s network policy controller;
   * `cilium`: Cilium replaces flannel and enforces policy.
   * @default 'kubernetes'
   */
  readonly cni?: CniKind;
}

/** How the site lives with its uplink. */
export interface ConnectivitySpec {
  /**
   * How long the site must keep working with no uplink (a duration like `24h`).
   * @default '24h'
   */
  readonly offlineTolerance?: string;
  /**
   * How often the site syncs with the cloud when it can (a duration like `5m`).
   * @default '5m'
   */
  readonly syncInterval?: string;
}

/** The site's container registry mirror. */
export interface RegistryMirrorSpec {
  /** The mirror's URL, e.g. `https://registry.store-01.local:5000`. */
  readonly endpoint: string;
  /**
   * Upstream registries served through the mirror; `'*'` for every registry, which k3s
   * nodes read from the March 2024 releases on (v1.26.15+k3s1, v1.27.12+k3s1, v1.28.8+k3s1,
   * v1.29.3+k3s1, and every later minor).
   * @default ['docker.io', 'ghcr.io', 'quay.io', 'registry.k8s.io']
   */
  readonly registries?: readonly string[];
  /**
   * Absolute path, on each node, of the CA bundle that signed the mirror's certificate.
   * @default - the system trust store
   */
  readonly caFile?: string;
}

/** The typed description of one edge site, as written in the inventory or in code. */
export interface SiteSpec {
  /** Site name (DNS-1123 label), unique in the fleet; names the output folder. */
  readonly name: string;
  /**
   * Where the site is, for people.
   * @default - none
   */
  readonly location?: string;
  /**
   * The site's default tier, for nodes and workloads that do not name one.
   * @default 'micro'
   */
  readonly tier?: Tier;
  /**
   * Region label value (`topology.kubernetes.io/region`) of the site's nodes.
   * @default - none
   */
  readonly region?: string;
  /**
   * Zone label value (`topology.kubernetes.io/zone`) of the site's nodes.
   * @default - none
   */
  readonly zone?: string;
  /**
   * Kubernetes minor version the site runs, `'1.25'` to `'1.32'` (quoted in YAML).
   * @default '1.30'
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * How the cluster is formed.
   * @default - single server, token file at its default path
   */
  readonly cluster?: ClusterSpec;
  /** The site's nodes (at least one). */
  readonly nodes: readonly NodeSpec[];
  /**
   * The site's network.
   * @default - no site or cloud CIDRs, Kubernetes NetworkPolicy
   */
  readonly network?: NetworkSpec;
  /**
   * How the site lives with its uplink.
   * @default - 24h offline tolerance, 5m sync interval
   */
  readonly connectivity?: ConnectivitySpec;
  /**
   * The site's registry mirror.
   * @default - images are pulled from their registries directly
   */
  readonly registryMirror?: RegistryMirrorSpec;
  /**
   * Application namespaces of the site (besides `edge-system` and `monitoring`).
   * @default - the namespaces the apps name
   */
  readonly namespaces?: readonly string[];
  /**
   * The user's workloads.
   * @default []
   */
  readonly apps?: readonly EdgeAppOptions[];
  /**
   * The platform components the site runs, each with its options.
   * @default - none
   */
  readonly components?: SiteComponentsSpec;
  /**
   * What the site's cluster has that neither the site folder nor the platform layer creates
   * (credential Secrets, a CRD another team installs), so the convergence check can count on it.
   * @default - none: nothing is assumed
   */
  readonly prerequisites?: readonly Prerequisite[];
  /**
   * How Terraform reaches the site's cluster (when the inventory has a `terraform:` block).
   * @default - the fleet's `terraform.access`
   */
  readonly terraform?: SiteTerraformSettings;
}

/** A node with every default applied. */
export interface ResolvedNodeSpec {
  /** As `NodeSpec.name`, with its default applied. */
  readonly name: string;
  /** As `NodeSpec.tier`, with its default applied. */
  readonly tier: Tier;
  /** As `NodeSpec.role`, with its default applied. */
  readonly role: NodeRole;
  /** As `NodeSpec.runtime`, with its default applied. */
  readonly runtime: NodeRuntime;
  /** As `NodeSpec.capacity`, with its default applied. */
  readonly capacity: NodeCapacity;
  /** As `NodeSpec.labels`, with its default applied. */
  readonly labels: Readonly<Record<string, string>>;
  /** As `NodeSpec.disks`, with its default applied. */
  readonly disks: readonly DiskSpec[];
  /** As `NodeSpec.accelerator`, with its default applied. */
  readonly accelerator?: Required<AcceleratorSpec>;
}

/** A site with every default applied: what constructs read. */
export interface ResolvedSiteSpec {
  /** As `SiteSpec.name`, with its default applied. */
  readonly name: string;
  /** As `SiteSpec.location`, with its default applied. */
  readonly location?: string;
  /** As `SiteSpec.tier`, with its default applied. */
  readonly tier: Tier;
  /** As `SiteSpec.region`, with its default applied. */
  readonly region?: string;
  /** As `SiteSpec.zone`, with its default applied. */
  readonly zone?: string;
  /** As `SiteSpec.kubernetesVersion`, with its default applied. */
  readonly kubernetesVersion: KubernetesVersion;
  /** As `SiteSpec.cluster`, with its default applied. */
  readonly cluster: ResolvedClusterSpec;
  /** As `SiteSpec.nodes`, with its default applied. */
  readonly nodes: readonly ResolvedNodeSpec[];
  /** As `SiteSpec.network`, with its default applied. */
  readonly network: Required<NetworkSpec>;
  /** As `SiteSpec.connectivity`, with its default applied. */
  readonly connectivity: Required<ConnectivitySpec>;
  /** As `SiteSpec.registryMirror`, with its default applied. */
  readonly registryMirror?: Required<Omit<RegistryMirrorSpec, 'caFile'>> & Pick<RegistryMirrorSpec, 'caFile'>;
  /** As `SiteSpec.namespaces`, with its default applied. */
  readonly namespaces: readonly string[];
  /** As `SiteSpec.apps`, with its default applied. */
  readonly apps: readonly EdgeAppOptions[];
  /** As `SiteSpec.components`, with its default applied. */
  readonly components: SiteComponentsSpec;
  /** As `SiteSpec.prerequisites`, with the fleet default's first. @default - none */
  readonly prerequisites?: readonly Prerequisite[];
  /** As `SiteSpec.terraform`, with its default applied. */
  readonly terraform?: SiteTerraformSettings;
}

/** Fleet-wide defaults: any site field below, used by every site that does not set it. */
export interface FleetDefaults {
  /** @default 'micro' */
  readonly tier?: Tier;
  /** @default - none */
  readonly region?: string;
  /** @default '1.30' */
  readonly kubernetesVersion?: KubernetesVersion;
  /** Merged key by key under each site's `cluster`. @default - none */
  readonly cluster?: ClusterSpec;
  /** Merged key by key under each site's `network`. @default - none */
  readonly network?: NetworkSpec;
  /** Merged key by key under each site's `connectivity`. @default - none */
  readonly connectivity?: ConnectivitySpec;
  /** Used by sites with no mirror of their own. @default - none */
  readonly registryMirror?: RegistryMirrorSpec;
  /** Components every site runs; a site's own block for a component replaces the fleet's. @default - none */
  readonly components?: SiteComponentsSpec;
  /** Prerequisites every site's cluster has; a site's own list adds to them. @default - none */
  readonly prerequisites?: readonly Prerequisite[];
}

/** An inventory file: fleet defaults and the sites. */
export interface Inventory {
  /** Fleet-wide defaults. @default - none */
  readonly defaults?: FleetDefaults;
  /** The sites (at least one). */
  readonly sites: readonly SiteSpec[];
  /**
   * Which fleet engines (Rancher Fleet, Flux) roll the sites out, and from which Git repository.
   * @default - no GitOps objects are written
   */
  readonly gitops?: GitOpsSettings;
  /**
   * The Terraform stacks that bootstrap each site's platform layer (and the cloud hub).
   * @default - no Terraform is written
   */
  readonly terraform?: TerraformSettings;
}

export const DEFAULT_TOKEN_FILE = '/etc/rancher/k3s/cluster-token';
export const DEFAULT_MIRRORED_REGISTRIES = ['docker.io', 'ghcr.io', 'quay.io', 'registry.k8s.io'];
export const DEFAULT_CONNECTIVITY: Required<ConnectivitySpec> = { offlineTolerance: '24h', syncInterval: '5m' };

/**
 * Something a site's cluster has that neither the site folder nor the platform layer creates,
 * declared by the user so the convergence check can count on it: a Secret with credentials
 * (never written to Git), a CRD and controller installed by another team, an existing
 * StorageClass. Nothing else is assumed.
 */
export interface Prerequisite {
  /** Kind of the object, e.g. `Secret`, `StorageClass`, `CustomResourceDefinition`, `APIService`. */
  readonly kind: string;
  /**
   * Name of the object (a CRD by `plural.group`, an APIService by `version.group`).
   */
  readonly name: string;
  /**
   * Namespace of a namespaced object. The library's own namespaces (`edge-system`,
   * `monitoring`) mean the site's, which are `<site>-<name>` on the hub's shared control plane,
   * so one fleet default serves every site.
   * @default - a cluster-scoped object
   */
  readonly namespace?: string;
  /** Why it exists and who provides it, shown in `plan`. */
  readonly reason: string;
}
