import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { shardOf } from '../lib/cli/site-selection';
import { copyDir, REPO_ROOT, runCli, snapshotDir, tempDir } from './support/cli';

const FLEET = join(REPO_ROOT, 'apps', 'fleet.yaml');
const SITES = ['factory-floor-01', 'retail-store-01', 'beijing-mec-01', 'vision-01', 'dc-hub-01', 'store-pool-paris', 'farm-sensors-01'];

let fullSynth: string | undefined;

/** A fresh output folder holding a full synth of the example fleet (synthesized once, then copied). */
function synthesized(): string {
  if (!fullSynth) {
    fullSynth = tempDir('cli-out');
    expect(runCli(['synth', '--out', fullSynth, '--jobs', '1']).status).toBe(0);
  }
  return copyDir(fullSynth, 'cli-out');
}

/** The example inventory with one change, in a temporary file. */
function editedInventory(from: string, to: string): string {
  const file = join(tempDir('cli-inventory'), 'fleet.yaml');
  const text = readFileSync(FLEET, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
  return file;
}

describe('cdk8s-edge synth --shard and --sites', () => {
  test('WHEN the fleet is split into shards THEN every site is in exactly one shard, stably by name', () => {
    for (const count of [1, 2, 3, 7]) {
      const shards = SITES.map((s) => shardOf(s, count));
      expect(shards.every((i) => i >= 1 && i <= count)).toBe(true);
      expect(SITES.map((s) => shardOf(s, count))).toEqual(shards);
    }
    const seen: string[] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const out = tempDir('shard');
      expect(runCli(['synth', '--out', out, '--shard', shard, '--jobs', '1']).status).toBe(0);
      if (existsSync(join(out, 'sites'))) seen.push(...readdirSync(join(out, 'sites')));
    }
    expect(seen.sort()).toEqual([...SITES].sort());
  });

  test('WHEN the example fleet is synthesized THEN the hub and each site with a cluster of its own have their Terraform stack, and Terraform state is never removed', () => {
    const out = synthesized();
    // store-pool-paris (OpenYurt) and farm-sensors-01 (KubeEdge) join the hub's cluster: the hub's stack is their platform layer.
    const onHub = ['store-pool-paris', 'farm-sensors-01'];
    for (const stack of [...SITES.filter((s) => !onHub.includes(s)), '_hub']) expect(existsSync(join(out, 'terraform', stack, 'cdk.tf.json'))).toBe(true);
    for (const site of onHub) expect(existsSync(join(out, 'terraform', site))).toBe(false);
    expect(readFileSync(join(out, 'gitops', 'flux', '_hub', 'kustomization.yaml'), 'utf8')).toContain('- ../store-pool-paris\n  - ../farm-sensors-01\n');
    writeFileSync(join(out, 'terraform', 'vision-01', 'terraform.tfstate'), '{}');
    expect(runCli(['synth', '--out', out, '--jobs', '1', '--no-cache']).status).toBe(0);
    expect(existsSync(join(out, 'terraform', 'vision-01', 'terraform.tfstate'))).toBe(true);
  });

  test('WHEN one shard is synthesized THEN files of the other shards are left alone', () => {
    const out = synthesized();
    const before = snapshotDir(out);
    expect(runCli(['synth', '--out', out, '--sites', 'vision-01', '--jobs', '1', '--no-cache']).status).toBe(0);
    expect(snapshotDir(out)).toEqual(before);
  });

  test('WHEN --sites names a site the inventory lacks THEN it exits 2 and says which', () => {
    const result = runCli(['synth', '--out', tempDir('x'), '--sites', 'nowhere-01']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--sites names sites the inventory does not have: nowhere-01');
  });

  test('WHEN synthesized with two worker threads THEN the output equals one thread\'s', () => {
    const one = synthesized();
    const two = tempDir('two-jobs');
    expect(runCli(['synth', '--out', two, '--jobs', '2']).status).toBe(0);
    const contents = (dir: string) => new Map([...snapshotDir(dir)].map(([k, v]) => [k, v.content]));
    expect(contents(two)).toEqual(contents(one));
  });

  test('WHEN a resource disappears from a site THEN its file is removed on the next synth', () => {
    const out = synthesized();
    expect(existsSync(join(out, 'sites/retail-store-01/store/poddisruptionbudget-pos-gateway.yaml'))).toBe(true);
    const inventory = editedInventory('replicas: 2', 'replicas: 1');
    const result = runCli(['synth', '--inventory', inventory, '--out', out, '--jobs', '1']);
    expect(result.stdout).toMatch(/1 removed/);
    expect(existsSync(join(out, 'sites/retail-store-01/store/poddisruptionbudget-pos-gateway.yaml'))).toBe(false);
  });
});

describe('cdk8s-edge synth cache', () => {
  test('WHEN sites on the hub\'s shared control plane are reused THEN the cache keeps what they write there, for the fleet-wide clash check', () => {
    const out = tempDir('cache-shared');
    expect(JSON.parse(runCli(['synth', '--out', out, '--jobs', '2', '--json']).stdout)).toMatchObject({ synthesized: 7 });
    const record = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '.cache', 'cdk8s-edge', `synth-${createHash('sha256').update(resolve(out)).digest('hex').slice(0, 16)}.json`), 'utf8'));
    const shared = Object.entries(record.sites).filter(([, entry]: [string, any]) => entry.sharedControlPlane).map(([site]) => site).sort();
    expect(shared).toEqual(['farm-sensors-01', 'store-pool-paris']);
    expect(record.sites['store-pool-paris'].sharedControlPlane.objects).toContainEqual({ key: 'scheduling.k8s.io/PriorityClass store-pool-paris-edge-normal', path: 'store-pool-paris/PriorityClasses/Normal' });
    expect(JSON.parse(runCli(['synth', '--out', out, '--jobs', '2', '--json']).stdout)).toMatchObject({ synthesized: 0, reused: 7 });
  });

  test('WHEN nothing changed THEN every site is reused; WHEN files are edited, added or removed by hand THEN only those sites are synthesized again and restored', () => {
    const out = tempDir('cache-out');
    const synth = () => JSON.parse(runCli(['synth', '--out', out, '--jobs', '2', '--json']).stdout);
    expect(synth()).toMatchObject({ sites: 7, synthesized: 7, reused: 0, removed: 0 });
    const first = snapshotDir(out);
    expect(synth()).toMatchObject({ synthesized: 0, reused: 7, written: 0, removed: 0 });
    expect(snapshotDir(out)).toEqual(first);

    const edited = join(out, 'sites/vision-01/kustomization.yaml');
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}# hand edit\n`);
    writeFileSync(join(out, 'sites/retail-store-01/store/stray.yaml'), 'kind: ConfigMap\n');
    const deleted = join(out, 'nodes/dc-hub-01/images.txt');
    rmSync(deleted);
    expect(synth()).toMatchObject({ synthesized: 3, reused: 4, written: 2, removed: 1 });
    const contents = (files: ReturnType<typeof snapshotDir>) => new Map([...files].map(([path, file]) => [path, file.content]));
    expect(contents(snapshotDir(out))).toEqual(contents(first));
  });
});

