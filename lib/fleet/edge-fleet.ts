import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { checkBundleSize, checkGitOpsReferences, checkHubFluxListing, checkSiteBundle } from '../gitops/check-gitops-output';
import { fleetGitOpsFiles, GITOPS_OUTPUT_DIR, HUB_FLUX_LISTING, siteGitOpsFiles } from '../gitops/gitops-output';
import { DEFAULT_BUNDLE_SIZE_LIMIT, GitOpsSettings, ResolvedGitOpsSettings } from '../gitops/gitops-settings';
import { resolveGitOpsSettings } from '../gitops/resolve-gitops-settings';
import { imagesOf } from '../core/workload/images';
import { EdgeIsolation } from '../security/edge-isolation';
import type { GitOpsAgentOptions } from '../terraform/cluster-platform';
import { HUB_STACK_NAME, hubAlertGroupsOf, SiteStackTemplates, TERRAFORM_DIR, terraformFiles, terraformStackFile } from '../terraform/terraform-files';
import type { TerraformSettings } from '../terraform/terraform-settings';
import { checkSharedControlPlane, SharedControlPlaneFootprint, sharedControlPlaneFootprint } from '../convergence/check-shared-control-plane';
import { checkConvergence, ConvergenceReport } from '../convergence/convergence';
import type { SiteObject } from '../convergence/site-object';
import { systemUpgradeControllerImages } from '../core/node/system-upgrade-controller';
import { apiObjectEntriesOf, manifestFiles, OutputFile, validateConstructs } from '../core/manifests';
import { writeOutput, WriteSummary } from './output-writer';
import { Problem } from '../core/validation/problems';
import { EdgeSite, SiteNodeFile } from './edge-site';
import { joinsHubControlPlane } from '../core/site/shared-control-plane';
import { loadInventoryFile } from './inventory';
import type { ResolvedSiteSpec, SiteSpec } from '../core/spec/site-spec';
import { EdgeValidationError } from '../core/validation/validation-error';
import type { AlertRuleGroup } from '../monitoring/alert-evaluation';
import { hubForSites } from './fleet-hub';

export type { OutputFile } from '../core/manifests';
export type { WriteSummary } from './output-writer';

/** Props of an EdgeFleet. */
export interface EdgeFleetProps {
  /** The sites, as written in code or resolved from an inventory. */
  readonly sites: readonly (SiteSpec | ResolvedSiteSpec)[];
  /**
   * Called with each site's chart after its components are built, to add the
   * user's own constructs to every site.
   * @default - nothing is added
   */
  readonly configureSite?: (site: EdgeSite) => void;
  /**
   * The fleet engines that roll the sites out (Rancher Fleet, Flux) and the Git
   * repository the output is committed to.
   * @default - no GitOps objects are written
   */
  readonly gitOps?: GitOpsSettings | ResolvedGitOpsSettings;
  /**
   * The Terraform stacks of each site's platform layer (`terraform/<site>/cdk.tf.json`)
   * and of the cloud hub. Without a GitOps agent of its own, a site whose fleet uses
   * Flux gets the Flux agent pulling from the GitOps repository.
   * @default - no Terraform is written; the convergence check then models each site's cluster
   * with the platform layer cdk8s-edge would install for it (declare anything else as prerequisites)
   */
  readonly terraform?: TerraformSettings;
  /**
   * The rule groups the hub's vmalert evaluates (the alerts of agent-mode sites), for
   * a fleet built apart from some of its sites.
   * @default - hubAlertGroupsOf(sites)
   */
  readonly hubAlertGroups?: readonly AlertRuleGroup[];
  /**
   * The fleet's sites that join the hub's control plane, whose Flux folders `gitops/flux/_hub`
   * lists, for a fleet built apart from some of its sites.
   * @default - those of `sites`
   */
  readonly sharedControlPlaneSites?: readonly string[];
}

/** What one site synthesized to. */
export interface SiteSynthesis {
  /** Site name. */
  readonly site: string;
  /** Number of Kubernetes objects. */
  readonly objectCount: number;
  /**
   * What deserves a look but does not stop the synth (an allow that selects no pod),
   * each as `<construct path>: <message>`.
   */
  readonly warnings: readonly string[];
  /**
   * `sites/<site>/...` manifests and kustomization (and Fleet's `fleet.yaml`),
   * `nodes/<site>/images.txt` (every image the site runs, for air-gapped preloading),
   * `nodes/<site>/<node>/...` files, and the site's Flux objects in `gitops/flux/<site>/`.
   */
  readonly files: readonly OutputFile[];
  /** The site's cluster model and the verdict of each convergence check. */
  readonly convergence: ConvergenceReport;
  /**
   * What the site writes into the hub's control plane, for sites whose nodes join it; the
   * fleet checks that no two such sites write the same object.
   * @default - the site runs its own control plane
   */
  readonly sharedControlPlane?: SharedControlPlaneFootprint;
}

