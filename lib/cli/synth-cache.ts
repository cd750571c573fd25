import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SharedControlPlaneFootprint } from '../convergence/check-shared-control-plane';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';

/** What the cache remembers of one synthesized site. */
export interface CachedSite {
  /** Hash of the site's resolved spec, of the fleet's settings and of the code that synthesized it. */
  readonly inputHash: string;
  /** Objects the site synthesized to. */
  readonly objectCount: number;
  /** Bytes of its Kubernetes bundle (`sites/<site>/`). */
  readonly bundleBytes: number;
  /** Files it has in the output. */
  readonly fileCount: number;
  /** The fingerprint of the schemas the site's objects were checked against, when they were. */
  readonly schemas?: string;
  /** `siteFilesDigest` of the site's folders right after it was written. */
  readonly digest: string;
  /**
   * What the site writes into the hub's control plane, so a reused site still takes part in
   * the fleet-wide clash check.
   * @default - the site runs its own control plane
   */
  readonly sharedControlPlane?: SharedControlPlaneFootprint;
}

/** What a worker needs to decide whether a site can be reused. */
export interface CacheCheck {
  /** The fleet's settings as JSON (`SynthCache.checkFor`). */
  readonly fleetInputs: string;
  /**
   * The fingerprint of the schemas the run checks objects against.
   * @default - the run checks no schemas: a site checked against any (or none) is reused
   */
  readonly schemas?: string;
}

/** The fleet settings' digest, computed once per run rather than hashing the settings with every site. */
let lastFleetDigest: { readonly inputs: string; readonly digest: string } | undefined;
function fleetDigest(inputs: string): string {
  if (lastFleetDigest?.inputs !== inputs) lastFleetDigest = { inputs, digest: sha256(inputs) };
  return lastFleetDigest.digest;
}

/** The input hash of a site: its spec, the fleet's settings and the library's code. */
export function siteInputHash(spec: ResolvedSiteSpec, fleetInputs: string): string {
  return sha256(`${codeFingerprint()}\n${fleetDigest(fleetInputs)}\n${JSON.stringify(spec)}`);
}

/**
 * Whether a cached site whose files were verified on disk (`SitePool.verifyFiles`) can be
 * reused: same input hash (`siteInputHash`), and checked against the same schemas (any,
 * when the run checks none).
 */
export function isReusable(cached: CachedSite | undefined, inputHash: string, check: CacheCheck): cached is CachedSite {
  if (!cached || cached.inputHash !== inputHash) return false;
  return check.schemas === undefined || cached.schemas === check.schemas;
}

/**
 * Remembers, per output folder, which inputs produced which files, so a re-synth
 * of a large fleet only synthesizes the sites whose spec (or the library) changed.
 * A site is reused only while its folders hold the files with the sizes and mtimes
 * recorded (`digests`, checked by the workers while the inventory loads), so a hand
 * edit, a stray file or a checkout in dist/ is noticed. The cache lives in
 * node_modules/.cache (never in the output, which stays portable).
 */
export class SynthCache {
  /** The cache of an output folder; `enabled: false` gives one that never hits. */
  public static open(outdir: string, enabled: boolean): SynthCache {
    const file = SynthCache.fileFor(outdir);
    let sites: Record<string, CachedSite> = {};
    if (enabled && existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8'));
        if (parsed.fingerprint === codeFingerprint()) sites = parsed.sites;
      } catch {
        sites = {};
      }
    }
    return new SynthCache(file, resolve(outdir), enabled, sites);
  }

  /** Where the cache of an output folder is kept. */
  public static fileFor(outdir: string): string {
    return join(process.cwd(), 'node_modules', '.cache', 'cdk8s-edge', `synth-${sha256(resolve(outdir)).slice(0, 16)}.json`);
  }

  private constructor(
    private readonly file: string,
    private readonly outdir: string,
    /** Whether the cache is used at all (`--no-cache` turns it off). */
    public readonly enabled: boolean,
    private readonly sites: Record<string, CachedSite>,
  ) {}

  /**
   * What the workers check cached sites against: `fleet` is what every site's output also
   * depends on (the GitOps and Terraform settings); `schemas` the fingerprint of the schemas
   * the run checks objects against, when it does.
   */
  public checkFor(fleet: unknown, schemas?: string): CacheCheck {
    return { fleetInputs: JSON.stringify(fleet ?? null), ...(schemas !== undefined ? { schemas } : {}) };
  }

  /** The recorded digest of every cached site's files, by site. */
  public digests(): Record<string, string> {
    if (!this.enabled) return {};
    return Object.fromEntries(Object.entries(this.sites).map(([site, entry]) => [site, entry.digest]));
  }

  /** What the cache has for a site, if anything. */
  public lookup(site: string): CachedSite | undefined {
    return this.enabled ? this.sites[site] : undefined;
  }

  /** Records a site after its files are in place. */
  public record(site: string, entry: CachedSite): void {
    if (this.enabled) this.sites[site] = entry;
  }

  /** Forgets sites that are no longer in the fleet. */
  public retain(names: ReadonlySet<string>): void {
    for (const name of Object.keys(this.sites)) if (!names.has(name)) delete this.sites[name];
  }

  /** Writes the cache (atomically). */
  public save(): void {
    if (!this.enabled) return;
    const dir = dirname(this.file);
    mkdirSync(dir, { recursive: true });
    const temporary = `${this.file}.tmp-${process.pid}`;
    // The output folder comes first, so `forgetRemovedOutputs` finds it without parsing the whole file.
    writeFileSync(temporary, JSON.stringify({ outdir: this.outdir, fingerprint: codeFingerprint(), sites: this.sites }));
    renameSync(temporary, this.file);
    forgetRemovedOutputs(dir);
  }
}

/**
 * Removes the caches of output folders that no longer exist (temporary folders of
 * tests and benchmarks, an output moved elsewhere), so node_modules/.cache does not
 * grow with every folder ever synthesized into.
 */
function forgetRemovedOutputs(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!/^synth-[0-9a-f]{16}\.json$/.test(name)) continue;
    const file = join(dir, name);
    const outdir = outdirOf(file);
    if (outdir === undefined || !existsSync(outdir)) rmSync(file, { force: true });
  }
}

/** The output folder a cache file belongs to, read from its first bytes. */
function outdirOf(file: string): string | undefined {
  const head = Buffer.alloc(4096);
  let length = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      length = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const match = /^\{"outdir":("(?:[^"\\]|\\.)*")/.exec(head.toString('utf8', 0, length));
  return match ? JSON.parse(match[1]) : undefined;
}

let fingerprint: string | undefined;

/** A hash of the library's own code and of the cdk8s versions it runs on. */
function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256');
  const libDir = resolve(__dirname, '..');
  for (const file of sourceFiles(libDir)) hash.update(file).update(readFileSync(file));
  for (const pkg of ['cdk8s', 'cdk8s-plus-28', 'js-yaml']) hash.update(`${pkg}@${require(`${pkg}/package.json`).version}`);
  fingerprint = hash.digest('hex');
  return fingerprint;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

