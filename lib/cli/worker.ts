import { parentPort } from 'node:worker_threads';
import { EdgeFleet } from '../fleet/edge-fleet';
import { JobContext, runSiteJob } from './site-job';
import { DirectoryMaker, intactSites } from './site-output';
import { trustResolvedSpecs } from '../fleet/trusted-specs';
import type { FromWorker, ToWorker } from './worker-protocol';

// Each worker loads the library once (while the main thread reads the inventory), then
// does what the main thread asks: check cached sites' files, then synthesize batches of
// sites, reporting each site as soon as it is done so the main thread can show progress.
const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);
const dirs = new DirectoryMaker();
let job: { readonly fleet: EdgeFleet; readonly context: JobContext } | undefined;

port.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'verify':
      send({ kind: 'verified', intact: intactSites(message.outdir, message.sites) });
      return;
    case 'setup':
      job = { fleet: new EdgeFleet({ ...message.fleet, sites: [] }), context: message.context };
      return;
    case 'batch':
      trustResolvedSpecs(message.sites);
      for (const spec of message.sites) send({ kind: 'report', report: runSiteJob(job!.fleet, spec, job!.context, dirs, message.cached[spec.name]) });
      send({ kind: 'ready' });
      return;
    case 'done':
      port.close();
      return;
  }
});