/** The whole fleet's output. */
export interface FleetSynthesis {
  /** Per site, in inventory order. */
  readonly sites: readonly SiteSynthesis[];
  /** Every file, relative to the output folder. */
  readonly files: readonly OutputFile[];
}

/** Output folders the fleet owns; stale files in them are removed on write. */
export const FLEET_OUTPUT_DIRS = ['sites', 'nodes', GITOPS_OUTPUT_DIR, TERRAFORM_DIR];

/** The output folders that hold a folder per site. */
export const SITE_OUTPUT_ROOTS = ['sites', 'nodes', `${GITOPS_OUTPUT_DIR}/flux`, TERRAFORM_DIR];

/** The output folders that belong to one site alone. */
export function siteOutputDirs(site: string): string[] {
  return SITE_OUTPUT_ROOTS.map((root) => `${root}/${site}`);
}


/**
 * The fleet: synthesizes every site, each in its own cdk8s App (one App holding
 * thousands of charts gets slower with every chart), and writes the output only
 * when every site synthesized and validated.
 */
export class EdgeFleet {
  /** A fleet from an inventory file; throws an EdgeValidationError listing every problem. */
  public static fromInventoryFile(file: string, options: Omit<EdgeFleetProps, 'sites' | 'gitOps' | 'terraform'> = {}): EdgeFleet {
    const inventory = loadInventoryFile(file);
    return new EdgeFleet({
      ...options,
      sites: inventory.sites,
      ...(inventory.gitops ? { gitOps: inventory.gitops } : {}),
      ...(inventory.terraform ? { terraform: inventory.terraform } : {}),
    });
  }

  /** The resolved GitOps settings, when the fleet has them. */
  public readonly gitOps?: ResolvedGitOpsSettings;
  /** The Terraform settings, with the GitOps agent filled in from the GitOps settings. */
  public readonly terraform?: TerraformSettings;
  private readonly props: EdgeFleetProps;
  private fleetFileCache?: readonly OutputFile[];
  /** Site stacks by platform shape, shared by the fleet's sites. */
  private readonly stackTemplates = new SiteStackTemplates();

  public constructor(props: EdgeFleetProps) {
    const names = new Set<string>();
    const duplicates = props.sites.map((s) => s.name).filter((n) => names.has(n) || !names.add(n));
    if (duplicates.length > 0) {
      throw new EdgeValidationError('The fleet is invalid', duplicates.map((n) => ({ path: n, message: `site name "${n}" is used more than once` })));
    }
    this.props = props;
    if (props.gitOps) this.gitOps = resolveGitOpsSettings(props.gitOps, 'gitops');
    if (props.terraform) {
      const agent = props.terraform.gitopsAgent ?? fluxAgentOf(this.gitOps);
      const hub = props.terraform.hub && hubForSites(props.terraform.hub, props.sites);
      this.terraform = { ...props.terraform, ...(agent ? { gitopsAgent: agent } : {}), ...(hub ? { hub } : {}) };
    }
  }

  /** Names of the fleet's sites. */
  public get siteNames(): string[] {
    return this.props.sites.map((s) => s.name);
  }

  /**
   * Builds one site's chart in a fresh App, with the user's constructs added,
   * without validating or synthesizing it.
   */
  public buildSite(spec: SiteSpec | ResolvedSiteSpec): EdgeSite {
    const site = new EdgeSite(new App(), spec.name, { spec });
    this.props.configureSite?.(site);
    return site;
  }

