import type { ResolvedSiteSpec } from '../site/site-spec';
import type { FleetSettings } from './runner';
import type { JobContext, SiteReport } from './site-job';
import type { CachedSite } from './synth-cache';

/** What a worker starts with (its `workerData`). */
export interface WorkerSetup {
  readonly fleet: FleetSettings;
  readonly context: JobContext;
}

/** Sites the main thread hands a worker, with what the cache has for them. */
export interface WorkerBatch {
  readonly sites: readonly ResolvedSiteSpec[];
  readonly cached: Readonly<Record<string, CachedSite>>;
}

/** Sent instead of a batch when every site is handed out: the worker then exits. */
export const WORKER_DONE = 'done';

/** What a worker sends: a site's report, or that it is ready for another batch. */
export type WorkerMessage = { readonly report: SiteReport } | { readonly ready: true };
