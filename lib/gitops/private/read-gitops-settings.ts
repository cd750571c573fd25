import { DURATION_RULE, parseDurationSeconds } from '../../core/validation/duration';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../../core/validation/names';
import { Problems } from '../../core/validation/problems';
import { parseBytes } from '../../core/validation/quantity';
import { describe, MappingReader } from '../../core/validation/reader';
import {
  DEFAULT_BUNDLE_SIZE_LIMIT, DEFAULT_FLEET_SETTINGS, DEFAULT_FLUX_SETTINGS, DEFAULT_GITOPS_BRANCH, DEFAULT_GITOPS_PATH,
  FLEET_TARGET_LABELS, GITOPS_ENGINES, GitOpsEngine, ResolvedFleetSettings, ResolvedFluxSettings, ResolvedGitOpsSettings,
} from '../gitops-settings';

export const GITOPS_KEYS = ['engines', 'repository', 'bundleSizeLimit', 'fleet', 'flux'];
const REPOSITORY_KEYS = ['url', 'branch', 'path', 'secretName'];
const FLEET_KEYS = ['namespace', 'gitRepoName', 'pollingInterval', 'targetLabels', 'dependsOn'];
const FLUX_KEYS = ['namespace', 'sourceInterval', 'sourceTimeout', 'interval', 'retryInterval', 'timeout', 'prune', 'wait', 'dependsOn'];

/** Helm release names, which Fleet deploys each site's bundle as, are at most 53 characters. */
export const FLEET_MAX_SITE_NAME = 53;

/**
 * Reads the inventory's `gitops:` block (or settings written in code) and applies the
 * defaults. Every problem is reported with its path; returns undefined only when the
 * block is too broken to resolve. Reading the result again gives the same result.
 */
export function readGitOpsSettings(value: unknown, path: string, problems: Problems): ResolvedGitOpsSettings | undefined {
  const r = MappingReader.of(value, path, problems, GITOPS_KEYS);
  if (!r) return undefined;
  r.require('engines', `the fleet engines to write objects for: ${GITOPS_ENGINES.join(', ')} or both`);
  r.require('repository', 'the Git repository the output is committed to, with its url');
  const engines = readEngines(r);
  const repository = readRepository(r);
  const bundleSizeLimit = r.string('bundleSizeLimit', sizeProblem) ?? DEFAULT_BUNDLE_SIZE_LIMIT;
  // A block of an engine that is not chosen is a mistake, unless the engines list itself is broken.
  const rawEngines = r.raw('engines');
  const listed = (engine: GitOpsEngine) => !Array.isArray(rawEngines) || rawEngines.includes(engine);
  const fleet = readEngineBlock(r, 'fleet', listed('fleet'), FLEET_KEYS, readFleet);
  const flux = readEngineBlock(r, 'flux', listed('flux'), FLUX_KEYS, readFlux);
  if (engines === undefined || repository === undefined) return undefined;
  return {
    engines, repository, bundleSizeLimit,
    ...(engines.includes('fleet') ? { fleet: fleet ?? DEFAULT_FLEET_SETTINGS } : {}),
    ...(engines.includes('flux') ? { flux: flux ?? DEFAULT_FLUX_SETTINGS } : {}),
  };
}

/**
 * Why a site of this name cannot be rolled out by the chosen engines, or undefined.
 * Fleet installs each site's bundle as a Helm release named after the site.
 */
export function gitOpsSiteNameProblem(settings: ResolvedGitOpsSettings, siteName: string): string | undefined {
  if (!settings.engines.includes('fleet') || siteName.length <= FLEET_MAX_SITE_NAME) return undefined;
  return `"${siteName}" is ${siteName.length} characters; Rancher Fleet installs each site as a Helm release named after it, `
    + `and Helm release names are at most ${FLEET_MAX_SITE_NAME} characters (shorten the name, or use only flux in gitops.engines)`;
}

function readEngines(r: MappingReader): GitOpsEngine[] | undefined {
  const listed = r.stringList('engines', (v) => ((GITOPS_ENGINES as readonly string[]).includes(v) ? undefined : `"${v}" is not a fleet engine; allowed: ${GITOPS_ENGINES.join(', ')}`));
  if (listed === undefined) return undefined;
  if (listed.length === 0 && Array.isArray(r.raw('engines')) && (r.raw('engines') as unknown[]).length === 0) {
    r.report('engines', `must list at least one engine: ${GITOPS_ENGINES.join(', ')}`);
    return undefined;
  }
  const seen = new Set<string>();
  for (const engine of listed) {
    if (seen.has(engine)) r.report('engines', `lists ${engine} more than once`);
    seen.add(engine);
  }
  return GITOPS_ENGINES.filter((e) => seen.has(e));
}

function readRepository(r: MappingReader): ResolvedGitOpsSettings['repository'] | undefined {
  const m = r.mapping('repository', REPOSITORY_KEYS);
  if (!m) return undefined;
  m.require('url', 'the repository URL, e.g. https://git.example.com/edge/fleet.git or ssh://git@git.example.com/edge/fleet.git');
  const url = m.string('url', repositoryUrlProblem);
  const branch = m.string('branch', branchProblem) ?? DEFAULT_GITOPS_BRANCH;
  const path = m.string('path', repositoryPathProblem) ?? DEFAULT_GITOPS_PATH;
  const secretName = m.string('secretName', dns1123SubdomainProblem);
  if (url === undefined) return undefined;
  return { url, branch, path, ...(secretName !== undefined ? { secretName } : {}) };
}

