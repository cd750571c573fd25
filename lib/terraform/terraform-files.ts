import { Construct } from 'constructs';
import type { OutputFile } from '../private/manifests';
import { childPath, Problem, Problems } from '../private/problems';
import type { ResolvedSiteSpec } from '../site/site-spec';
import { EdgeValidationError } from '../site/validation-error';
import { CloudHubStack } from './cloud-hub-stack';
import type { ClusterPlatform, GitOpsAgentOptions } from './cluster-platform';
import { EdgeClusterStack } from './edge-cluster-stack';
import { platformFromSite } from './platform-from-site';
import { checkCloudHubOptions } from './private/hub-rules';
import { checkBackend, checkChartVersions, checkGitOpsAgent, checkReleaseSettings } from './private/platform-rules';
import { InMemoryRoot, stackJson, withCheapStackTraces } from './private/stack-json';
import { resolveClusterAccess, SiteTerraformSettings, TerraformSettings } from './terraform-settings';

/** Output folder of the Terraform stacks, relative to the output root. */
export const TERRAFORM_DIR = 'terraform';
/** Name of the cloud hub's stack; not a DNS label, so no site can be named like it. */
export const HUB_STACK_NAME = '_hub';

/** The file of a stack, relative to the output root: `terraform/<stack>/cdk.tf.json`. */
export function terraformStackFile(stackName: string): string {
  return `${TERRAFORM_DIR}/${stackName}/cdk.tf.json`;
}

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
}

/**
 * The Terraform JSON of every site's platform layer (`terraform/<site>/cdk.tf.json`)
 * and of the hub (`terraform/_hub/cdk.tf.json`, when the settings have a hub), built
 * in memory, one construct tree per stack. Deterministic: the same input gives the
 * same bytes. Throws one EdgeValidationError with every problem of every stack.
 */
export function terraformFiles(sites: readonly ResolvedSiteSpec[], options: TerraformFilesOptions = {}): OutputFile[] {
  throwIfAny(settingsProblems(options.settings ?? {}));
  const problems: Problem[] = [];
  const files: OutputFile[] = [];
  const build = (name: string, create: (root: InMemoryRoot) => EdgeClusterStack | CloudHubStack) => {
    try {
      files.push({ path: terraformStackFile(name), content: withCheapStackTraces(() => stackJson(create(new InMemoryRoot()))) });
    } catch (error) {
      if (!(error instanceof EdgeValidationError)) throw error;
      problems.push(...error.problems);
    }
  };
  for (const site of sites) build(site.name, (root) => addEdgeClusterStack(root, site, options));
  if (options.settings?.hub) build(HUB_STACK_NAME, (root) => addCloudHubStack(root, options.settings!));
  throwIfAny(problems);
  return files;
}

/** A site's stack, named after the site, from the same inputs as `terraformFiles` (for a cdktf App). */
export function addEdgeClusterStack(scope: Construct, site: ResolvedSiteSpec, options: TerraformFilesOptions = {}): EdgeClusterStack {
  const settings = options.settings ?? {};
  return new EdgeClusterStack(scope, site.name, {
    siteName: site.name,
    platform: withGitOpsAgent((options.platform ?? platformFromSite)(site), settings.gitopsAgent, site),
    access: resolveClusterAccess(site.name, options.siteSettings?.[site.name]?.access, settings.access),
    syncInterval: site.connectivity.syncInterval,
    backend: settings.backend,
    releases: settings.releases,
    chartVersions: settings.chartVersions,
  });
}

/** The hub's stack (`_hub`) from the settings' `hub`; throws when there is none. */
export function addCloudHubStack(scope: Construct, settings: TerraformSettings): CloudHubStack {
  if (!settings.hub) throw new Error('the Terraform settings have no hub');
  return new CloudHubStack(scope, HUB_STACK_NAME, {
    ...settings.hub, backend: settings.backend, releases: settings.releases, chartVersions: settings.chartVersions,
  });
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
