import { App, Chart } from 'cdk8s';
import type { OutputFile } from '../core/manifests';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import type { ResolvedGitOpsSettings } from './gitops-settings';
import { clusterLabels, fleetRepoFiles, fleetYamlFile } from './private/fleet-objects';
import { joinsHubControlPlane } from '../core/site/shared-control-plane';
import { fluxHubFiles, fluxSiteFiles } from './private/flux-objects';
import { GITOPS_DIR } from './private/gitops-paths';

/** The hub's list of the Flux folders of the sites on its control plane (relative to `dist/`). */
export { HUB_FLUX_LISTING } from './private/gitops-paths';

/** Output folder (relative to `dist/`) of the fleet engines' objects; the output writer owns it. */
export const GITOPS_OUTPUT_DIR = GITOPS_DIR;

/** What the GitOps output needs of a site (a `ResolvedSiteSpec` has it all). */
export type GitOpsSite = Pick<ResolvedSiteSpec, 'name' | 'tier' | 'region' | 'connectivity'> & Partial<Pick<ResolvedSiteSpec, 'cluster'>>;

/**
 * Sites per throwaway cdk8s App: enough to amortize the App, few enough that one App
 * never holds thousands of objects (an App gets slower with every chart it holds).
 */
const SITES_PER_APP = 100;

/**
 * Every GitOps file of the fleet, sorted by path: for Rancher Fleet, `sites/<site>/fleet.yaml`
 * per site and `gitops/fleet/` (the GitRepo and its kustomization.yaml); for Flux,
 * `gitops/flux/<site>/` per site (GitRepository, Kustomization, kustomization.yaml), and
 * `gitops/flux/_hub/` listing those of the sites that join the hub's control plane.
 * Paths are relative to `dist/`. The same settings and sites always give the same bytes.
 */
export function gitOpsFiles(settings: ResolvedGitOpsSettings, sites: readonly GitOpsSite[]): OutputFile[] {
  const files = fleetGitOpsFiles(settings, sites.filter(joinsHubControlPlane).map((s) => s.name));
  for (let start = 0; start < sites.length; start += SITES_PER_APP) {
    const chart = throwawayChart();
    for (const site of sites.slice(start, start + SITES_PER_APP)) files.push(...siteFiles(settings, site, chart));
  }
  return sortByPath(files);
}

/**
 * The GitOps files of one site (its `fleet.yaml`, its Flux folder), sorted by path: for
 * synthesizing sites one at a time, e.g. in worker processes.
 */
export function siteGitOpsFiles(settings: ResolvedGitOpsSettings, site: GitOpsSite): OutputFile[] {
  return sortByPath(siteFiles(settings, site, throwawayChart()));
}

/**
 * The fleet-level GitOps files: the Fleet GitRepo, and with Flux the hub's folder listing
 * the Flux folders of `sharedControlPlaneSites`, the sites that join the hub's control plane.
 */
export function fleetGitOpsFiles(settings: ResolvedGitOpsSettings, sharedControlPlaneSites: readonly string[] = []): OutputFile[] {
  return [
    ...(settings.fleet ? fleetRepoFiles(settings, throwawayChart()) : []),
    ...(settings.flux ? fluxHubFiles(sharedControlPlaneSites) : []),
  ];
}

/**
 * The labels a site's cluster must carry in Fleet (its `clusters.fleet.cattle.io` object)
 * to receive the site's bundle: give them to the cluster when it registers (Rancher
 * cluster labels, or the fleet-agent's `labels` value). Empty when Fleet is not chosen.
 */
export function fleetClusterLabels(settings: ResolvedGitOpsSettings, site: GitOpsSite): Record<string, string> {
  return settings.fleet ? clusterLabels(settings.fleet, site) : {};
}

function siteFiles(settings: ResolvedGitOpsSettings, site: GitOpsSite, chart: Chart): OutputFile[] {
  return [
    ...(settings.fleet ? [fleetYamlFile(settings, site)] : []),
    ...(settings.flux ? fluxSiteFiles(settings, site, chart) : []),
  ];
}

function throwawayChart(): Chart {
  return new Chart(new App(), 'gitops', { disableResourceNameHashes: true });
}

function sortByPath(files: OutputFile[]): OutputFile[] {
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
