import { HUB_FLUX_FOLDER } from '../../core/site/shared-control-plane';
import type { ResolvedGitOpsSettings } from '../gitops-settings';

/** Output folder of the sites' Kubernetes objects (one folder per site). */
export const SITES_DIR = 'sites';
/** Output folder of the fleet engines' own objects. */
export const GITOPS_DIR = 'gitops';
/** Output folder of the Rancher Fleet GitRepo. */
export const FLEET_DIR = `${GITOPS_DIR}/fleet`;
/** Output folder of the per-site Flux objects. */
export const FLUX_DIR = `${GITOPS_DIR}/flux`;
/** Fleet's bundle options file in a site folder. */
export const FLEET_YAML = 'fleet.yaml';
/** The kustomize file listing a folder's objects. */
export const KUSTOMIZATION_YAML = 'kustomization.yaml';

/** The hub's list of the Flux folders of the sites on its control plane. */
export const HUB_FLUX_LISTING = `${FLUX_DIR}/${HUB_FLUX_FOLDER}/${KUSTOMIZATION_YAML}`;

/** The output folder of a site's objects, e.g. `sites/store-01`. */
export function siteDir(site: string): string {
  return `${SITES_DIR}/${site}`;
}

/** The output folder of a site's Flux objects, e.g. `gitops/flux/store-01`. */
export function fluxSiteDir(site: string): string {
  return `${FLUX_DIR}/${site}`;
}

/** A path of the output (relative to `dist/`) as a path of the Git repository. */
export function repositoryPathOf(settings: ResolvedGitOpsSettings, outputPath: string): string {
  return settings.repository.path === '.' ? outputPath : `${settings.repository.path}/${outputPath}`;
}

/**
 * The output path (relative to `dist/`) of a path of the Git repository as a fleet
 * engine writes it (`dist/sites/x`, `./dist/sites/x`, `/dist/sites/x`), or undefined
 * when it lies outside the repository folder that holds the output.
 */
export function outputPathOf(settings: ResolvedGitOpsSettings, repositoryPath: string): string | undefined {
  const normalized = repositoryPath.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (settings.repository.path === '.') return normalized;
  const prefix = `${settings.repository.path}/`;
  return normalized.startsWith(prefix) ? normalized.slice(prefix.length) : undefined;
}

/** Whether a path holds glob characters (Fleet GitRepo paths are Go `filepath.Glob` patterns). */
export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * A Go `filepath.Match` pattern (`*`, `?`, `[...]`, no `**`) as a regular expression:
 * each wildcard stays within one path segment.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return /(?!)/;
      const body = pattern.slice(i + 1, end);
      source += `[${body.startsWith('^') ? `^/${body.slice(1)}` : body}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
