import { posix } from 'node:path';
import * as yaml from 'js-yaml';
import type { OutputFile } from '../core/manifests';
import type { Problem } from '../core/validation/problems';
import { formatBytes, parseBytes } from '../core/validation/quantity';
import type { ResolvedGitOpsSettings } from './gitops-settings';
import {
  FLEET_DIR, FLEET_YAML, FLUX_DIR, fluxSiteDir, GITOPS_DIR, globToRegExp, HUB_FLUX_LISTING, isGlob, KUSTOMIZATION_YAML, outputPathOf, SITES_DIR,
} from './private/gitops-paths';
import { gitOpsSiteNameProblem } from './private/read-gitops-settings';

/**
 * The synth-time checks of the GitOps output, over the whole output (`sites/` and
 * `gitops/`, paths relative to `dist/`):
 * - every folder a Fleet GitRepo or a Flux Kustomization points at exists, holds a
 *   kustomization.yaml, and (Fleet) a fleet.yaml, so no folder becomes a bundle
 *   without its targets;
 * - every site folder is reached by every chosen engine;
 * - every kustomization.yaml under `gitops/` lists only files that exist;
 * - each site passes {@link checkSiteBundle}.
 * Returns every problem, each with the output path it is about.
 */
export function checkGitOpsOutput(files: readonly OutputFile[], settings: ResolvedGitOpsSettings): Problem[] {
  const siteFiles = new Map<string, OutputFile[]>();
  for (const file of files) {
    const match = /^sites\/([^/]+)\//.exec(file.path);
    if (!match) continue;
    if (!siteFiles.has(match[1])) siteFiles.set(match[1], []);
    siteFiles.get(match[1])!.push(file);
  }
  const problems = checkGitOpsReferences(new Set(files.map((f) => f.path)), files.filter((f) => f.path.startsWith(`${GITOPS_DIR}/`)), settings);
  for (const [site, own] of siteFiles) problems.push(...checkSiteBundle(site, own, settings));
  return problems;
}

/**
 * The checks of {@link checkGitOpsOutput} that need only the paths of the output and
 * the content of the `gitops/` files: what the engines reference exists and reaches
 * every site. For runs that synthesize sites in parallel and check each site's
 * bundle with {@link checkSiteBundle} on the way.
 */
