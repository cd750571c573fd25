import { Worker } from 'node:worker_threads';
import { EdgeFleet, EdgeFleetProps } from '../fleet/edge-fleet';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { JobContext, runSiteJob, SiteReport } from './site-job';
import { DirectoryMaker, intactSites } from './site-output';
import type { CachedSite } from './synth-cache';
import type { FromWorker, ToWorker } from './worker-protocol';

/**
 * What every site's output depends on besides its own spec: the fleet's GitOps and Terraform
 * settings, from the inventory. Plain data, sent to every worker.
 */
export type FleetSettings = Pick<EdgeFleetProps, 'gitOps' | 'terraform' | 'hubAlertGroups' | 'sharedControlPlaneSites'>;

/** How a run is spread out. */
export interface RunOptions {
  /** The fleet's settings. */
  readonly fleet: FleetSettings;
  /** Called after every site. */
  readonly onSite?: (report: SiteReport, done: number) => void;
  /**
   * What the cache has for a site whose files were verified (synth with a cache).
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

/**
 * Old-generation limit of a worker. A worker holds the library, a batch of specs and one
 * site at a time (a site's bundle is limited to 1 MiB by default), well under 100 MiB live;
 * without a limit V8 lets each thread's heap grow to hundreds of MiB of garbage before
 * collecting it, which put a 10,000-site synth over 1 GiB. With it, such a synth stays
 * near 750 MiB for ~5% more time. A worker that truly needs more fails with an error.
 */
const WORKER_OLD_GENERATION_MB = 384;

/** Sites a worker gets at a time: small, so the threads finish together and hold few specs. */
const BATCH_SIZE = 8;

/**
 * The worker threads of a run. For a large inventory they start before it is read
 * (`startWorkers`), so loading the library in each (~300 ms) and checking the cached
 * sites' files happen while the main thread parses and validates the inventory; otherwise
 * `run` starts as many as there are sites, up to `jobs`. One pool serves one run:
 * `verifyFiles` any number of times, then `run` once; `close` ends it early. With one
 * job (or one site), everything runs in the calling thread.
 */
export class SitePool {
  private workers: PoolWorker[] = [];

  /** @param jobs worker threads at most; 1 runs every site in the calling thread */
  public constructor(private readonly jobs: number) {}

  /** Starts `count` workers now (none when the pool has one job or already has workers). */
  public startWorkers(count = this.jobs): void {
    if (this.workers.length > 0 || Math.min(count, this.jobs) <= 1) return;
    this.workers = Array.from({ length: Math.min(count, this.jobs) }, () => new PoolWorker());
  }

  /**
   * The sites (of `digests`: site name to the digest recorded) whose files in `outdir`
   * are exactly as recorded, checked by the workers.
   */
  public async verifyFiles(outdir: string, digests: Readonly<Record<string, string>>): Promise<Set<string>> {
    const entries = Object.entries(digests);
    if (this.workers.length === 0) return new Set(intactSites(outdir, entries));
    const shares = this.workers.map((_w, i) => entries.filter((_e, j) => j % this.workers.length === i));
    const answers = await Promise.all(this.workers.map((worker, i) => worker.verify(outdir, shares[i])));
    return new Set(answers.flat());
  }

  /**
   * Runs a job over every site. Sites are handed out in small batches as workers ask for
   * them, so a worker that drew large sites takes fewer, and no worker holds more than a
   * batch of specs. Reports come back in inventory order. The workers exit afterwards.
   */
  public async run(sites: readonly ResolvedSiteSpec[], context: JobContext, options: RunOptions): Promise<SiteReport[]> {
    const byName = new Map<string, SiteReport>();
    let done = 0;
    const collect = (report: SiteReport) => {
      byName.set(report.site, report);
      options.onSite?.(report, ++done);
    };
    this.startWorkers(sites.length);
    if (this.workers.length === 0) {
      const fleet = new EdgeFleet({ ...options.fleet, sites: [] });
      const dirs = new DirectoryMaker();
      for (const spec of sites) collect(runSiteJob(fleet, spec, context, dirs, options.cached?.(spec.name)));
    } else {
      let next = 0;
      const nextBatch = (): ToWorker | undefined => {
        if (next >= sites.length) return undefined;
        const batch = sites.slice(next, (next += BATCH_SIZE));
        const cached: Record<string, CachedSite> = {};
        for (const spec of batch) {
          const entry = options.cached?.(spec.name);
          if (entry) cached[spec.name] = entry;
        }
        return { kind: 'batch', sites: batch, cached };
      };
      await Promise.all(this.workers.map((worker) => worker.run({ kind: 'setup', fleet: options.fleet, context }, nextBatch, collect)));
    }
    await this.close();
    return sites.map((s) => byName.get(s.name)!);
  }

  /** Stops the workers. */
  public async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}

/** One worker thread and the one request it has in flight. */
class PoolWorker {
  private readonly worker = new Worker(workerBootstrap(), { eval: true, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB } });
  private readonly exited: Promise<void>;
  private onMessage: (message: FromWorker) => void = () => undefined;
  private onFailure: (error: Error) => void = () => undefined;
  /** Why the worker stopped, if it failed (also while no request was in flight, e.g. loading the library). */
  private failure?: Error;
  private closing = false;

  public constructor() {
    const fail = (error: Error) => {
      this.failure ??= error;
      this.onFailure(error);
    };
    this.exited = new Promise((resolveExit) => {
      this.worker.on('exit', (code) => {
        if (code !== 0 || !this.closing) fail(new Error(`a synthesis worker exited with code ${code}`));
        resolveExit();
      });
    });
    this.worker.on('message', (message: FromWorker) => this.onMessage(message));
    this.worker.on('error', fail);
  }

  public verify(outdir: string, sites: readonly (readonly [string, string])[]): Promise<readonly string[]> {
    return this.request({ kind: 'verify', outdir, sites }, (message, finish) => {
      if (message.kind === 'verified') finish(message.intact);
    });
  }

  /** Sends the setup, then a batch whenever the worker is ready, until there are none. */
  public run(setup: ToWorker, nextBatch: () => ToWorker | undefined, onReport: (report: SiteReport) => void): Promise<void> {
    const first = nextBatch();
    if (!first) return Promise.resolve();
    const reply = this.request<void>(setup, (message, finish) => {
      if (message.kind === 'report') {
        onReport(message.report);
        return;
      }
      const batch = nextBatch();
      if (batch) this.worker.postMessage(batch);
      else finish();
    });
    this.worker.postMessage(first);
    return reply;
  }

  public async close(): Promise<void> {
    this.closing = true;
    this.onFailure = () => undefined;
    this.worker.postMessage({ kind: 'done' } satisfies ToWorker);
    await this.exited;
  }

  private request<T>(message: ToWorker, handle: (message: FromWorker, finish: (result: T) => void) => void): Promise<T> {
    return new Promise<T>((resolveRequest, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.onFailure = reject;
      this.onMessage = (reply) => handle(reply, resolveRequest);
      this.worker.postMessage(message);
    });
  }
}

/** Loads the worker module: the compiled one, or the TypeScript source through ts-node in a checkout. */
function workerBootstrap(): string {
  const typescript = __filename.endsWith('.ts');
  const module = require.resolve(`./worker${typescript ? '.ts' : '.js'}`);
  const register = typescript ? "require('ts-node').register({ transpileOnly: true });" : '';
  return `${register}require(${JSON.stringify(module)});`;
}
