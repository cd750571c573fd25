import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyDir, REPO_ROOT, runSynth, snapshotDir, tempDir } from './support/cli';

const BAD_INVENTORY = `
sites:
  - name: Factory_01
    tier: micro
    kubernetesVersion: "1.24"
    nodes:
      - name: gw-1
        capacity: { cpu: four, memory: 4Gi }
    apps:
      - name: collector
        namespace: line-a
        image: ghcr.io/acme/collector:latest
        ports: [{ name: http, port: 8080 }]
  - name: store-02
    nodes:
      - name: srv
        capacity: { cpu: "2", memory: 2Gi }
        colour: blue
`;

describe('npm run synth', () => {
  test('WHEN the inventory is malformed THEN it exits 1, prints every error and leaves dist/ byte-identical', () => {
    const dist = copyDir(join(REPO_ROOT, 'dist'), 'dist-copy');
    const before = snapshotDir(dist);
    const inventory = join(tempDir('bad-inventory'), 'fleet.yaml');
    writeFileSync(inventory, BAD_INVENTORY);

    const result = runSynth(['--inventory', inventory, '--out', dist]);

    expect(result.status).toBe(3);
    for (const expected of [
      'sites[0].name: "Factory_01" is not a DNS-1123 label',
      'sites[0].kubernetesVersion: "1.24" is not one of 1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, 1.32',
      'sites[0].nodes[0].capacity.cpu: "four" is not a positive CPU quantity',
      'sites[0].apps[0].image: image "ghcr.io/acme/collector:latest" uses the "latest" tag',
      'sites[1].nodes[0].colour: unknown key',
    ]) {
      expect(result.stderr).toContain(expected);
    }
    expect(result.stderr).toContain('Nothing was written (5 problems).');
    expect(snapshotDir(dist)).toEqual(before);
  });

  test('WHEN the YAML itself is broken THEN it exits 3 with the line and writes nothing', () => {
    const out = tempDir('out');
    const inventory = join(tempDir('broken'), 'fleet.yaml');
    writeFileSync(inventory, 'sites:\n  - name: [\n');
    const result = runSynth(['--inventory', inventory, '--out', out]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/fleet\.yaml:3:1: /);
    expect(snapshotDir(out).size).toBe(0);
  });

  test('WHEN the example fleet is synthesized twice THEN the output is byte-identical and the second run writes nothing', () => {
    const out = tempDir('twice');
    const first = runSynth(['--out', out]);
    expect(first.status).toBe(0);
    const once = snapshotDir(out);
    const second = runSynth(['--out', out]);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/0 files written, \d+ unchanged, 0 removed/);
    expect(snapshotDir(out)).toEqual(once);
  });

  test('WHEN the output has files of a site that no longer exists THEN they are removed and other files are kept', () => {
    const out = tempDir('stale');
    expect(runSynth(['--out', out]).status).toBe(0);
    writeFileSync(join(out, 'README.md'), 'kept');
    const staleDir = join(out, 'sites', 'old-site');
    require('node:fs').mkdirSync(staleDir, { recursive: true });
    writeFileSync(join(staleDir, 'kustomization.yaml'), 'resources: []\n');
    const result = runSynth(['--out', out]);
    expect(result.stdout).toMatch(/1 removed/);
    const files = snapshotDir(out);
    expect(files.has('README.md')).toBe(true);
    expect([...files.keys()].some((f) => f.includes('old-site'))).toBe(false);
  });

  test('WHEN the committed dist/ is compared with a fresh synth THEN they are the same', () => {
    const out = tempDir('fresh');
    expect(runSynth(['--out', out]).status).toBe(0);
    const fresh = snapshotDir(out);
    const committed = snapshotDir(join(REPO_ROOT, 'dist'));
    const contents = (m: Map<string, { content: string }>) => new Map([...m].filter(([k]) => !k.startsWith('gitops') && !k.startsWith('terraform')).map(([k, v]) => [k, v.content]));
    expect(contents(committed)).toEqual(contents(fresh));
  });
});
