import { Construct } from 'constructs';
import type { OutputFile } from '../core/manifests';
import { dns1123LabelProblem } from '../core/validation/names';
import { childPath, Problem, Problems } from '../core/validation/problems';
import { joinsHubControlPlane } from '../core/site/shared-control-plane';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { EdgeValidationError } from '../core/validation/validation-error';
import { AlertRuleGroup, hubAlertGroups } from '../monitoring/alert-evaluation';
import type { EdgeMonitoringOptions } from '../monitoring/monitoring-options';
import { CloudHubStack } from './cloud-hub-stack';
import type { ClusterPlatform, GitOpsAgentOptions } from './cluster-platform';
import { EdgeClusterStack, EdgeClusterStackProps } from './edge-cluster-stack';
import { platformFromSite } from './platform-from-site';
import { checkCloudHubOptions } from './private/hub-rules';
import { checkBackend, checkChartVersions, checkGitOpsAgent, checkReleaseSettings } from './private/platform-rules';
import { buildStackJson, InMemoryRoot, stackJson } from './private/stack-json';
import { PROVIDER_LOCK_FILE, providerLockFile } from './provider-lock';
import { resolveClusterAccess, SiteTerraformSettings, TerraformSettings } from './terraform-settings';

/** Output folder of the Terraform stacks, relative to the output root. */
export const TERRAFORM_DIR = 'terraform';
/** Name of the cloud hub's stack; not a DNS label, so no site can be named like it. */
export const HUB_STACK_NAME = '_hub';

/** The file of a stack, relative to the output root: `terraform/<stack>/cdk.tf.json`. */
export function terraformStackFile(stackName: string): string {
  return `${TERRAFORM_DIR}/${stackName}/cdk.tf.json`;
}

/** The provider lock file of a stack, next to its JSON: `terraform/<stack>/.terraform.lock.hcl`. */
export function terraformLockFile(stackName: string): string {
  return `${TERRAFORM_DIR}/${stackName}/${PROVIDER_LOCK_FILE}`;
}

/** Every stack pins the same providers, so every stack gets the same lock file. */
const LOCK_FILE_CONTENT = providerLockFile();

/** What `terraformFiles` builds the stacks from besides the sites. */
export interface TerraformFilesOptions {
  /**
   * The fleet's `terraform:` block.
   * @default - no shared access (every site gives its own), local state, no GitOps agent, no hub
   */
  readonly settings?: TerraformSettings;
  /**
   * Each site's own `terraform:` block, by site name.
   * @default - none
   */
  readonly siteSettings?: Readonly<Record<string, SiteTerraformSettings>>;
  /**
   * The platform layer of a site.
   * @default platformFromSite
   */
  readonly platform?: (site: ResolvedSiteSpec) => ClusterPlatform;
  /**
   * Reuse the stacks of sites that differ only by name (see `SiteStackTemplates`). Not
   * used with a `platform` function, which may read the site's name.
   * @default - every stack is built
   */
  readonly templates?: SiteStackTemplates;
  /**
   * The rule groups the hub's vmalert evaluates, for a hub built apart from its sites.
   * @default - `hubAlertGroups` of the sites given
   */
  readonly hubAlertGroups?: readonly AlertRuleGroup[];
}

/**
 * The Terraform JSON of every site's platform layer (`terraform/<site>/cdk.tf.json`; none
 * for the sites that join the hub's control plane, whose platform layer is the hub's) and of the hub (`terraform/_hub/cdk.tf.json`, when the settings have a hub), built
 * in memory, one construct tree per stack, each followed by its provider lock file
 * (`.terraform.lock.hcl`), so `terraform init` installs the provider build it names. Deterministic: the same input gives the
 * same bytes. Throws one EdgeValidationError with every problem of every stack.
 */