  /**
   * Synthesizes one site in a fresh App. Throws an EdgeValidationError with every
   * problem of the site (invalid spec, failed construct validations, clashing names).
   */
  public synthSite(spec: SiteSpec | ResolvedSiteSpec): SiteSynthesis {
    const site = this.buildSite(spec);
    const problems: Problem[] = validateConstructs(site.node.root);
    if (problems.length > 0) throw new EdgeValidationError(`Site ${spec.name} is invalid`, problems);
    const entries = apiObjectEntriesOf(site);
    const objects = entries.map((e) => e.object);
    const manifests = manifestFiles(`sites/${spec.name}`, objects, problems);
    if (problems.length > 0) throw new EdgeValidationError(`Site ${spec.name} is invalid`, problems);
    const terraform = this.siteTerraformFiles(site.spec);
    const gitOps = [...(this.gitOps ? siteGitOpsFiles(this.gitOps, site.spec) : []), ...terraform];
    const bundle = [...manifests, ...gitOps.filter((f) => f.path.startsWith('sites/'))];
    problems.push(...this.checkGitOps(site.spec, bundle, gitOps));
    if (problems.length > 0) throw new EdgeValidationError(`Site ${spec.name} is invalid`, problems);
    const siteNodeFiles = site.nodeFiles();
    const convergence = this.checkConvergence(site, entries, terraform, siteNodeFiles);
    if (convergence.problems.length > 0) throw new EdgeValidationError(`Site ${spec.name} does not converge`, convergence.problems);
    const images = convergence.imageList;
    const nodeFiles: OutputFile[] = [
      { path: `nodes/${spec.name}/images.txt`, content: images.map((i) => `${i}\n`).join('') },
      ...siteNodeFiles.map((f) => ({ path: `nodes/${spec.name}/${f.node}/${f.path}`, content: f.content })),
    ];
    const files = sortByPath([...bundle, ...nodeFiles, ...gitOps.filter((f) => !f.path.startsWith('sites/'))]);
    return {
      site: spec.name, objectCount: objects.length, warnings: EdgeIsolation.warningsOf(site), files, convergence,
      ...(joinsHubControlPlane(site.spec) ? { sharedControlPlane: sharedControlPlaneFootprint(spec.name, entries, convergence.model.nodes) } : {}),
    };
  }

  /**
   * A site's cluster model and the verdict of every convergence check, without stopping at
   * the first failing one (for `plan`); undefined when the site does not build.
   */
  public convergenceOf(spec: SiteSpec | ResolvedSiteSpec): ConvergenceReport | undefined {
    try {
      const site = this.buildSite(spec);
      return this.checkConvergence(site, apiObjectEntriesOf(site), this.siteTerraformFiles(site.spec), site.nodeFiles());
    } catch (error) {
      if (error instanceof EdgeValidationError) return undefined;
      throw error;
    }
  }

  /** The site's cluster model and every convergence check over it. */
  private checkConvergence(site: EdgeSite, objects: readonly SiteObject[], terraform: readonly OutputFile[], nodeFiles: readonly SiteNodeFile[]): ConvergenceReport {
    // Without Terraform settings, the site is checked against the platform layer cdk8s-edge would install for it.
    const siteStack = terraform.find((f) => f.path === terraformStackFile(site.spec.name))?.content
      ?? (this.terraform ? undefined : terraformFiles([site.spec], { settings: { access: { inCluster: true } }, templates: this.stackTemplates })[0]?.content);
    const hubStack = this.fleetFiles().find((f) => f.path === terraformStackFile(HUB_STACK_NAME))?.content;
    // Every server carries the same manifests; the cluster applies them once.
    const nodeManifests = [...new Set(nodeFiles.filter((f) => isAutoDeployManifest(f.path)).map((f) => f.content))].flatMap(parsedManifests);
    // The node-installed system-upgrade-controller pulls its images (the jobs' kubectl image too) like any workload.
    const siteImages = [...new Set([...imagesOf(objects.map((o) => o.object)), ...systemUpgradeControllerImages(site.spec)])].sort();
    return checkConvergence({
      spec: site.spec, objects, demands: site.workloadDemands, siteImages, nodeManifests, mirroredNodes: site.nodes,
      ...(siteStack ? { siteStack } : {}), ...(hubStack ? { hubStack } : {}),
    });
  }

  /** The fleet-wide files that belong to no single site (the Fleet GitRepo, the cloud hub's stack). */
  public fleetFiles(): readonly OutputFile[] {
    this.fleetFileCache ??= [
      ...(this.gitOps ? fleetGitOpsFiles(this.gitOps, this.props.sharedControlPlaneSites ?? this.props.sites.filter(joinsHubControlPlane).map((s) => s.name)) : []),
      // The hub's vmalert evaluates the alerts of the fleet's agent-mode sites.
      ...(this.terraform?.hub ? terraformFiles([], { settings: this.terraform, hubAlertGroups: this.props.hubAlertGroups ?? hubAlertGroupsOf(this.props.sites) }) : []),
    ];
    return this.fleetFileCache;
  }

