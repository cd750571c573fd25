import { parentPort, workerData } from 'node:worker_threads';
import { EdgeFleet } from '../site/edge-fleet';
import { runSiteJob } from './site-job';
import { DirectoryMaker } from './site-output';
import { WORKER_DONE, WorkerBatch, WorkerMessage, WorkerSetup } from './worker-protocol';

// Each worker loads the library once, then asks for batches of sites until there are
// none left, reporting each site as soon as it is done so the main thread can show progress.
const setup = workerData as WorkerSetup;
const fleet = new EdgeFleet({ ...setup.fleet, sites: [] });
const dirs = new DirectoryMaker();
const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);

port.on('message', (message: WorkerBatch | typeof WORKER_DONE) => {
  if (message === WORKER_DONE) {
    port.close();
    return;
  }
  for (const spec of message.sites) send({ report: runSiteJob(fleet, spec, setup.context, dirs, message.cached[spec.name]) });
  send({ ready: true });
});
send({ ready: true });