export function terraformFiles(sites: readonly ResolvedSiteSpec[], options: TerraformFilesOptions = {}): OutputFile[] {
  throwIfAny(settingsProblems(options.settings ?? {}));
  const problems: Problem[] = [];
  const files: OutputFile[] = [];
  const build = (name: string, create: (root: InMemoryRoot) => EdgeClusterStack | CloudHubStack) => {
    try {
      files.push({ path: terraformStackFile(name), content: buildStackJson(() => stackJson(create(new InMemoryRoot()))) });
      files.push({ path: terraformLockFile(name), content: LOCK_FILE_CONTENT });
    } catch (error) {
      if (!(error instanceof EdgeValidationError)) throw error;
      problems.push(...error.problems);
    }
  };
  // A site on the hub's control plane has no stack of its own: the hub's stack installs its platform layer.
  for (const site of sites.filter((s) => !joinsHubControlPlane(s))) {
    const reused = options.templates?.stackJson(site, options);
    if (reused !== undefined) files.push({ path: terraformStackFile(site.name), content: reused }, { path: terraformLockFile(site.name), content: LOCK_FILE_CONTENT });
    else build(site.name, (root) => addEdgeClusterStack(root, site, options));
  }
  if (options.settings?.hub) {
    const groups = options.hubAlertGroups ?? hubAlertGroupsOf(sites);
    build(HUB_STACK_NAME, (root) => addCloudHubStack(root, options.settings!, groups));
  }
  throwIfAny(problems);
  return files;
}

/** A site's stack, named after the site, from the same inputs as `terraformFiles` (for a cdktf App). */
export function addEdgeClusterStack(scope: Construct, site: ResolvedSiteSpec, options: TerraformFilesOptions = {}): EdgeClusterStack {
  return new EdgeClusterStack(scope, site.name, edgeClusterStackProps(site, options));
}

/** What a site's stack is built from. */
function edgeClusterStackProps(site: ResolvedSiteSpec, options: TerraformFilesOptions): EdgeClusterStackProps {
  const settings = options.settings ?? {};
  return {
    siteName: site.name,
    platform: withGitOpsAgent((options.platform ?? platformFromSite)(site), settings.gitopsAgent, site),
    access: resolveClusterAccess(site.name, options.siteSettings?.[site.name]?.access, settings.access),
    syncInterval: site.connectivity.syncInterval,
    backend: settings.backend,
    releases: settings.releases,
    chartVersions: settings.chartVersions,
  };
}

/**
 * Stacks of sites that differ only by name, built once. A fleet's sites mostly share a
 * few platform shapes (same components, node count, agent and settings), and building a
 * stack is a large share of a site's synthesis. Each shape is built once for a stand-in
 * site named `NAME_PLACEHOLDER`, keyed by the stack's props; a site of that shape gets
 * the stand-in's JSON with the placeholder replaced by its name. That is the JSON its own
 * build gives, because the name enters a stack only as string values (the cluster name,
 * Fleet client ID and labels, Flux path, state key, kube context): a shape whose JSON has
 * the placeholder in a key, where it would also decide the key order, is never reused.
 * A test compares both ways over every example site and over generated names.
 */
export class SiteStackTemplates {
  /** The stand-in's JSON by props; `null` for shapes that cannot be reused. */
  private readonly templates = new Map<string, string | null>();

  /** How many shapes were built. */
  public get shapes(): number {
    return this.templates.size;
  }

  /**
   * The site's stack JSON from its shape's template, or undefined when the site must be
   * built on its own: the options have a `platform` function (it may read the name), the
   * shape has the placeholder in a key, or it does not build (the site's own build then
   * reports the problems at the site's own paths).
   */
  public stackJson(site: ResolvedSiteSpec, options: TerraformFilesOptions): string | undefined {
    if (options.platform || dns1123LabelProblem(site.name)) return undefined;
    const standIn: ResolvedSiteSpec = { ...site, name: NAME_PLACEHOLDER };
    const standInOptions: TerraformFilesOptions = { ...options, siteSettings: standInSiteSettings(site.name, options) };
    const props = edgeClusterStackProps(standIn, standInOptions);
    const key = JSON.stringify(props);
    let template = this.templates.get(key);
    if (template === undefined) {
      template = buildTemplate(props);
      if (this.templates.size >= MAX_TEMPLATES) this.templates.clear();
      this.templates.set(key, template);
    }
    return template === null ? undefined : template.split(NAME_PLACEHOLDER).join(site.name);
  }
}

/**
 * The site's own settings for its stand-in. An access that is the fleet's `{site}` template
 * filled in with the site's name (the inventory resolves it into every site) becomes the
 * template filled in with the placeholder, so such sites share their shape.
 */