export function checkGitOpsReferences(paths: ReadonlySet<string>, gitops: readonly OutputFile[], settings: ResolvedGitOpsSettings): Problem[] {
  const problems: Problem[] = [];
  const dirs = foldersOf(paths);
  const sites = new Set([...paths].map((p) => /^sites\/([^/]+)\//.exec(p)?.[1]).filter((s): s is string => s !== undefined));
  for (const file of gitops.filter((f) => f.path.endsWith(`/${KUSTOMIZATION_YAML}`))) checkKustomizationList(file, paths, problems);

  const objects = gitops.filter((f) => !f.path.endsWith(`/${KUSTOMIZATION_YAML}`)).flatMap((f) => parsed(f, problems).map((object) => ({ file: f.path, object })));
  const reached = { fleet: new Set<string>(), flux: new Set<string>() };
  for (const { file, object } of objects.filter((o) => o.object?.kind === 'GitRepo')) {
    for (const path of asStrings(object.spec?.paths)) {
      for (const dir of gitRepoFolders(file, path, settings, dirs, problems)) {
        requireFile(paths, `${dir}/${FLEET_YAML}`, file, `GitRepo path ${path} makes a bundle of ${dir}, which has no ${FLEET_YAML}: it would go to every cluster the GitRepo targets`, problems);
        requireFile(paths, `${dir}/${KUSTOMIZATION_YAML}`, file, `GitRepo path ${path} makes a bundle of ${dir}, which has no ${KUSTOMIZATION_YAML}`, problems);
        reached.fleet.add(dir);
      }
    }
  }
  const sources = new Set(objects.filter((o) => o.object?.kind === 'GitRepository').map((o) => `${o.object.metadata?.namespace}/${o.object.metadata?.name}`));
  for (const { file, object } of objects.filter((o) => o.object?.kind === 'Kustomization' && String(o.object.apiVersion).startsWith('kustomize.toolkit.fluxcd.io/'))) {
    const source = `${object.metadata?.namespace}/${object.spec?.sourceRef?.name}`;
    if (!sources.has(source)) problems.push({ path: file, message: `sourceRef ${object.spec?.sourceRef?.kind} ${source} is not in the output` });
    const dir = outputPathOf(settings, String(object.spec?.path ?? ''));
    if (dir === undefined) {
      problems.push({ path: file, message: `path ${object.spec?.path} is outside the repository folder ${settings.repository.path} that holds the output` });
      continue;
    }
    requireFile(paths, `${dir}/${KUSTOMIZATION_YAML}`, file, `path ${object.spec.path} has no ${KUSTOMIZATION_YAML} in the output`, problems);
    reached.flux.add(dir);
  }

  if (settings.fleet && !objects.some((o) => o.object?.kind === 'GitRepo')) problems.push({ path: FLEET_DIR, message: 'holds no GitRepo, but gitops.engines lists fleet' });
  for (const site of [...sites].sort()) {
    const dir = `${SITES_DIR}/${site}`;
    if (settings.fleet && !reached.fleet.has(dir)) problems.push({ path: dir, message: 'no Fleet GitRepo path reaches this site' });
    if (settings.flux && !reached.flux.has(dir)) problems.push({ path: dir, message: `no Flux Kustomization applies this site (expected one in ${FLUX_DIR}/${site}/)` });
  }
  return problems;
}

/**
 * A site on the hub's control plane is applied by the hub's Flux through `gitops/flux/_hub`,
 * which must list the site's Flux folder. `hubListing` is that file, when the output has it.
 */
export function checkHubFluxListing(site: string, hubListing: OutputFile | undefined, settings: ResolvedGitOpsSettings): Problem[] {
  if (!settings.flux) return [];
  const listed = hubListing ? parsed(hubListing, []).some((k) => asStrings(k?.resources).includes(`../${site}`)) : false;
  return listed ? [] : [{ path: fluxSiteDir(site), message: `joins the hub's control plane, but ${HUB_FLUX_LISTING} does not list ../${site}, so the hub's Flux never applies it` }];
}

/**
 * The checks of one site's folder (`sites/<site>/...` files), usable while sites are
 * synthesized one at a time: the folder stays under `bundleSizeLimit`, its
 * kustomization.yaml does not list `fleet.yaml` (Fleet's options, not an object), and
 * Fleet can install it as a Helm release named after the site.
 */
export function checkSiteBundle(site: string, siteFiles: readonly OutputFile[], settings: ResolvedGitOpsSettings): Problem[] {
  const problems: Problem[] = checkBundleSize(site, siteFiles, settings.bundleSizeLimit);
  const dir = `${SITES_DIR}/${site}`;
  const kustomization = siteFiles.find((f) => f.path === `${dir}/${KUSTOMIZATION_YAML}`);
  if (kustomization && parsed(kustomization, problems).some((k) => asStrings(k?.resources).includes(FLEET_YAML))) {
    problems.push({ path: kustomization.path, message: `lists ${FLEET_YAML}, which holds Fleet's bundle options, not a Kubernetes object` });
  }
  const nameProblem = gitOpsSiteNameProblem(settings, site);
  if (nameProblem) problems.push({ path: dir, message: nameProblem });
  return problems;
}

/**
 * A site's folder (`sites/<site>/...` files) must stay under `limit` (a quantity such
 * as `1Mi`): fleet engines keep bundles in etcd, which refuses objects over ~1.5 MB.
 */
export function checkBundleSize(site: string, siteFiles: readonly OutputFile[], limit: string): Problem[] {
  const bytes = parseBytes(limit)!;
  const size = siteFiles.reduce((sum, f) => sum + Buffer.byteLength(f.content, 'utf8'), 0);
  if (size <= bytes) return [];
  return [{
    path: `${SITES_DIR}/${site}`,
    message: `the site's bundle is ${size} bytes (${siteFiles.length} files), over the limit of ${formatBytes(bytes)} (gitops.bundleSizeLimit); `
      + 'Fleet stores each bundle in etcd and refuses one that does not compress below 1 MB: split large configuration out of the site or raise the limit knowingly',
  }];
}

/** The folders of the output a GitRepo path names (a glob may name many). */
function gitRepoFolders(file: string, path: string, settings: ResolvedGitOpsSettings, dirs: ReadonlySet<string>, problems: Problem[]): string[] {
  const out = outputPathOf(settings, path);
  if (out === undefined) {
    problems.push({ path: file, message: `GitRepo path ${path} is outside the repository folder ${settings.repository.path} that holds the output` });
    return [];
  }
  if (!isGlob(out)) {
    if (dirs.has(out)) return [out];
    problems.push({ path: file, message: `GitRepo path ${path} is not a folder of the output` });
    return [];
  }
  const pattern = globToRegExp(out);
  const matches = [...dirs].filter((d) => pattern.test(d)).sort();
  if (matches.length === 0) problems.push({ path: file, message: `GitRepo path ${path} matches no folder of the output` });
  return matches;
}

function checkKustomizationList(file: OutputFile, paths: ReadonlySet<string>, problems: Problem[]): void {
  const dir = file.path.slice(0, -KUSTOMIZATION_YAML.length - 1);
  for (const doc of parsed(file, problems)) {
    for (const resource of asStrings(doc?.resources)) {
      // A resource is a file, or a folder holding a kustomization of its own (`../<site>` in the hub's list).
      const target = posix.normalize(`${dir}/${resource}`);
      if (paths.has(target) || paths.has(`${target}/${KUSTOMIZATION_YAML}`)) continue;
      requireFile(paths, target, file.path, `lists ${resource}, which is not in the output`, problems);
    }
  }
}

function requireFile(paths: ReadonlySet<string>, path: string, about: string, message: string, problems: Problem[]): void {
  if (!paths.has(path)) problems.push({ path: about, message });
}

function foldersOf(paths: ReadonlySet<string>): Set<string> {
  const dirs = new Set<string>();
  for (const path of paths) {
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
  }
  return dirs;
}

/** The file's YAML documents: those it was written from, else its content parsed. */
function parsed(file: OutputFile, problems: Problem[]): any[] {
  if (file.documents) return file.documents.filter((d) => d !== null && d !== undefined);
  try {
    return yaml.loadAll(file.content).filter((d) => d !== null && d !== undefined);
  } catch (error) {
    problems.push({ path: file.path, message: `is not valid YAML: ${(error as Error).message}` });
    return [];
  }
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
