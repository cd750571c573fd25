import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Folder in the output folder that holds the claims of the synths writing into it. */
export const LOCK_DIR = '.cdk8s-edge.lock';
/** Held only while a claim is checked and registered, so two runs never both see a free folder. */
const MUTEX = 'mutex';
/** How long a run waits for the mutex, and after how long a left-over mutex is taken as abandoned. */
const MUTEX_WAIT_MS = 5_000;
const MUTEX_STALE_MS = 30_000;

/** What a synth writes: every site (a whole-fleet run), or the output of these sites. */
export type OutputClaim = { readonly all: true } | { readonly sites: readonly string[] };

/** A registered claim, as another run reads it. */
interface ClaimFile {
  /** The process of the run. */
  readonly pid: number;
  /** The host it runs on (a pid means nothing on another host). */
  readonly host: string;
  /**
   * It writes every site.
   * @default - only `sites`
   */
  readonly all?: true;
  /**
   * The sites it writes.
   * @default - none, or every site with `all`
   */
  readonly sites?: readonly string[];
}

/**
 * An advisory lock on an output folder. Synths of disjoint `--sites` or shards may write into
 * one folder at once; a run whose sites overlap a running one's (a whole-fleet run overlaps
 * every run) is refused, instead of both exiting 0 with one's files in the folder. The fleet's
 * own files (the hub's stack, the Fleet GitRepo) are the same for every run of one inventory.
 * A claim of a process that no longer runs on this host is dropped, so a killed synth never
 * blocks the next one.
 */
export class OutputLock {
  /** Registers the claim, or returns why the folder is in use (one line). */
  public static acquire(outdir: string, claim: OutputClaim): OutputLock | string {
    const dir = join(outdir, LOCK_DIR);
    mkdirSync(dir, { recursive: true });
    const release = takeMutex(join(dir, MUTEX));
    if (typeof release === 'string') return release;
    try {
      for (const other of liveClaims(dir)) {
        const overlap = overlapOf(claim, other);
        if (overlap !== undefined) {
          return `the output folder ${outdir} is being written by another synth (pid ${other.pid} on ${other.host}, ${describe(other)}), which ${overlap}; `
            + 'wait for it to finish, or synthesize disjoint --sites';
        }
      }
      const file = join(dir, `${hostname()}-${process.pid}.json`);
      const own: ClaimFile = { pid: process.pid, host: hostname(), ...('all' in claim ? { all: true as const } : { sites: [...claim.sites] }) };
      writeFileSync(file, JSON.stringify(own));
      return new OutputLock(dir, file);
    } finally {
      release();
    }
  }

  private constructor(private readonly dir: string, private readonly file: string) {}

  /** Drops the claim; the lock folder goes when no claim is left. */
  public release(): void {
    rmSync(this.file, { force: true });
    try {
      rmdirSync(this.dir);
    } catch {
      // another run's claim is still there
    }
  }
}

function takeMutex(path: string): (() => void) | string {
  const deadline = Date.now() + MUTEX_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(path);
      return () => rmSync(path, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > MUTEX_STALE_MS) rmSync(path, { recursive: true, force: true });
    else if (Date.now() > deadline) return `the output folder's lock (${path}) stayed taken for ${MUTEX_WAIT_MS / 1000} s; if no synth is running, remove it`;
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
  }
}

/** The claims of runs still alive; those of dead processes on this host are removed. */
function liveClaims(dir: string): ClaimFile[] {
  const claims: ClaimFile[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    let claim: ClaimFile;
    try {
      claim = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ClaimFile;
    } catch {
      continue; // being written: its run holds the mutex, which we hold now, so it is a torn left-over
    }
    if (claim.host === hostname() && !isAlive(claim.pid)) rmSync(join(dir, name), { force: true });
    else claims.push(claim);
  }
  return claims;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How two claims overlap, or undefined when they do not. */
function overlapOf(mine: OutputClaim, other: ClaimFile): string | undefined {
  if ('all' in mine) return 'this whole-fleet synth would overwrite';
  if (other.all) return 'covers every site';
  const theirs = new Set(other.sites ?? []);
  const shared = mine.sites.filter((s) => theirs.has(s));
  return shared.length > 0 ? `also writes ${shared.slice(0, 5).join(', ')}${shared.length > 5 ? ` and ${shared.length - 5} more` : ''}` : undefined;
}

function describe(claim: ClaimFile): string {
  if (claim.all) return 'the whole fleet';
  const sites = claim.sites ?? [];
  return `sites ${sites.slice(0, 5).join(', ')}${sites.length > 5 ? ` and ${sites.length - 5} more` : ''}`;
}
