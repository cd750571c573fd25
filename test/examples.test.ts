import { join } from 'node:path';
import { EdgeFleet } from '../lib';
import { REPO_ROOT } from './support/cli';

// Snapshot of every file each example site synthesizes: reviewed like code.
const fleet = EdgeFleet.fromInventoryFile(join(REPO_ROOT, 'apps', 'fleet.yaml'));
const synthesis = fleet.synth();

describe('example fleet', () => {
  test('WHEN the example fleet is synthesized THEN it has the sites of the seed material and one site per cluster flavor', () => {
    expect(fleet.siteNames).toEqual(['factory-floor-01', 'retail-store-01', 'beijing-mec-01', 'vision-01', 'dc-hub-01', 'store-pool-paris', 'farm-sensors-01']);
  });

  test.each(synthesis.sites.map((s) => [s.site, s] as const))('WHEN site %s is synthesized THEN its files match the snapshot', (_name, site) => {
    expect(Object.fromEntries(site.files.map((f) => [f.path, f.content]))).toMatchSnapshot();
  });

  test('WHEN the example fleet is synthesized THEN each site bundle stays well under 1 MB', () => {
    for (const site of synthesis.sites) {
      const bytes = site.files.filter((f) => f.path.startsWith('sites/')).reduce((sum, f) => sum + Buffer.byteLength(f.content), 0);
      expect(bytes).toBeLessThan(1024 * 1024);
    }
  });
});
