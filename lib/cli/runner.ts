import { Worker } from 'node:worker_threads';
import type { ResolvedGitOpsSettings } from '../gitops/gitops-settings';
import { EdgeFleet } from '../site/edge-fleet';
import type { ResolvedSiteSpec } from '../site/site-spec';
import { DirectoryMaker, JobContext, runSiteJob, SiteReport } from './site-job';
import type { WorkerInput } from './worker';

/** How a run is spread out. */
export interface RunOptions {
  /** Worker threads; 1 runs in this thread. */
  readonly jobs: number;
  /** The fleet's GitOps settings, when it has them. */
  readonly gitOps?: ResolvedGitOpsSettings;
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
    const fleet = new EdgeFleet({ sites, ...(options.gitOps ? { gitOps: options.gitOps } : {}) });
    const dirs = new DirectoryMaker();
    for (const spec of sites) collect(runSiteJob(fleet, spec, context, dirs));
  } else {
    const shares = Array.from({ length: jobs }, (_, w) => sites.filter((_s, i) => i % jobs === w));
    await Promise.all(shares.map((share) => runWorker({ sites: share, context, ...(options.gitOps ? { gitOps: options.gitOps } : {}) }, collect)));
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
