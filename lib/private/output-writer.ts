import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { OutputFile } from './manifests';

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
  let removed = 0;
  for (const dir of ownedDirs) {
    const root = join(outdir, dir);
    if (!existsSync(root)) continue;
    for (const file of listFiles(root)) {
      const rel = relative(outdir, file).split(sep).join('/');
      if (!wanted.has(rel)) {
        unlinkSync(file);
        removed++;
      }
    }
    removeEmptyDirs(root);
  }
  return { written, unchanged, removed };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function removeEmptyDirs(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeEmptyDirs(path);
  }
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}
