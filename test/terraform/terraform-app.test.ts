import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTerraformInventory, synthTerraformApp, terraformFiles } from '../../lib/terraform';
import { sortKeys } from '../../lib/terraform/private/canonical-json';
import { rawInventory } from '../support/fixtures';

describe('synthTerraformApp (the cdktf synth entry)', () => {
  test('WHEN cdktf synthesizes the inventory THEN each stack equals the one terraformFiles writes, apart from cdktf\'s metadata', () => {
    const inventory = readTerraformInventory(rawInventory({}, {
      terraform: { access: { context: '{site}' }, hub: { access: { context: 'cloud-hub' }, fleetManager: true, apiServerUrl: 'https://hub.example.com:6443' } },
    }));
    const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-edge-cdktf-'));
    const previous = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    try {
      synthTerraformApp(inventory);
    } finally {
      if (previous === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = previous;
    }
    try {
      for (const file of terraformFiles(inventory.sites, inventory.options).filter((f) => f.path.endsWith('/cdk.tf.json'))) {
        const stack = file.path.split('/')[1];
        const written = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
        expect(sortKeys(written, '//')).toEqual(JSON.parse(file.content));
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
