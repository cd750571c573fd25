/**
 * Measures synthesis cost per site on synthetic fleets shaped like the example
 * sites, against the floor of serializing the same objects with plain js-yaml.
 *   npm run bench [-- 100 1000]
 * Prints numbers; asserts nothing.
 */
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { EdgeFleet, loadInventoryFile, ResolvedSiteSpec } from '../lib';

function syntheticFleet(count: number, shapes: readonly ResolvedSiteSpec[]): ResolvedSiteSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const shape = shapes[i % shapes.length];
    return { ...shape, name: `${shape.name}-${String(i).padStart(5, '0')}` };
  });
}

function measure(count: number, shapes: readonly ResolvedSiteSpec[]): void {
  const sites = syntheticFleet(count, shapes);
  const fleet = new EdgeFleet({ sites });
  const rssBefore = process.memoryUsage().rss;
  let objects = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  const documents: unknown[][] = [];
  for (const site of sites) {
    const result = fleet.synthSite(site);
    objects += result.objectCount;
    for (const file of result.files) bytes += file.content.length;
    // Keep a sample of parsed objects for the serialization floor below.
    if (documents.length < 50) documents.push(result.files.filter((f) => f.path.startsWith('sites/')).map((f) => yaml.load(f.content)));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakRss = Math.max(process.memoryUsage().rss, rssBefore);

  // The floor: dumping the same number of objects with js-yaml alone.
  const floorStart = process.hrtime.bigint();
  for (let i = 0; i < count; i++) for (const doc of documents[i % documents.length]) yaml.dump(doc, { noRefs: true, lineWidth: -1 });
  const floorSeconds = Number(process.hrtime.bigint() - floorStart) / 1e9;

  console.log([
    `sites=${count}`,
    `wall=${seconds.toFixed(2)}s`,
    `sites/s=${(count / seconds).toFixed(0)}`,
    `objects/s=${(objects / seconds).toFixed(0)}`,
    `per-site=${((seconds / count) * 1000).toFixed(2)}ms`,
    `output=${(bytes / 1024 / 1024).toFixed(1)}MiB`,
    `rss=${(peakRss / 1024 / 1024).toFixed(0)}MiB`,
    `js-yaml-floor=${floorSeconds.toFixed(2)}s`,
    `ratio=${(seconds / floorSeconds).toFixed(1)}x`,
  ].join('  '));
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const shapes = loadInventoryFile(join(__dirname, '..', 'apps', 'fleet.yaml'));
console.log(`node ${process.version}, one process, in memory (no disk writes)`);
for (const size of sizes.length ? sizes : [100, 1000]) measure(size, shapes);
