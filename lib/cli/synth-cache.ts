import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResolvedSiteSpec } from '../site/site-spec';

/** What the cache remembers of one synthesized site. */
export interface CachedSite {
  /** Hash of the site's resolved spec and of the code that synthesized it. */
  readonly inputHash: string;
  readonly objectCount: number;
  readonly bundleBytes: number;
  /** The fingerprint of the schemas the site's objects were checked against, when they were. */
  readonly schemas?: string;
  /** Every output file with the size and mtime it had when it was written or checked. */
  readonly files: readonly { readonly path: string; readonly size: number; readonly mtimeMs: number }[];
}

/**
 * Remembers, per output folder, which inputs produced which files, so a re-synth
 * of a large fleet only synthesizes the sites whose spec (or the library) changed.
 * A site is reused only while every one of its files is still on disk with the
 * size and mtime recorded, so a hand edit or a checkout in dist/ is noticed.
 * It lives in node_modules/.cache (never in the output, which stays portable).
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
    return new SynthCache(file, enabled, sites, JSON.stringify(fleetInputs ?? null), schemas);
  }

  private constructor(
    private readonly file: string,
    private readonly enabled: boolean,
    private readonly sites: Record<string, CachedSite>,
    private readonly fleetInputs: string,
    private readonly schemas: string | undefined,
  ) {}

  /** The input hash of a site. */
  public inputHash(spec: ResolvedSiteSpec): string {
    return sha256(`${codeFingerprint()}\n${this.fleetInputs}\n${JSON.stringify(spec)}`);
  }

  /**
   * The cached result of each site whose inputs and files are unchanged, by name.
   * Every recorded file is checked on disk with one stat (no separate existence
   * check): on a large fleet a re-synth is mostly this loop.
   */
  public hits(specs: readonly ResolvedSiteSpec[], outdir: string): Map<string, CachedSite> {
    const result = new Map<string, CachedSite>();
    if (!this.enabled) return result;
    for (const spec of specs) {
      const cached = this.sites[spec.name];
      if (!cached || cached.inputHash !== this.inputHash(spec)) continue;
      if (this.schemas !== undefined && cached.schemas !== this.schemas) continue;
      const unchanged = cached.files.every((file) => {
        const stat = statSync(join(outdir, file.path), { throwIfNoEntry: false });
        return stat !== undefined && stat.size === file.size && stat.mtimeMs === file.mtimeMs;
      });
      if (unchanged) result.set(spec.name, cached);
    }
    return result;
  }

  /** Records a site after its files are in place. */
  public record(spec: ResolvedSiteSpec, outdir: string, objectCount: number, bundleBytes: number, paths: readonly string[]): void {
    if (!this.enabled) return;
    const files = paths.map((path) => {
      const stat = statSync(join(outdir, path));
      return { path, size: stat.size, mtimeMs: stat.mtimeMs };
    });
    this.sites[spec.name] = { inputHash: this.inputHash(spec), objectCount, bundleBytes, ...(this.schemas ? { schemas: this.schemas } : {}), files };
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

