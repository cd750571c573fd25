/**
 * The cdktf app of the example fleet: `cdktf synth` (see cdktf.json) runs it and writes
 * `cdktf.out/stacks/<stack>/cdk.tf.json`, one stack per site plus `_hub` when the
 * inventory's `terraform:` block has a hub: the stacks of `dist/terraform/`, with
 * cdktf's own metadata. Inventory: `EDGE_INVENTORY`, default `apps/fleet.yaml`.
 */
import { loadTerraformInventory, synthTerraformApp } from '../lib/terraform';
import { EdgeValidationError } from '../lib/core/validation/validation-error';

function main(): number {
  try {
    synthTerraformApp(loadTerraformInventory(process.env.EDGE_INVENTORY ?? 'apps/fleet.yaml'));
    return 0;
  } catch (error) {
    if (!(error instanceof EdgeValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}

process.exitCode = main();
