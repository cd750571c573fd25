/**
 * Fleet-scale benchmark: `npm run bench [-- 100 1000 10000]`.
 *
 * For each size it writes a synthetic inventory (the example sites' shapes, renamed, with
 * the example's GitOps and Terraform settings), then measures, in a process of its own:
 *  - a full `cdk8s-edge synth` into an empty folder (all cores, no cache): wall time,
 *    sites/s, objects/s, peak RSS;
 *  - the floor: serializing the same objects with plain js-yaml on all cores;
 *  - a re-synth after changing one site (the cache skips unchanged sites).
 * It prints numbers and asserts nothing. BENCH_DIR chooses where the output goes
 * (default: the system temp folder); creating files dominates on slow disks, so
 * compare with a tmpfs such as /dev/shm to see the synthesis cost alone.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as yaml from 'js-yaml';
import { main } from '../lib/cli/main';
import { SynthCache } from '../lib/cli/synth-cache';
import { listFiles } from '../lib/fleet/output-writer';

const EXAMPLE = yaml.load(readFileSync(join(process.cwd(), 'apps', 'fleet.yaml'), 'utf8')) as { sites: any[] } & Record<string, unknown>;

/** Whether the site's nodes join the hub's control plane, where node and namespace names are fleet-wide. */
function sharesHub(site: any): boolean {
  return site.cluster?.flavor === 'openyurt' || site.cluster?.flavor === 'kubeedge';
}

/** A hub-joined site with its nodes and its workloads' namespaces renamed, as each real site has its own. */
function ownNames(site: any, suffix: string): any {
  const rename = (name: string) => `${name}-${suffix}`;
  const components = { ...site.components };
  for (const key of ['yurtAppSets', 'edgeApplications']) {
    if (components[key]) components[key] = components[key].map((w: any) => ({ ...w, namespace: rename(w.namespace) }));
  }
  if (components.devices) components.devices = { ...components.devices, devices: components.devices.devices.map((d: any) => ({ ...d, node: rename(d.node) })) };
  return { ...site, nodes: site.nodes.map((n: any) => ({ ...n, name: rename(n.name) })), components };
}

/** The example sites' shapes, renamed, `count` times; `changed` is a site whose zone differs. */
function writeInventory(file: string, count: number, changed = -1): void {
  const sites = Array.from({ length: count }, (_, i) => {
    const shape = EXAMPLE.sites[i % EXAMPLE.sites.length];
    const suffix = String(i).padStart(5, '0');
    const site = { ...(sharesHub(shape) ? ownNames(shape, suffix) : shape), name: `${shape.name}-${suffix}` };
    return i === changed ? { ...site, zone: `${shape.zone}-b` } : site;
  });
  // The example's fleet settings too (defaults, GitOps, Terraform): every site gets its Fleet and Flux files and its Terraform stack.
  writeFileSync(file, yaml.dump({ ...EXAMPLE, sites }, { noRefs: true }));
}

/** js-yaml alone on all cores: each worker parses its share of the files (untimed) and dumps them (timed). */
async function serializationFloor(files: string[], jobs: number): Promise<number> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    const yaml = require(${JSON.stringify(require.resolve('js-yaml'))});
    const objects = workerData.map((f) => yaml.load(readFileSync(f, 'utf8')));
    const start = process.hrtime.bigint();
    for (const o of objects) yaml.dump(o, { noRefs: true, lineWidth: -1 });
    parentPort.postMessage(Number(process.hrtime.bigint() - start) / 1e9);`;
  const shares = Array.from({ length: jobs }, (_, w) => files.filter((_f, i) => i % jobs === w));
  const times = await Promise.all(shares.map((share) => new Promise<number>((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: share });
    worker.on('message', resolve);
    worker.on('error', reject);
  })));
  return Math.max(...times);
}

/** One size, in a process of its own; the inventories are written by the parent, so peak RSS is the synth's. */
async function measure(count: number, dir: string): Promise<void> {
  const out = join(dir, 'dist');
  const inventory = join(dir, 'fleet.yaml');
  const io = { print: (_t: string) => undefined, printError: (t: string) => console.error(t) };

  const start = process.hrtime.bigint();
  const code = await main(['synth', '--inventory', inventory, '--out', out], io);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0) throw new Error(`synth failed with ${code}`);
  // Peak RSS of the synth alone (threads share the process): the floor below parses every object into memory.
  const synthRss = process.resourceUsage().maxRSS;
  const manifests = listFiles(join(out, 'sites'), join(out, 'sites')).filter((f) => !f.endsWith('kustomization.yaml'));
  const floor = await serializationFloor(manifests, availableParallelism());

  let written = '';
  const resynthStart = process.hrtime.bigint();
  await main(['synth', '--inventory', join(dir, 'fleet-changed.yaml'), '--out', out, '--json'], { ...io, print: (t) => { written = t; } });
  const resynth = Number(process.hrtime.bigint() - resynthStart) / 1e9;
  const resynthReport = JSON.parse(written);

  console.log([
    `sites=${count}`,
    `objects=${manifests.length}`,
    `wall=${wall.toFixed(2)}s`,
    `sites/s=${(count / wall).toFixed(0)}`,
    `objects/s=${(manifests.length / wall).toFixed(0)}`,
    `per-site=${((wall / count) * 1000).toFixed(2)}ms`,
    `synth-peak-rss=${(synthRss / 1024).toFixed(0)}MiB`,
    `js-yaml-floor=${floor.toFixed(2)}s`,
    `ratio=${(wall / floor).toFixed(1)}x`,
    `resynth-one-site=${resynth.toFixed(2)}s (synthesized ${resynthReport.synthesized}, wrote ${resynthReport.written} files)`,
  ].join('  '));
  rmSync(SynthCache.fileFor(out), { force: true });
}

async function run(): Promise<void> {
  if (process.argv[2] === CHILD) {
    await measure(Number(process.argv[3]), process.argv[4]);
    return;
  }
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  // Each size in a fresh process, so peak RSS and warm-up belong to that size alone.
  console.log(`node ${process.version}, ${availableParallelism()} cores, synth with ${availableParallelism()} worker threads, output under ${process.env.BENCH_DIR ?? tmpdir()}`);
  for (const size of sizes.length ? sizes : [100, 1000, 10000]) {
    const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), `bench-${size}-`));
    try {
      writeInventory(join(dir, 'fleet.yaml'), size);
      writeInventory(join(dir, 'fleet-changed.yaml'), size, Math.floor(size / 2));
      const result = spawnSync(process.execPath, [__filename, CHILD, String(size), dir], { stdio: 'inherit' });
      if (result.status !== 0) throw new Error(`the ${size}-site run failed`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The argument that makes this script measure one size (its parent passes it). */
const CHILD = '--measure-one';

run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
