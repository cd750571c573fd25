import { ChildProcess, spawn, spawnSync, SpawnSyncOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { EdgeFleet } from '../../lib';
import type { OutputFile } from '../../lib/core/manifests';

/**
 * The real programs the runtime suites feed generated configs to. `.ci/run` installs them
 * from Debian's packages; on a laptop without them, their suites are reported as skipped with
 * the reason. Under CI=true a missing program fails, as the schema suites do.
 */
export interface Program {
  /** Binary name, looked up on PATH and in `dirs`. */
  readonly binary: string;
  /** The Debian package that provides it (for the skip message). */
  readonly debianPackage: string;
  /** More folders to look in (PostgreSQL keeps its server binaries off PATH). */
  readonly dirs?: readonly string[];
}

export const PROMETHEUS: Program = { binary: 'prometheus', debianPackage: 'prometheus' };
export const PROMTOOL: Program = { binary: 'promtool', debianPackage: 'prometheus' };
export const NODE_EXPORTER: Program = { binary: 'prometheus-node-exporter', debianPackage: 'prometheus-node-exporter' };
export const DOCKER_REGISTRY: Program = { binary: 'docker-registry', debianPackage: 'docker-registry' };
export const SKOPEO: Program = { binary: 'skopeo', debianPackage: 'skopeo' };
export const UNSHARE: Program = { binary: 'unshare', debianPackage: 'util-linux' };
export const SETPRIV: Program = { binary: 'setpriv', debianPackage: 'util-linux' };
export const POSTGRES: Program = { binary: 'postgres', debianPackage: 'postgresql-15', dirs: ['/usr/lib/postgresql/15/bin'] };

/** The program's absolute path, or undefined when it is not installed. */
export function programPath(program: Program): string | undefined {
  const dirs = [...(program.dirs ?? []), ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = join(dir, program.binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * `describe` for a suite that needs programs: skipped (with the reason printed) when one is
 * missing, failing under CI=true. The body gets the programs' absolute paths.
 */
export function describeWithPrograms(name: string, programs: readonly Program[], body: (paths: string[]) => void, requirements: readonly Requirement[] = []): void {
  const paths = programs.map(programPath);
  const missing = programs.filter((_, i) => paths[i] === undefined);
  const unmet = requirements.filter((r) => !r.met());
  if (missing.length === 0 && unmet.length === 0) {
    describe(name, () => body(paths as string[]));
    return;
  }
  const reason = [
    ...(missing.length > 0 ? [`${missing.map((p) => `${p.binary} (Debian package ${p.debianPackage})`).join(', ')} not installed`] : []),
    ...unmet.map((r) => r.reason),
  ].join('; ');
  describe(name, () => {
    test('the programs are installed (required under CI=true)', () => {
      if (process.env.CI === 'true') throw new Error(`runtime checks cannot run in CI: ${reason}`);
      console.warn(`runtime suite "${name}" skipped: ${reason}`);
    });
  });
}

/** Something a suite needs besides programs, e.g. running as root to switch to a pod's uid. */
export interface Requirement {
  readonly met: () => boolean;
  /** Said when it is not met. */
  readonly reason: string;
}

/** Root, to run a workload as its pod's uid and gid. */
export const RUNS_AS_ROOT: Requirement = { met: () => process.getuid?.() === 0, reason: 'not running as root (needed to run programs as the pod\'s uid)' };

/** Every run is bounded: a program that hangs fails its test instead of the suite. */
export const RUN_TIMEOUT_MS = 30_000;

/** Runs a program to completion, bounded in time; returns its exit status and output. */
export function runProgram(binary: string, args: readonly string[], options: SpawnSyncOptions = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(binary, [...args], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, ...options });
  if (result.error) throw result.error;
  return { status: result.status, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** A program running in the background, with what it printed so far. */
export interface RunningProgram {
  readonly process: ChildProcess;
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a long-running program (a server); stop it in `afterAll`/`finally`. */
export function startProgram(binary: string, args: readonly string[], options: Parameters<typeof spawn>[2] = {}): RunningProgram {
  const child = spawn(binary, [...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `check` until it returns a value, the program exits, or `timeoutMs` passes; the error
 * then carries the program's output.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, program?: RunningProgram, timeoutMs = RUN_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (program && (program.process.exitCode !== null || program.process.signalCode !== null)) {
      throw new Error(`${what}: the program exited (${program.process.exitCode ?? program.process.signalCode}):\n${program.output()}`);
    }
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${program ? `:\n${program.output()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** HTTP GET against 127.0.0.1, bounded; the status and body. */
export async function httpGet(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/** The example fleet (apps/fleet.yaml). */
export const EXAMPLE_INVENTORY = resolve(__dirname, '..', '..', 'apps', 'fleet.yaml');

let exampleFiles: readonly OutputFile[] | undefined;
/** Every file `npm run synth` writes for the example fleet, synthesized in memory once per test file. */
export function exampleFleetFiles(): readonly OutputFile[] {
  exampleFiles ??= EdgeFleet.fromInventoryFile(EXAMPLE_INVENTORY).synth().files;
  return exampleFiles;
}
