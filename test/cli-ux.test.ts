import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_DIR, OutputLock } from '../lib/cli/output-lock';
import { REPO_ROOT, runCli, tempDir } from './support/cli';
import { missingSchemaReason, schemaRoots } from './support/schemas';

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);

describe('cdk8s-edge version, help and usage errors', () => {
  test('WHEN --version is given THEN it prints the package version and exits 0', () => {
    const result = runCli(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });

  test.each(['init', 'synth', 'validate', 'diff', 'plan'])('WHEN %s --help is given THEN it prints that command\'s options, examples and exit codes', (command) => {
    const result = runCli([command, '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Usage: cdk8s-edge ${command} [options]`);
    expect(result.stdout).toContain(`Examples:\n  cdk8s-edge ${command}`);
    expect(result.stdout).toMatch(/Exit codes: 0 /);
  });

  test('WHEN only validate\'s flags are valid for validate THEN a synth-only flag is a usage error that says where it belongs', () => {
    const result = runCli(['validate', '--no-cache']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('Unknown option --no-cache for validate. (--no-cache is an option of synth) Run \'cdk8s-edge validate --help\' for its options.');
  });

  test('WHEN a command or flag is mistyped THEN exit 2 and "did you mean"', () => {
    expect(runCli(['sytnh'])).toMatchObject({ status: 2, stderr: expect.stringContaining('Unknown command "sytnh". Did you mean "synth"?') });
    expect(runCli(['synth', '--invntory', 'x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('Did you mean --inventory?') });
  });

  test('WHEN a usage error happens with --json THEN stdout holds the error object', () => {
    const result = runCli(['validate', '--jobs', 'many', '--json']);
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: { kind: 'usage', message: '--jobs "many" must be a whole number >= 1', problems: [] } });
  });
});

describe('cdk8s-edge file problems: one line with the path, never a stack trace', () => {
  test('WHEN the inventory does not exist THEN exit 4 with the path', () => {
    const result = runCli(['validate', '--inventory', 'nowhere/fleet.yaml']);
    expect(result.status).toBe(4);
    expect(result.stderr.trim()).toBe('inventory nowhere/fleet.yaml: no such file');
  });

  test('WHEN the inventory is a folder THEN exit 4 and it says to give the file', () => {
    const result = runCli(['synth', '--inventory', 'apps', '--out', tempDir('folder')]);
    expect(result.status).toBe(4);
    expect(result.stderr.trim()).toBe('inventory apps: is a folder, not an inventory file (give the YAML file, e.g. apps/fleet.yaml)');
  });

  test('WHEN the inventory cannot be read THEN exit 4 with the path', () => {
    const dir = tempDir('unreadable');
    chmodSync(dir, 0o755);
    const file = join(dir, 'fleet.yaml');
    writeFileSync(file, 'sites: []\n');
    chmodSync(file, 0o000);
    // Root reads every file, so the CLI runs as nobody, as a CI user without access would.
    const result = runCli(['validate', '--inventory', file, '--json'], { uid: 65534, gid: 65534 });
    expect(result.status).toBe(4);
    expect(JSON.parse(result.stdout).error).toEqual({ kind: 'io', message: `inventory ${file}: permission denied`, problems: [] });
    noStackTrace(result.stderr);
  });

  test('WHEN the inventory is not YAML THEN exit 3 with file:line:column', () => {
    const file = join(tempDir('not-yaml'), 'fleet.yaml');
    writeFileSync(file, 'sites:\n  - name: [unclosed\n');
    const result = runCli(['validate', '--inventory', file]);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(`${file}:3:1`);
    noStackTrace(result.stderr);
  });

  test('WHEN the inventory is invalid THEN validate --json prints every problem on stdout and exits 3 (regression: it printed nothing)', () => {
    const file = join(tempDir('invalid'), 'fleet.yaml');
    writeFileSync(file, 'sites:\n  - name: Bad_Name\n    nodes: []\n');
    const result = runCli(['validate', '--inventory', file, '--json']);
    expect(result.status).toBe(3);
    const { error } = JSON.parse(result.stdout);
    expect(error.kind).toBe('invalid');
    expect(error.problems.map((p: { path: string }) => p.path)).toEqual(expect.arrayContaining(['sites[0].name']));
  });
});

describe('the output folder lock', () => {
  test('WHEN claims overlap THEN the second is refused naming the first; disjoint claims and released ones are fine', () => {
    const out = tempDir('lock');
    const all = OutputLock.acquire(out, { sites: ['a', 'b'] });
    expect(all).toBeInstanceOf(OutputLock);
    expect(OutputLock.acquire(out, { sites: ['b', 'c'] })).toMatch(new RegExp(`^the output folder ${out} is being written by another synth \\(pid ${process.pid} on .+, sites a, b\\), which also writes b;`));
    expect(OutputLock.acquire(out, { all: true })).toMatch(/this whole-fleet synth would overwrite/);
    const disjoint = OutputLock.acquire(out, { sites: ['c'] });
    expect(disjoint).toBeInstanceOf(OutputLock);
    (all as OutputLock).release();
    (disjoint as OutputLock).release();
    expect(existsSync(join(out, LOCK_DIR))).toBe(false);
  });

  test('WHEN a claim was left by a process that no longer runs THEN it is dropped', () => {
    const out = tempDir('stale-lock');
    mkdirSync(join(out, LOCK_DIR));
    writeFileSync(join(out, LOCK_DIR, 'old.json'), JSON.stringify({ pid: 2 ** 22 + 7, host: require('node:os').hostname(), all: true }));
    const lock = OutputLock.acquire(out, { sites: ['a'] });
    expect(lock).toBeInstanceOf(OutputLock);
    (lock as OutputLock).release();
  });

  /** Another process that holds a claim on `out` until its stdin closes. */
  async function holder(out: string, claim: object): Promise<{ release: () => Promise<void> }> {
    const script = `const { OutputLock } = require('./lib/cli/output-lock');
      const lock = OutputLock.acquire(${JSON.stringify(out)}, ${JSON.stringify(claim)});
      if (typeof lock === 'string') { console.error(lock); process.exit(1); }
      console.log('locked');
      process.stdin.on('end', () => { lock.release(); process.exit(0); });
      process.stdin.resume();`;
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      child.stdout!.on('data', (chunk) => String(chunk).includes('locked') && done());
      child.once('exit', () => fail(new Error('the holder exited before taking the lock')));
    });
    return { release: async () => { child.stdin!.end(); expect(await exited).toBe(0); } };
  }

  test('WHEN another process writes the whole fleet into the folder THEN a synth of some sites exits 4 naming it (regression: both exited 0), and runs once it is gone', async () => {
    const out = tempDir('two-synths');
    const other = await holder(out, { all: true });
    const refused = runCli(['synth', '--out', out, '--sites', 'vision-01', '--jobs', '1']);
    expect(refused.status).toBe(4);
    expect(refused.stderr.trim()).toMatch(/^the output folder .+ is being written by another synth \(pid \d+ on .+, the whole fleet\), which covers every site; wait for it to finish, or synthesize disjoint --sites$/);
    expect(readdirSync(out)).toEqual([LOCK_DIR]);
    await other.release();
    expect(runCli(['synth', '--out', out, '--sites', 'vision-01', '--jobs', '1']).status).toBe(0);
    expect(existsSync(join(out, LOCK_DIR))).toBe(false);
  }, 180_000);

  test('WHEN another process writes other sites into the folder THEN a synth of disjoint sites runs', async () => {
    const out = tempDir('disjoint-synths');
    const other = await holder(out, { sites: ['dc-hub-01'] });
    expect(runCli(['synth', '--out', out, '--sites', 'vision-01', '--jobs', '1']).status).toBe(0);
    expect(existsSync(join(out, 'sites', 'vision-01'))).toBe(true);
    await other.release();
    expect(existsSync(join(out, LOCK_DIR))).toBe(false);
  }, 180_000);
});

describe('cdk8s-edge init', () => {
  test('WHEN init writes a starter inventory THEN it validates strictly against the schemas and converges, and synth writes the site', () => {
    const dir = tempDir('init');
    const inventory = join(dir, 'fleet', 'fleet.yaml');
    const init = runCli(['init', '--inventory', inventory, '--json']);
    expect(init.status).toBe(0);
    expect(JSON.parse(init.stdout)).toEqual({ written: inventory });
    // Strictly against the schemas where they are (always in CI), else every other check.
    const roots = schemaRoots();
    const schemas = missingSchemaReason() ? [] : ['--k8s-schemas', roots.k8sSchemas, '--crds', roots.crds];
    const validate = runCli(['validate', '--inventory', inventory, '--jobs', '1', '--json', ...schemas]);
    expect(validate.status).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, sites: 1, problems: [], ...(schemas.length > 0 ? { schemas: { unchecked: 0 } } : {}) });
    const out = join(dir, 'dist');
    expect(runCli(['synth', '--inventory', inventory, '--out', out, '--jobs', '1']).status).toBe(0);
    expect(readdirSync(join(out, 'sites'))).toEqual(['store-01']);
  }, 120_000);

  test('WHEN the inventory exists already THEN init leaves it and exits 4', () => {
    const inventory = join(tempDir('init-exists'), 'fleet.yaml');
    writeFileSync(inventory, 'sites: []\n');
    const result = runCli(['init', '--inventory', inventory]);
    expect(result.status).toBe(4);
    expect(result.stderr.trim()).toBe(`inventory ${inventory}: already exists; init writes only a new file (give another --inventory)`);
    expect(readFileSync(inventory, 'utf8')).toBe('sites: []\n');
  });
});
