import { Worker } from 'node:worker_threads';
import { EdgeFleet, EdgeFleetProps } from '../site/edge-fleet';
import type { ResolvedSiteSpec } from '../site/site-spec';
import { JobContext, runSiteJob, SiteReport } from './site-job';
import { DirectoryMaker } from './site-output';
import type { CachedSite } from './synth-cache';
import { WORKER_DONE, WorkerBatch, WorkerMessage, WorkerSetup } from './worker-protocol';

/**
 * What every site's output depends on besides its own spec: the fleet's GitOps and Terraform
 * settings, from the inventory. Plain data, sent to every worker.
 */
export type FleetSettings = Pick<EdgeFleetProps, 'gitOps' | 'terraform'>;

/** How a run is spread out. */
export interface RunOptions {
  /** Worker threads; 1 runs in this thread. */
  readonly jobs: number;
  /** The fleet's settings. */
  readonly fleet: FleetSettings;
  /** Called after every site. */
  readonly onSite?: (report: SiteReport, done: number) => void;
  /**
   * What the cache has for a site (synth with a cache).
   * @default - nothing is cached
   */
  readonly cached?: (site: string) => CachedSite | undefined;
}

/**
 * Young-generation size of a worker. Synthesis allocates many short-lived objects per
 * site; a larger nursery than V8's default for a thread scavenges less often
 * (measured ~8% less wall time over 1,000 sites) for a few more MiB per worker.
 */
const WORKER_YOUNG_GENERATION_MB = 48;

/** Sites a worker gets at a time: small, so the threads finish together and hold few specs. */
const BATCH_SIZE = 8;

/**
 * Runs a job over every site, in `jobs` worker threads that each load the library
 * once (loading it costs ~100 ms, so never one worker per site). Sites are handed out
 * in small batches as workers ask for them, so a worker that drew large sites takes
 * fewer, and no worker holds more than a batch of specs. Reports come back in
 * inventory order.
 */
export async function runSites(sites: readonly ResolvedSiteSpec[], context: JobContext, options: RunOptions): Promise<SiteReport[]> {
  const jobs = Math.max(1, Math.min(options.jobs, sites.length));
  const byName = new Map<string, SiteReport>();
  let done = 0;
  const collect = (report: SiteReport) => {
    byName.set(report.site, report);
    options.onSite?.(report, ++done);
  };
  if (jobs === 1) {
    const fleet = new EdgeFleet({ ...options.fleet, sites: [] });
    const dirs = new DirectoryMaker();
    for (const spec of sites) collect(runSiteJob(fleet, spec, context, dirs, options.cached?.(spec.name)));
  } else {
    let next = 0;
    const nextBatch = (): WorkerBatch | undefined => {
      if (next >= sites.length) return undefined;
      const batch = sites.slice(next, (next += BATCH_SIZE));
      const cached: Record<string, CachedSite> = {};
      for (const spec of batch) {
        const entry = options.cached?.(spec.name);
        if (entry) cached[spec.name] = entry;
      }
      return { sites: batch, cached };
    };
    const setup: WorkerSetup = { context, fleet: options.fleet };
    await Promise.all(Array.from({ length: jobs }, () => runWorker(setup, nextBatch, collect)));
  }
  return sites.map((s) => byName.get(s.name)!);
}

function runWorker(setup: WorkerSetup, nextBatch: () => WorkerBatch | undefined, onReport: (report: SiteReport) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(workerBootstrap(), { eval: true, workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.on('message', (message: WorkerMessage) => {
      if ('report' in message) onReport(message.report);
      else worker.postMessage(nextBatch() ?? WORKER_DONE);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`a synthesis worker exited with code ${code}`))));
  });
}

/** Loads the worker module: the compiled one, or the TypeScript source through ts-node in a checkout. */
function workerBootstrap(): string {
  const typescript = __filename.endsWith('.ts');
  const module = require.resolve(`./worker${typescript ? '.ts' : '.js'}`);
  const register = typescript ? "require('ts-node').register({ transpileOnly: true });" : '';
  return `${register}require(${JSON.stringify(module)});`;
}