  private siteTerraformFiles(site: ResolvedSiteSpec): OutputFile[] {
    if (!this.terraform) return [];
    const { hub: _hub, ...shared } = this.terraform;
    return terraformFiles([site], { settings: shared, templates: this.stackTemplates, ...(site.terraform ? { siteSettings: { [site.name]: site.terraform } } : {}) });
  }

  /**
   * A site's bundle stays under the size limit and, with GitOps, what the engines
   * reference for it exists: its folder is reached by the Fleet GitRepo and by its
   * Flux Kustomization. Checked per site, so sites can synthesize in parallel.
   */
  private checkGitOps(site: ResolvedSiteSpec, bundle: readonly OutputFile[], gitOps: readonly OutputFile[]): Problem[] {
    if (!this.gitOps) return checkBundleSize(site.name, bundle, DEFAULT_BUNDLE_SIZE_LIMIT);
    // The hub's list names every site on its control plane: only this site's entry is checked here.
    const hubListing = this.fleetFiles().find((f) => f.path === HUB_FLUX_LISTING);
    const engineFiles = [...gitOps, ...this.fleetFiles()].filter((f) => f.path.startsWith(`${GITOPS_OUTPUT_DIR}/`) && f !== hubListing);
    const paths = new Set([...bundle, ...engineFiles].map((f) => f.path));
    return [
      ...checkSiteBundle(site.name, bundle, this.gitOps), ...checkGitOpsReferences(paths, engineFiles, this.gitOps),
      ...(joinsHubControlPlane(site) ? checkHubFluxListing(site.name, hubListing, this.gitOps) : []),
    ];
  }

  /** Synthesizes every site; throws one EdgeValidationError with the problems of all sites. */
  public synth(): FleetSynthesis {
    const sites: SiteSynthesis[] = [];
    const problems: Problem[] = [];
    for (const spec of this.props.sites) {
      try {
        sites.push(this.synthSite(spec));
      } catch (error) {
        if (!(error instanceof EdgeValidationError)) throw error;
        problems.push(...error.problems);
      }
    }
    problems.push(...checkSharedControlPlane(sites.flatMap((s) => (s.sharedControlPlane ? [s.sharedControlPlane] : []))));
    if (problems.length > 0) throw new EdgeValidationError('The fleet did not synthesize', problems);
    return { sites, files: [...sites.flatMap((s) => s.files), ...this.fleetFiles()] };
  }

  /**
   * Synthesizes and writes into `outdir` (`sites/`, `nodes/`). Nothing is written
   * unless every site synthesized; unchanged files are not rewritten; stale files
   * in the owned folders are removed.
   */
  public write(outdir: string): FleetSynthesis & { summary: WriteSummary } {
    const synthesis = this.synth();
    const summary = writeOutput(outdir, synthesis.files, FLEET_OUTPUT_DIRS);
    return { ...synthesis, summary };
  }
}

/** The documents of a manifest file, parsed once for the sites that share it (the same upstream release). */
const parsedManifestCache = new Map<string, unknown[]>();
function parsedManifests(content: string): unknown[] {
  let documents = parsedManifestCache.get(content);
  if (!documents) {
    if (parsedManifestCache.size > 8) parsedManifestCache.clear();
    documents = yaml.loadAll(content);
    parsedManifestCache.set(content, documents);
  }
  return documents;
}

/** k3s applies the manifests in a server's `server/manifests/` folder itself, at every start. */
function isAutoDeployManifest(path: string): boolean {
  return /(^|\/)server\/manifests\/[^/]+\.ya?ml$/.test(path);
}

function sortByPath(files: OutputFile[]): OutputFile[] {
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The Flux agent that pulls a site's folder from the GitOps repository, when the fleet uses Flux. */
function fluxAgentOf(gitOps: ResolvedGitOpsSettings | undefined): GitOpsAgentOptions | undefined {
  if (!gitOps?.flux) return undefined;
  const { url, branch, path, secretName } = gitOps.repository;
  return { kind: 'flux', flux: { url, branch, path, ...(secretName ? { secretName } : {}), timeout: gitOps.flux.sourceTimeout } };
}