function standInSiteSettings(name: string, options: TerraformFilesOptions): Record<string, SiteTerraformSettings> {
  const own = options.siteSettings?.[name];
  if (!own) return {};
  const template = options.settings?.access;
  const fromTemplate = template !== undefined && own.access !== undefined
    && JSON.stringify(own.access) === JSON.stringify(resolveClusterAccess(name, undefined, template));
  return { [NAME_PLACEHOLDER]: fromTemplate ? { ...own, access: resolveClusterAccess(NAME_PLACEHOLDER, undefined, template) } : own };
}

/** The name of the stand-in site of a template; a DNS label no real site is expected to contain. */
export const NAME_PLACEHOLDER = 'cdk8s-edge-stack-template-site-name';
/** Shapes remembered at most (a fleet has few; the limit only bounds memory). */
const MAX_TEMPLATES = 1000;

function buildTemplate(props: EdgeClusterStackProps): string | null {
  let json: string;
  try {
    json = buildStackJson(() => stackJson(new EdgeClusterStack(new InMemoryRoot(), NAME_PLACEHOLDER, props)));
  } catch (error) {
    if (error instanceof EdgeValidationError) return null;
    throw error;
  }
  return hasKeyWith(JSON.parse(json), NAME_PLACEHOLDER) ? null : json;
}

/** Whether a key anywhere in the value holds `text`, also in strings that are JSON themselves (Helm values). */
function hasKeyWith(value: unknown, text: string): boolean {
  if (Array.isArray(value)) return value.some((v) => hasKeyWith(v, text));
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return hasKeyWith(JSON.parse(value), text);
    } catch {
      return false;
    }
  }
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => key.includes(text) || hasKeyWith(v, text));
}

/**
 * The hub's stack (`_hub`) from the settings' `hub`; throws when there is none. Its
 * vmalert evaluates `alertGroups` (`hubAlertGroupsOf(sites)`: the agent-mode sites' alerts).
 */
export function addCloudHubStack(scope: Construct, settings: TerraformSettings, alertGroups: readonly AlertRuleGroup[] = []): CloudHubStack {
  if (!settings.hub) throw new Error('the Terraform settings have no hub');
  return new CloudHubStack(scope, HUB_STACK_NAME, {
    ...settings.hub, backend: settings.backend, releases: settings.releases, chartVersions: settings.chartVersions, alertGroups,
    ...(settings.gitopsAgent ? { gitopsAgent: settings.gitopsAgent } : {}),
  });
}

/** The hub's rule groups for these sites: those whose Prometheus is an agent. */
export function hubAlertGroupsOf(sites: readonly { readonly name: string; readonly components?: { readonly monitoring?: EdgeMonitoringOptions } }[]): AlertRuleGroup[] {
  return hubAlertGroups(sites.map((s) => ({ name: s.name, monitoring: s.components?.monitoring })));
}

/** The fleet's agent on a platform that names none; Fleet clusters get the site's tier and region labels. */
function withGitOpsAgent(platform: ClusterPlatform, agent: GitOpsAgentOptions | undefined, site: ResolvedSiteSpec): ClusterPlatform {
  const chosen = platform.gitopsAgent ?? agent;
  if (!chosen) return platform;
  if (chosen.kind !== 'fleet' || !chosen.fleet || chosen.fleet.labels) return { ...platform, gitopsAgent: chosen };
  const labels = { 'edge.tier': site.tier, ...(site.region !== undefined ? { 'topology.kubernetes.io/region': site.region } : {}) };
  return { ...platform, gitopsAgent: { ...chosen, fleet: { ...chosen.fleet, labels } } };
}

/** The fleet-wide settings are checked once, at `terraform.*`, not again for every site. */
function settingsProblems(settings: TerraformSettings): Problem[] {
  const problems = new Problems();
  const path = 'terraform';
  if (settings.backend) checkBackend(settings.backend, childPath(path, 'backend'), problems);
  if (settings.releases) checkReleaseSettings(settings.releases, childPath(path, 'releases'), problems);
  if (settings.chartVersions) checkChartVersions(settings.chartVersions, childPath(path, 'chartVersions'), problems);
  if (settings.gitopsAgent) checkGitOpsAgent(settings.gitopsAgent, childPath(path, 'gitopsAgent'), problems);
  if (settings.hub) checkCloudHubOptions(settings.hub, childPath(path, 'hub'), problems);
  return [...problems.list];
}

function throwIfAny(problems: readonly Problem[]): void {
  if (problems.length > 0) throw new EdgeValidationError('The Terraform stacks are invalid', problems);
}
