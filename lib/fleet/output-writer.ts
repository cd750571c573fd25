import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../core/manifests';

/** What a write changed. */
export interface WriteSummary {
  /** Files created or changed. */
  readonly written: number;
  /** Files already up to date (not touched, so mtimes and Git stay quiet). */
  readonly unchanged: number;
  /** Stale files removed from the folders the tool owns. */
  readonly removed: number;
}

/**
 * Writes the output into `outdir`. Everything is computed and validated before
 * this runs, so a failed synth never gets here and leaves `outdir` as it was. Each
 * changed file is written to a temporary name and renamed over the old one, so a
 * reader never sees half a file; unchanged files are left alone; files under
 * `ownedDirs` that the output no longer has are removed (nothing else is).
 */
export function writeOutput(outdir: string, files: readonly OutputFile[], ownedDirs: readonly string[]): WriteSummary {
  let written = 0;
  let unchanged = 0;
  const wanted = new Set(files.map((f) => f.path));
  for (const file of files) {
    const target = join(outdir, file.path);
    if (existsSync(target) && readFileSync(target, 'utf8') === file.content) {
      unchanged++;
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, file.content);
    renameSync(temporary, target);
    written++;
  }
  return { written, unchanged, removed: removeStaleFiles(outdir, ownedDirs, wanted) };
}

/**
 * Whether a file of the output folders is the tool's own, and so removed when
 * stale: everything except, under `terraform/`, what is not a `cdk.tf.json` or the
 * provider lock file written with it (Terraform's state and working files next to a
 * stack are the user's).
 */
export function isToolOutput(path: string): boolean {
  return !path.startsWith('terraform/') || path.endsWith('/cdk.tf.json') || path.endsWith('/.terraform.lock.hcl');
}

/**
 * Removes the files of the tool under `dirs` (relative to `outdir`) that `wanted`
 * does not list, then the folders left empty. Returns how many files were removed.
 */
export function removeStaleFiles(outdir: string, dirs: readonly string[], wanted: ReadonlySet<string>): number {
  let removed = 0;
  for (const dir of dirs) {
    const root = join(outdir, dir);
    if (!existsSync(root)) continue;
    for (const rel of statSync(root).isDirectory() ? listFiles(root, dir) : [dir]) {
      if (!wanted.has(rel) && isToolOutput(rel)) {
        unlinkSync(join(outdir, rel));
        removed++;
      }
    }
    if (existsSync(root) && statSync(root).isDirectory()) removeEmptyDirs(root);
  }
  return removed;
}

/**
 * Every file under a folder, recursively, as `prefix/relative/path` with forward
 * slashes (the form output paths take). Folder entries are read with their types,
 * so a fleet of thousands of sites is listed without a stat per file.
 */
export function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(join(dir, entry.name), rel));
    else files.push(rel);
  }
  return files;
}

/** Removes the empty folders under `dirs` (relative to `outdir`). */
export function pruneEmptyDirs(outdir: string, dirs: readonly string[]): void {
  for (const dir of dirs) if (existsSync(join(outdir, dir))) removeEmptyDirs(join(outdir, dir));
}

/** Removes `dir` and the folders under it that hold no file; returns whether `dir` went. */
function removeEmptyDirs(dir: string): boolean {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !removeEmptyDirs(join(dir, entry.name))) empty = false;
  }
  if (empty) rmdirSync(dir);
  return empty;
}