function readEngineBlock<T>(r: MappingReader, key: GitOpsEngine, listed: boolean, keys: string[], read: (m: MappingReader) => T): T | undefined {
  if (!r.has(key)) return undefined;
  if (!listed) {
    r.report(key, `is set but engines does not list ${key}; add ${key} to engines or remove this block`);
    return undefined;
  }
  const m = r.mapping(key, keys);
  return m ? read(m) : undefined;
}

function readFleet(m: MappingReader): ResolvedFleetSettings {
  const d = DEFAULT_FLEET_SETTINGS;
  const pollingInterval = m.string('pollingInterval', durationProblem);
  const targetLabels = m.stringList('targetLabels', (v) => ((FLEET_TARGET_LABELS as readonly string[]).includes(v) ? undefined : `"${v}" is not a target label; allowed: ${FLEET_TARGET_LABELS.join(', ')} (edge.site is always required)`));
  return {
    namespace: m.string('namespace', dns1123LabelProblem) ?? d.namespace,
    gitRepoName: m.string('gitRepoName', dns1123LabelProblem) ?? d.gitRepoName,
    targetLabels: targetLabels ? FLEET_TARGET_LABELS.filter((l) => targetLabels.includes(l)) : d.targetLabels,
    dependsOn: uniqueNames(m, 'dependsOn', 'bundle') ?? d.dependsOn,
    ...(pollingInterval !== undefined ? { pollingInterval } : {}),
  };
}

function readFlux(m: MappingReader): ResolvedFluxSettings {
  const d = DEFAULT_FLUX_SETTINGS;
  const sourceInterval = m.string('sourceInterval', durationProblem);
  return {
    namespace: m.string('namespace', dns1123LabelProblem) ?? d.namespace,
    sourceTimeout: m.string('sourceTimeout', durationProblem) ?? d.sourceTimeout,
    interval: m.string('interval', durationProblem) ?? d.interval,
    retryInterval: m.string('retryInterval', durationProblem) ?? d.retryInterval,
    timeout: m.string('timeout', durationProblem) ?? d.timeout,
    prune: m.boolean('prune') ?? d.prune,
    wait: m.boolean('wait') ?? d.wait,
    dependsOn: uniqueNames(m, 'dependsOn', 'Kustomization') ?? d.dependsOn,
    ...(sourceInterval !== undefined ? { sourceInterval } : {}),
  };
}

function uniqueNames(m: MappingReader, key: string, what: string): string[] | undefined {
  const names = m.stringList(key, dns1123SubdomainProblem);
  if (names === undefined) return undefined;
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) m.report(key, `lists the ${what} ${name} more than once`);
    seen.add(name);
  }
  return [...seen];
}

function durationProblem(value: string): string | undefined {
  return (parseDurationSeconds(value) ?? 0) > 0 ? undefined : `${describe(value)} is not ${DURATION_RULE}`;
}

function sizeProblem(value: string): string | undefined {
  const bytes = parseBytes(value);
  return bytes !== undefined && bytes >= 1 ? undefined : `${describe(value)} is not a size such as 512Ki or 1Mi`;
}

const SCP_STYLE = /^([^@/:\s]+)@([^@/:\s]+):(?!\/\/)(.+)$/;

function repositoryUrlProblem(value: string): string | undefined {
  const scp = SCP_STYLE.exec(value);
  if (scp) return `"${value}" is an scp-style address, which Flux does not accept; write ssh://${scp[1]}@${scp[2]}/${scp[3].replace(/^\//, '')}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL; use https://host/org/repo.git or ssh://git@host/org/repo.git`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'ssh:') return `"${value}" must use https or ssh, not ${url.protocol.replace(/:$/, '')}`;
  if (!url.hostname) return `"${value}" has no host`;
  // ssh://git@host names the SSH user, which is no secret; anything else in userinfo may be a token.
  if (url.password || (url.protocol === 'https:' && url.username)) {
    return `"${value}" carries credentials; put them in a Secret and name it in secretName (credentials are never written to the output)`;
  }
  if (url.pathname === '' || url.pathname === '/') return `"${value}" names no repository (no path after the host)`;
  return undefined;
}

function branchProblem(value: string): string | undefined {
  // The rules of git check-ref-format that matter for a branch name.
  const invalid = value === '' || /[\s~^:?*[\\\x00-\x1f\x7f]/.test(value) || value.includes('..') || value.includes('@{') || value.includes('//')
    || /^[-/]/.test(value) || /[/.]$/.test(value) || value.endsWith('.lock') || value === '@' || value.split('/').some((part) => part.startsWith('.'));
  return invalid
    ? `"${value}" is not a Git branch name (no spaces, ~ ^ : ? * [ \\, '..', '@{' or '//'; not starting with '-', '/' or '.', not ending with '/', '.' or '.lock')`
    : undefined;
}

function repositoryPathProblem(value: string): string | undefined {
  if (value === '.') return undefined;
  // Only plain folder names: the path is written into Fleet globs and Flux ignore rules.
  const ok = value.split('/').every((part) => /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(part) && part !== '..');
  return ok ? undefined : `"${value}" is not a folder of the repository: relative, '/'-separated names of letters, digits, '.', '_' and '-' (no leading '/', '..' or glob characters), or "." for the repository root`;
}
