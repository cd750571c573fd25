/**
 * Fleet-scale benchmark: `npm run bench [-- 100 1000 10000]`.
 *
 * For each size it writes a synthetic inventory (the example sites' shapes, renamed),
 * then measures, in this one process:
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
import { listFiles } from '../lib/private/output-writer';

const EXAMPLE = yaml.load(readFileSync(join(process.cwd(), 'apps', 'fleet.yaml'), 'utf8')) as { sites: any[] } & Record<string, unknown>;

function writeInventory(dir: string, count: number, changed = -1): string {
  const sites = Array.from({ length: count }, (_, i) => {
    const shape = EXAMPLE.sites[i % EXAMPLE.sites.length];
    const site = { ...shape, name: `${shape.name}-${String(i).padStart(5, '0')}` };
    return i === changed ? { ...site, zone: `${shape.zone}-b` } : site;
  });
  const file = join(dir, 'fleet.yaml');
  // The example's fleet settings too (defaults, GitOps, Terraform): every site gets its Fleet and Flux files and its Terraform stack.
  writeFileSync(file, yaml.dump({ ...EXAMPLE, sites }, { noRefs: true }));
  return file;
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

async function measure(count: number): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), `bench-${count}-`));
  const out = join(dir, 'dist');
  const inventory = writeInventory(dir, count);
  const io = { print: (_t: string) => undefined, printError: (t: string) => console.error(t) };

  const start = process.hrtime.bigint();
  const code = await main(['synth', '--inventory', inventory, '--out', out], io);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0) throw new Error(`synth failed with ${code}`);
  // Peak RSS of the synth alone (threads share the process): the floor below parses every object into memory.
  const synthRss = process.resourceUsage().maxRSS;
  const manifests = listFiles(join(out, 'sites'), join(out, 'sites')).filter((f) => !f.endsWith('kustomization.yaml'));
  const floor = await serializationFloor(manifests, availableParallelism());

  writeInventory(dir, count, Math.floor(count / 2));
  let written = '';
  const resynthStart = process.hrtime.bigint();
  await main(['synth', '--inventory', inventory, '--out', out, '--json'], { ...io, print: (t) => { written = t; } });
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
  rmSync(dir, { recursive: true, force: true });
}

async function run(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  if (sizes.length === 1) {
    await measure(sizes[0]);
    return;
  }
  // Each size in a fresh process, so peak RSS and warm-up belong to that size alone.
  console.log(`node ${process.version}, ${availableParallelism()} cores, synth with ${availableParallelism()} worker threads, output under ${process.env.BENCH_DIR ?? tmpdir()}`);
  for (const size of sizes.length ? sizes : [100, 1000, 10000]) {
    const result = spawnSync(process.execPath, [__filename, String(size)], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`the ${size}-site run failed`);
  }
}

run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
