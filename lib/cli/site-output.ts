import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../core/manifests';
import { isToolOutput, listFiles } from '../fleet/output-writer';
import { siteOutputDirs } from '../fleet/edge-fleet';

/** A file of a site that differs from the output folder. */
export interface FileChange {
  readonly path: string;
  readonly kind: 'added' | 'changed';
  /** Unified diff (diff mode only). */
  readonly patch?: string;
}

/** One site's files, written to the output folder under temporary names until the run commits. */
export interface StagedSite {
  /** Files staged one by one next to their targets, in site folders that already existed. */
  readonly changes: readonly FileChange[];
  /**
   * Site folders that did not exist, each written whole as `<folder><suffix>` and renamed
   * in one step on commit: a new site costs a rename per folder, not one per file.
   */
  readonly stagedDirs: readonly string[];
  /**
   * The site's files outside the staged folders. Only these folders can hold stale files:
   * a staged folder holds exactly the site's files.
   */
  readonly paths: readonly string[];
  /** Fingerprint of the site's files as they will be once committed (see `siteFilesDigest`). */
  readonly digest: string;
}

/** mkdir -p that asks the disk once per folder in a run: most files of a site share a few folders. */
export class DirectoryMaker {
  private readonly known = new Set<string>();

  public ensure(dir: string): void {
    if (this.known.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.known.add(dir);
  }
}

/**
 * Writes what changed of a site's files next to their targets under `suffix`; unchanged files
 * are not touched. Every file is then stat'ed once (the staged copy keeps its size and mtime
 * when renamed), so the digest describes the committed files without reading them again.
 */
export function stageSiteFiles(outdir: string, site: string, files: readonly OutputFile[], suffix: string, dirs: DirectoryMaker): StagedSite {
  const siteDirs = siteOutputDirs(site).map((dir) => ({ dir, exists: existsSync(join(outdir, dir)) }));
  const changes: FileChange[] = [];
  const paths: string[] = [];
  const stats: FileStat[] = [];
  for (const file of files) {
    const home = siteDirs.find((d) => file.path.startsWith(`${d.dir}/`));
    if (home && !home.exists) {
      const staged = join(outdir, `${home.dir}${suffix}`, file.path.slice(home.dir.length + 1));
      dirs.ensure(dirname(staged));
      writeFileSync(staged, file.content);
      stats.push(fileStat(file.path, staged));
      continue;
    }
    paths.push(file.path);
    const target = join(outdir, file.path);
    const existing = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (existing === file.content) {
      stats.push(fileStat(file.path, target));
      continue;
    }
    dirs.ensure(dirname(target));
    writeFileSync(`${target}${suffix}`, file.content);
    stats.push(fileStat(file.path, `${target}${suffix}`));
    changes.push({ path: file.path, kind: existing === undefined ? 'added' : 'changed' });
  }
  const stagedDirs = siteDirs.filter((d) => !d.exists && stats.some((s) => s.path.startsWith(`${d.dir}/`))).map((d) => d.dir);
  return { changes, stagedDirs, paths, digest: digestOf(stats) };
}

/** Puts a staged site in place: each staged folder and file is renamed over its target. */
export function commitStagedSite(outdir: string, staged: Pick<StagedSite, 'changes' | 'stagedDirs'>, suffix: string): void {
  for (const dir of staged.stagedDirs) renameSync(join(outdir, `${dir}${suffix}`), join(outdir, dir));
  for (const change of staged.changes) renameSync(join(outdir, `${change.path}${suffix}`), join(outdir, change.path));
}

/** Removes what a site staged, leaving the output folder as it was. */
export function discardStagedSite(outdir: string, staged: Pick<StagedSite, 'changes' | 'stagedDirs'>, suffix: string): void {
  for (const dir of staged.stagedDirs) rmSync(join(outdir, `${dir}${suffix}`), { recursive: true, force: true });
  for (const change of staged.changes) rmSync(join(outdir, `${change.path}${suffix}`), { force: true });
}

/**
 * Fingerprint of the files the tool owns in a site's folders: every path with its size and
 * mtime. It changes when a file is edited, removed or added by hand, or checked out again,
 * so a cached site is reused only while its folders hold exactly what the tool wrote.
 * Terraform's state and working files next to a stack are not the tool's and do not count.
 */
export function siteFilesDigest(outdir: string, site: string): string {
  const paths = siteOutputDirs(site).flatMap((dir) => {
    const root = join(outdir, dir);
    return existsSync(root) ? listFiles(root, dir) : [];
  }).filter(isToolOutput).sort(byCodePoint);
  return digestOf(paths.map((path) => fileStat(path, join(outdir, path))));
}

/** The sites (site name and recorded digest) whose files in `outdir` are as recorded. */
export function intactSites(outdir: string, recorded: readonly (readonly [site: string, digest: string])[]): string[] {
  return recorded.filter(([site, digest]) => siteFilesDigest(outdir, site) === digest).map(([site]) => site);
}

interface FileStat {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

function fileStat(path: string, location: string): FileStat {
  const stat = statSync(location);
  return { path, size: stat.size, mtimeMs: stat.mtimeMs };
}

function digestOf(stats: readonly FileStat[]): string {
  const hash = createHash('sha256');
  for (const stat of [...stats].sort((a, b) => byCodePoint(a.path, b.path))) hash.update(`${stat.path}\0${stat.size}\0${stat.mtimeMs}\n`);
  return hash.digest('hex');
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
