import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** The result of a command run. */
export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `cdk8s-edge` binary as a user would, returning its exit code and output. */
export function runCli(args: string[], options: Pick<SpawnSyncOptions, 'uid' | 'gid' | 'env'> = {}): RunResult {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'cdk8s-edge.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', ...options });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `npm run synth`'s entry point (apps/synth.ts) with extra arguments. */
export function runSynth(args: string[]): RunResult {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(REPO_ROOT, 'apps', 'synth.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** A copy of a folder in a temporary place. */
export function copyDir(source: string, prefix: string): string {
  const target = tempDir(prefix);
  cpSync(source, target, { recursive: true });
  return target;
}

/** Every file under a folder with its content and mtime, keyed by relative path. */
export function snapshotDir(dir: string): Map<string, { content: string; mtimeMs: number }> {
  const files = new Map<string, { content: string; mtimeMs: number }>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else files.set(relative(dir, path), { content: readFileSync(path, 'utf8'), mtimeMs: stat.mtimeMs });
    }
  };
  walk(dir);
  return files;
}
