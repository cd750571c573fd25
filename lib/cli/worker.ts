import { parentPort, workerData } from 'node:worker_threads';
import { EdgeFleet } from '../site/edge-fleet';
import type { ResolvedSiteSpec } from '../site/site-spec';
import type { FleetSettings } from './runner';
import { DirectoryMaker, JobContext, runSiteJob } from './site-job';

/** What the main thread sends a worker: its share of the sites. */
export interface WorkerInput {
  readonly sites: readonly ResolvedSiteSpec[];
  readonly fleet: FleetSettings;
  readonly context: JobContext;
}

// Each worker loads the library once and synthesizes its share of the sites,
// reporting each site as soon as it is done so the main thread can show progress.
const input = workerData as WorkerInput;
const fleet = new EdgeFleet({ ...input.fleet, sites: input.sites });
const dirs = new DirectoryMaker();
for (const spec of input.sites) parentPort!.postMessage(runSiteJob(fleet, spec, input.context, dirs));