describe('cdk8s-edge synth failures', () => {
  test('WHEN a site fails in a fresh output folder THEN the folder stays empty: no staged site folder is left', () => {
    const inventory = editedInventory('requests: { cpu: 200m, memory: 192Mi }', 'requests: { cpu: "7", memory: 192Mi }');
    const out = tempDir('fresh-failure');
    const result = runCli(['synth', '--inventory', inventory, '--out', out, '--jobs', '2']);
    expect(result.status).toBe(3);
    expect(readdirSync(out)).toEqual([]);
  });

  test('WHEN the hub does not say openYurt and an OpenYurt site is in the fleet THEN a synth of other sites still gives the hub its yurt-manager', () => {
    const inventory = editedInventory('    openYurt: true                     # store-pool-paris joins the cloud control plane\n', '');
    const out = tempDir('hub-flavors');
    expect(runCli(['synth', '--inventory', inventory, '--out', out, '--sites', 'vision-01', '--jobs', '2']).status).toBe(0);
    expect(readFileSync(join(out, 'terraform/_hub/cdk.tf.json'), 'utf8')).toContain('"yurt-manager"');
  });

  test('WHEN one site fails at synth time while others changed THEN nothing is written and no temporary file is left', () => {
    const out = synthesized();
    const before = snapshotDir(out);
    const changed = readFileSync(FLEET, 'utf8')
      .replace('COLLECT_INTERVAL: 10s', 'COLLECT_INTERVAL: 15s')
      .replace('requests: { cpu: 200m, memory: 192Mi }', 'requests: { cpu: "7", memory: 192Mi }');
    const inventory = join(tempDir('cli-inventory'), 'fleet.yaml');
    writeFileSync(inventory, changed);
    const result = runCli(['synth', '--inventory', inventory, '--out', out, '--jobs', '2']);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('retail-store-01: Deployment store/pos-gateway (retail-store-01/App-store-pos-gateway) requests cpu 7');
    expect(result.stderr).toMatch(/Nothing was written \(\d+ problems?\)\./);
    expect(snapshotDir(out)).toEqual(before);
  });
});

describe('cdk8s-edge validate', () => {
  test('WHEN the inventory is valid THEN it exits 0 and writes nothing', () => {
    const out = tempDir('validate');
    // validate takes no --out; the output folder it must leave alone comes from the environment.
    const result = runCli(['validate', '--jobs', '1'], { env: { ...process.env, CDK8S_OUTDIR: out } });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^7 sites are valid \(\d+ objects\)\.$/m);
    expect(snapshotDir(out).size).toBe(0);
  });

  test('WHEN a site does not fit its nodes THEN validate reports the capacity problem with its construct path and exits 3', () => {
    const inventory = editedInventory('requests: { cpu: 200m, memory: 192Mi }', 'requests: { cpu: "7", memory: 192Mi }');
    const result = runCli(['validate', '--inventory', inventory, '--jobs', '1', '--json']);
    expect(result.status).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(false);
    expect(report.problems[0].path).toBe('retail-store-01');
    expect(report.problems[0].message).toContain('Deployment store/pos-gateway (retail-store-01/App-store-pos-gateway) requests cpu 7');
  });
});

