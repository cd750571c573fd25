/** The fleet engines cdk8s-edge writes GitOps objects for. */
export const GITOPS_ENGINES = ['fleet', 'flux'] as const;
/** A fleet engine: `fleet` (Rancher Fleet, one hub for the fleet) or `flux` (a Flux per site, no hub). */
export type GitOpsEngine = (typeof GITOPS_ENGINES)[number];

/** Cluster labels, besides `edge.site`, that a Fleet bundle can require of its site's cluster. */
export const FLEET_TARGET_LABELS = ['tier', 'region'] as const;
/** `tier`: the cluster carries `edge.tier=<tier>`; `region`: it carries `topology.kubernetes.io/region=<region>`. */
export type FleetTargetLabel = (typeof FLEET_TARGET_LABELS)[number];

/** The Git repository the synthesized output is committed to. */
export interface GitOpsRepositorySettings {
  /**
   * URL of the repository: `https://host/org/repo.git` or `ssh://git@host/org/repo.git`.
   * No credentials in the URL (and no scp-style `git@host:org/repo`, which Flux rejects).
   */
  readonly url: string;
  /**
   * Branch the engines follow.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Folder of the repository that holds the output (what is in `dist/`), relative to
   * the repository root; `.` when the output is the repository root.
   * @default 'dist'
   */
  readonly path?: string;
  /**
   * Name of an existing Secret holding the repository credentials (Fleet: in the
   * GitRepo's namespace on the manager; Flux: in its namespace on each site). Only the
   * name is written, never a credential.
   * @default - none: a public repository (Fleet then looks for a Secret named `gitcredential`)
   */
  readonly secretName?: string;
}

/** Rancher Fleet: a `fleet.yaml` per site folder and the `GitRepo` that turns each into a bundle. */
export interface FleetSettings {
  /**
   * Namespace (Fleet workspace) of the GitRepo on the Fleet manager.
   * @default 'fleet-default'
   */
  readonly namespace?: string;
  /**
   * Name of the GitRepo.
   * @default 'edge-sites'
   */
  readonly gitRepoName?: string;
  /**
   * How often the manager polls the repository (a Go duration such as `1m`).
   * @default - Fleet's default (15s)
   */
  readonly pollingInterval?: string;
  /**
   * Cluster labels, besides `edge.site=<site>`, a site's bundle requires of its cluster:
   * `tier` (`edge.tier=<tier>`) and `region` (`topology.kubernetes.io/region=<region>`,
   * for sites that have a region). A cluster registered with the wrong tier or region
   * then gets nothing instead of the wrong site.
   * @default [] (the `edge.site` label alone)
   */
  readonly targetLabels?: readonly FleetTargetLabel[];
  /**
   * Names of bundles every site bundle waits for on its cluster (e.g. the platform
   * bundle that installs the CRDs the sites use).
   * @default []
   */
  readonly dependsOn?: readonly string[];
}

/** Flux: a `GitRepository` and a `Kustomization` per site, applied to the site's own cluster. */
export interface FluxSettings {
  /**
   * Namespace of the Flux objects on each site.
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * How often a site fetches the repository (GitRepository interval). A fetch that fails
   * while the uplink is down is retried at the next interval; the last fetched revision
   * stays applied meanwhile.
   * @default - the site's `connectivity.syncInterval` (5m unless the site sets it)
   */
  readonly sourceInterval?: string;
  /**
   * Timeout of one fetch (GitRepository timeout); generous for slow links.
   * @default '2m'
   */
  readonly sourceTimeout?: string;
  /**
   * How often the site re-applies its manifests, correcting drift (Kustomization interval).
   * Works offline: it applies the last fetched revision.
   * @default '10m'
   */
  readonly interval?: string;
  /**
   * How soon a failed apply is retried (Kustomization retryInterval).
   * @default '2m'
   */
  readonly retryInterval?: string;
  /**
   * Timeout of an apply and its health checks (Kustomization timeout).
   * @default '5m'
   */
  readonly timeout?: string;
  /**
   * Delete objects that were removed from the site's folder.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Wait until every applied object is healthy before reporting Ready.
   * @default true
   */
  readonly wait?: boolean;
  /**
   * Names of Kustomizations (in the same namespace) each site's Kustomization waits for,
   * e.g. the one that installs the platform's CRDs.
   * @default []
   */
  readonly dependsOn?: readonly string[];
}

/**
 * The fleet-wide GitOps settings: the inventory's top-level `gitops:` block. They decide
 * which fleet engine objects are written to `dist/gitops/` and to each site folder.
 */
export interface GitOpsSettings {
  /** The engines to write objects for: `fleet`, `flux` or both. */
  readonly engines: readonly GitOpsEngine[];
  /** The Git repository the output is committed to. */
  readonly repository: GitOpsRepositorySettings;
  /**
   * Largest a site's folder (`sites/<site>/`, every file) may be, a Kubernetes quantity.
   * Fleet stores a bundle in etcd and refuses bundles that do not compress below 1 MB;
   * a site past the limit is a synth error.
   * @default '1Mi'
   */
  readonly bundleSizeLimit?: string;
  /**
   * Rancher Fleet settings; only with `fleet` in `engines`.
   * @default - every Fleet default
   */
  readonly fleet?: FleetSettings;
  /**
   * Flux settings; only with `flux` in `engines`.
   * @default - every Flux default
   */
  readonly flux?: FluxSettings;
}

/** Fleet settings with every default applied. */
export type ResolvedFleetSettings = Required<Omit<FleetSettings, 'pollingInterval'>> & Pick<FleetSettings, 'pollingInterval'>;
/** Flux settings with every default applied. */
export type ResolvedFluxSettings = Required<Omit<FluxSettings, 'sourceInterval'>> & Pick<FluxSettings, 'sourceInterval'>;

/** GitOps settings with every default applied; `fleet` and `flux` are present exactly for the chosen engines. */
export interface ResolvedGitOpsSettings {
  /** The chosen engines, in the order of {@link GITOPS_ENGINES}. */
  readonly engines: readonly GitOpsEngine[];
  /** The repository, with its branch and path. */
  readonly repository: Required<Omit<GitOpsRepositorySettings, 'secretName'>> & Pick<GitOpsRepositorySettings, 'secretName'>;
  /** The largest a site folder may be, a Kubernetes quantity. */
  readonly bundleSizeLimit: string;
  /** Fleet settings, present exactly when `engines` lists fleet. */
  readonly fleet?: ResolvedFleetSettings;
  /** Flux settings, present exactly when `engines` lists flux. */
  readonly flux?: ResolvedFluxSettings;
}

export const DEFAULT_GITOPS_BRANCH = 'main';
export const DEFAULT_GITOPS_PATH = 'dist';
export const DEFAULT_BUNDLE_SIZE_LIMIT = '1Mi';
export const DEFAULT_FLEET_SETTINGS: ResolvedFleetSettings = {
  namespace: 'fleet-default', gitRepoName: 'edge-sites', targetLabels: [], dependsOn: [],
};
export const DEFAULT_FLUX_SETTINGS: ResolvedFluxSettings = {
  namespace: 'flux-system', sourceTimeout: '2m', interval: '10m', retryInterval: '2m', timeout: '5m', prune: true, wait: true, dependsOn: [],
};

