/**
 * Synthesizes the fleet of an inventory file into an output folder:
 *   npm run synth [-- --inventory apps/fleet.yaml --out dist]
 * Validates everything first; on any problem prints every one of them, writes
 * nothing and exits 1.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EdgeFleet, EdgeValidationError } from '../lib';

function main(): number {
  const { values } = parseArgs({
    options: {
      inventory: { type: 'string', default: 'apps/fleet.yaml' },
      out: { type: 'string', default: process.env.CDK8S_OUTDIR ?? 'dist' },
    },
  });
  const inventory = values.inventory!;
  const outdir = resolve(values.out!);
  try {
    const result = EdgeFleet.fromInventoryFile(inventory).write(outdir);
    for (const site of result.sites) console.log(`  ${site.site}: ${site.objectCount} objects, ${site.files.length} files`);
    const { written, unchanged, removed } = result.summary;
    console.log(`Synthesized ${result.sites.length} sites into ${relative(process.cwd(), outdir) || '.'}: ${written} files written, ${unchanged} unchanged, ${removed} removed.`);
    return 0;
  } catch (error) {
    if (!(error instanceof EdgeValidationError)) throw error;
    console.error(error.message);
    console.error(`Nothing was written (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}).`);
    return 1;
  }
}

process.exitCode = main();
