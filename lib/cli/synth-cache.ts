import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResolvedSiteSpec } from '../site/site-spec';
import { siteFilesDigest } from './site-output';

/** What the cache remembers of one synthesized site. */
export interface CachedSite {
  /** Hash of the site's resolved spec, of the fleet's settings and of the code that synthesized it. */
  readonly inputHash: string;
  readonly objectCount: number;
  readonly bundleBytes: number;
  readonly fileCount: number;
  /** The fingerprint of the schemas the site's objects were checked against, when they were. */
  readonly schemas?: string;
  /** `siteFilesDigest` of the site's folders right after it was written. */
  readonly digest: string;
}

/** What a worker needs to decide whether a site can be reused. */
export interface CacheCheck {
  /** The fleet's settings, as `SynthCache.fleetInputs` has them. */
  readonly fleetInputs: string;
  /** The fingerprint of the schemas the run checks objects against, when it does. */
  readonly schemas?: string;
}

/** The input hash of a site: its spec, the fleet's settings and the library's code. */
export function siteInputHash(spec: ResolvedSiteSpec, fleetInputs: string): string {
  return sha256(`${codeFingerprint()}\n${fleetInputs}\n${JSON.stringify(spec)}`);
}

/**
 * Whether a cached site can be reused: same inputs, checked against the same schemas (any,
 * when the run checks none), and its folders still hold exactly the files the tool wrote.
 */
export function isReusable(cached: CachedSite | undefined, spec: ResolvedSiteSpec, check: CacheCheck, outdir: string): cached is CachedSite {
  if (!cached || cached.inputHash !== siteInputHash(spec, check.fleetInputs)) return false;
  if (check.schemas !== undefined && cached.schemas !== check.schemas) return false;
  return siteFilesDigest(outdir, spec.name) === cached.digest;
}

/**
 * Remembers, per output folder, which inputs produced which files, so a re-synth
 * of a large fleet only synthesizes the sites whose spec (or the library) changed.
 * A site is reused only while its folders hold the files with the sizes and mtimes
 * recorded, so a hand edit, a stray file or a checkout in dist/ is noticed. The
 * check runs in the workers, next to the synthesis it saves. The cache lives in
 * node_modules/.cache (never in the output, which stays portable).
 */
export class SynthCache {
  /**
   * The cache of an output folder; `enabled: false` gives one that never hits.
   * `fleetInputs` is what every site's output also depends on (the GitOps and Terraform settings).
   * `schemas` is the fingerprint of the schemas this run checks objects against: a site is
   * reused only when it was checked against the same ones (any site when it is undefined).
   */
  public static open(outdir: string, enabled: boolean, fleetInputs: unknown, schemas?: string): SynthCache {
    const file = join(process.cwd(), 'node_modules', '.cache', 'cdk8s-edge', `synth-${sha256(resolve(outdir)).slice(0, 16)}.json`);
    let sites: Record<string, CachedSite> = {};
    if (enabled && existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8'));
        if (parsed.fingerprint === codeFingerprint()) sites = parsed.sites;
      } catch {
        sites = {};
      }
    }
    return new SynthCache(file, enabled, sites, { fleetInputs: JSON.stringify(fleetInputs ?? null), ...(schemas !== undefined ? { schemas } : {}) });
  }

  private constructor(
    private readonly file: string,
    /** Whether the cache is used at all (`--no-cache` turns it off). */
    public readonly enabled: boolean,
    private readonly sites: Record<string, CachedSite>,
    /** What the workers check cached sites against. */
    public readonly check: CacheCheck,
  ) {}

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
    mkdirSync(join(this.file, '..'), { recursive: true });
    const temporary = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temporary, JSON.stringify({ fingerprint: codeFingerprint(), sites: this.sites }));
    renameSync(temporary, this.file);
  }
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