describe('cdk8s-edge diff', () => {
  test('WHEN the output is current THEN diff exits 0', () => {
    const out = synthesized();
    const result = runCli(['diff', '--against', out, '--jobs', '1']);
    expect(result.stdout).toContain('No changes');
    expect(result.status).toBe(0);
  });

  test('WHEN the inventory changed THEN diff lists the changed, added and removed files with a YAML diff and exits 1', () => {
    const out = synthesized();
    writeFileSync(join(out, 'sites', 'vision-01', 'stale.yaml'), 'x: 1\n');
    const inventory = editedInventory('COLLECT_INTERVAL: 10s', 'COLLECT_INTERVAL: 15s');
    const result = runCli(['diff', '--inventory', inventory, '--against', out, '--jobs', '1']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('  changed sites/factory-floor-01/line-a/daemonset-edge-collector.yaml');
    expect(result.stdout).toContain('  removed sites/vision-01/stale.yaml');
    expect(result.stdout).toContain('-              value: 10s\n+              value: 15s');
    expect(snapshotDir(out).get('sites/vision-01/stale.yaml')).toBeDefined();
  });
});

describe('cdk8s-edge plan and usage', () => {
  test('WHEN plan runs THEN each site shows objects, images, node allocatable and Pod Security levels', () => {
    const result = runCli(['plan', '--sites', 'factory-floor-01', '--json']);
    expect(result.status).toBe(0);
    const [plan] = JSON.parse(result.stdout);
    expect(plan.site).toBe('factory-floor-01');
    expect(plan.objectsByKind.DaemonSet).toBeGreaterThanOrEqual(1);
    expect(plan.objectsByKind.Namespace).toBe(Object.keys(plan.namespaces).length);
    expect(plan.images).toContain('ghcr.io/acme-industrial/edge-collector:1.4.2');
    expect(plan.images).toEqual([...plan.images].sort());
    expect(plan.nodes.map((n: any) => n.name)).toEqual(['edge-gw-01', 'edge-gw-02']);
    expect(plan.nodes[0]).toMatchObject({ tier: 'micro', cpu: { allocatable: '3650m' }, memory: { allocatable: '3612Mi' }, pods: { max: 30 } });
    expect(plan.namespaces).toMatchObject({ 'line-a': 'restricted', 'edge-system': 'privileged' });
  });

  test('WHEN plan runs THEN it shows each site\'s cluster model and the verdict of every convergence check', () => {
    const result = runCli(['plan', '--sites', 'dc-hub-01', '--json']);
    expect(result.status).toBe(0);
    const [{ convergence }] = JSON.parse(result.stdout);
    expect(convergence.cluster).toBe('k3s, Kubernetes 1.30');
    expect(convergence.releases).toContain('cert-manager v1.19.1 (cert-manager)');
    expect(convergence.servedApis['k3s auto-deploy manifests']).toEqual(['plans.upgrade.cattle.io v1']);
    expect(convergence.controllers).toContain('system-upgrade-controller (k3s auto-deploy manifests)');
    expect(convergence.provides).toContain('metrics.k8s.io by k3s\'s bundled metrics-server');
    expect(convergence.prerequisites[0]).toMatch(/^Secret monitoring\/remote-write-credentials: /);
    expect(convergence.checks).toEqual({ served: 'ok', controllers: 'ok', references: 'ok', namespaces: 'ok', scheduling: 'ok', images: 'ok' });
  });

  test('WHEN a site does not converge THEN plan still shows its model, with the failing check\'s problems, and exits 3', () => {
    const inventory = editedInventory('    - { kind: Secret, namespace: monitoring, name: remote-write-credentials,', '    - { kind: Secret, namespace: monitoring, name: other-credentials,');
    const result = runCli(['plan', '--inventory', inventory, '--sites', 'dc-hub-01', '--json']);
    expect(result.status).toBe(3);
    const [{ convergence }] = JSON.parse(result.stdout);
    expect(convergence.checks.served).toBe('ok');
    expect(convergence.checks.references).toEqual([expect.stringContaining('refers to Secret monitoring/remote-write-credentials, which neither the site, the platform layer nor a declared prerequisite provides')]);
  });

  test('WHEN the command or an option is wrong THEN it exits 2 with the usage', () => {
    expect(runCli(['deploy']).stderr).toContain('Unknown command "deploy"');
    expect(runCli(['synth', '--jobs', '0']).status).toBe(2);
    expect(runCli(['synth', '--shard', '3/2']).stderr).toContain('--shard "3/2": i must be from 1 to n');
    expect(runCli(['--help']).stdout).toContain('Usage: cdk8s-edge <command>');
  });
});
