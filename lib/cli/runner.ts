import { Worker } from 'node:worker_threads';
import { EdgeFleet, EdgeFleetProps } from '../site/edge-fleet';
import type { ResolvedSiteSpec } from '../site/site-spec';
import { DirectoryMaker, JobContext, runSiteJob, SiteReport } from './site-job';
import type { WorkerInput } from './worker';

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
}

/**
 * Runs a job over every site, in `jobs` worker threads that each load the library
 * once (loading it costs ~100 ms, so never one worker per site). Sites are dealt
 * round-robin so every worker gets a similar mix. Reports come back in inventory order.
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
    const fleet = new EdgeFleet({ ...options.fleet, sites });
    const dirs = new DirectoryMaker();
    for (const spec of sites) collect(runSiteJob(fleet, spec, context, dirs));
  } else {
    const shares = Array.from({ length: jobs }, (_, w) => sites.filter((_s, i) => i % jobs === w));
    await Promise.all(shares.map((share) => runWorker({ sites: share, context, fleet: options.fleet }, collect)));
  }
  return sites.map((s) => byName.get(s.name)!);
}

function runWorker(input: WorkerInput, onReport: (report: SiteReport) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(workerBootstrap(), { eval: true, workerData: input });
    worker.on('message', onReport);
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
