import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import type { FleetSettings } from './runner';
import type { JobContext, SiteReport } from './site-job';
import type { CachedSite } from './synth-cache';

/** What the main thread sends a worker. */
export type ToWorker =
  /** Check cached sites' files on disk (`siteFilesDigest`); answered with `verified`. */
  | { readonly kind: 'verify'; readonly outdir: string; readonly sites: readonly (readonly [site: string, digest: string])[] }
  /** What every site of the run needs; sent once before the first batch. */
  | { readonly kind: 'setup'; readonly fleet: FleetSettings; readonly context: JobContext }
  /** Sites to run the job over, with what the cache has for them; answered with a report per site, then `ready`. */
  | { readonly kind: 'batch'; readonly sites: readonly ResolvedSiteSpec[]; readonly cached: Readonly<Record<string, CachedSite>> }
  /** No more work: the worker exits. */
  | { readonly kind: 'done' };

/** What a worker sends back. */
export type FromWorker =
  | { readonly kind: 'verified'; readonly intact: readonly string[] }
  | { readonly kind: 'report'; readonly report: SiteReport }
  | { readonly kind: 'ready' };
