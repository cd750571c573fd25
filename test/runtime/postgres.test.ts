import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describeWithPrograms, exampleFleetFiles, freePort, POSTGRES, RunningProgram, runProgram, RUNS_AS_ROOT, SETPRIV, UNSHARE, waitFor } from '../support/programs';
import { EdgeDatabase, EdgeDatabaseProps } from '../../lib/data/edge-database';
import { LocalStorage } from '../../lib/data/local-storage';
import { storageSite } from '../data/support';
import { synthObjects } from '../support/fixtures';
import { runEntrypoint, startServer } from './support/postgres-entrypoint';
import { NetworkMap, PodSandbox, postgresImage, secretValue } from './support/postgres-pod';

/** An EdgeDatabase as the example fleet writes it: the StatefulSet, its Service and its backup CronJob. */
interface Database {
  readonly site: string;
  readonly statefulSet: any;
  readonly service: any;
  readonly backup?: any;
}

/** The fleet's objects per site. */
function fleetSites(): Map<string, any[]> {
  const bySite = new Map<string, any[]>();
  for (const file of exampleFleetFiles()) {
    const match = /^sites\/([^/]+)\/.*\.ya?ml$/.exec(file.path);
    if (!match) continue;
    const objects = bySite.get(match[1]) ?? [];
    objects.push(...(yaml.loadAll(file.content) as any[]).filter((o) => o && o.kind));
    bySite.set(match[1], objects);
  }
  return bySite;
}

/** Every PostgreSQL StatefulSet of a site (a container with PGDATA), its Service, and the CronJob whose PGHOST is that Service. */
function databasesOf(site: string, objects: readonly any[]): Database[] {
  const databases: Database[] = [];
  for (const sts of objects.filter((o) => o.kind === 'StatefulSet')) {
    if (!sts.spec.template.spec.containers.some((c: any) => (c.env ?? []).some((e: any) => e.name === 'PGDATA'))) continue;
    const ns = sts.metadata.namespace;
    const labels = sts.spec.template.metadata.labels;
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.namespace === ns
      && Object.entries(o.spec.selector ?? {}).every(([k, v]) => labels[k] === v));
    const host = `${service?.metadata.name}.${ns}.svc`;
    const backup = objects.find((o) => o.kind === 'CronJob' && o.metadata.namespace === ns
      && o.spec.jobTemplate.spec.template.spec.containers.some((c: any) => (c.env ?? []).some((e: any) => e.name === 'PGHOST' && e.value === host)));
    databases.push({ site, statefulSet: sts, service, backup });
  }
  return databases;
}

/** A database built with the construct, for what the example fleet does not use (another image family, another uid). */
function builtDatabase(props: EdgeDatabaseProps): Database {
  const site = storageSite();
  new LocalStorage(site, 'LocalStorage');
  new EdgeDatabase(site, 'Database', { credentials: { secretName: 'db-credentials' }, backup: { retention: 3 }, ...props });
  return databasesOf('built', synthObjects(site))[0];
}

const TEST_TIMEOUT_MS = 120_000;
const suiteStart = Date.now();
const fleetDatabases = [...fleetSites()].flatMap(([site, objects]) => databasesOf(site, objects));

describeWithPrograms('PostgreSQL runs as the EdgeDatabase StatefulSet runs it', [POSTGRES, UNSHARE, SETPRIV], ([postgresBinary]) => {
  const binDir = postgresBinary.replace(/\/postgres$/, '');

  test('the example fleet has a PostgreSQL database with a backup CronJob', () => {
    expect(fleetDatabases.map((d) => `${d.site}/${d.statefulSet.metadata.namespace}/${d.statefulSet.metadata.name}`)).toContain('retail-store-01/edge-data/store-db');
    expect(fleetDatabases.every((d) => d.service && d.backup)).toBe(true);
  });

  test('this machine can run a process as a pod user in its own mount namespace (root, util-linux unshare and setpriv)', () => {
    // Every later test runs PostgreSQL through that wrapper: without it they all fail, this one says why.
    const check = runProgram('unshare', ['--mount', '--propagation', 'private', '--', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', 'true']);
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });

  const databases: [string, Database][] = [
    ...fleetDatabases.map((d) => [`${d.site}/${d.statefulSet.metadata.name}`, d] as [string, Database]),
    ['a debian image (uid 999)', builtDatabase({ name: 'debian-db', image: 'postgres:16.4-bookworm' })],
    ['a uid the image does not know (nss_wrapper)', builtDatabase({ name: 'uid-db', runAsUser: 1000 })],
  ];

  describe.each(databases)('%s', (_, db) => {
    const podSpec = db.statefulSet.spec.template.spec;
    const claimTemplates = db.statefulSet.spec.volumeClaimTemplates ?? [];
    const container = podSpec.containers.find((c: any) => (c.env ?? []).some((e: any) => e.name === 'PGDATA'));
    const containerPort = container.ports.find((p: any) => p.name === 'postgres' || p.containerPort === 5432).containerPort;
    const servicePort = db.service.spec.ports.find((p: any) => p.targetPort === 'postgres' || p.targetPort === containerPort).port;
    const serviceHost = `${db.service.metadata.name}.${db.service.metadata.namespace}.svc`;
    const pods: PodSandbox[] = [];
    const servers: RunningProgram[] = [];
    let port = 0;
    let pod: PodSandbox;
    let env: Record<string, string>;
    let args: string[];
    let server: RunningProgram;

    const probe = (which: string): { status: number | null; output: string } => {
      const exec = container[which]?.exec;
      if (!exec) throw new Error(`${which} is not an exec probe`);
      // The kubelet expands $(VAR) in a probe's command from the container's literal env values.
      try {
        const result = pod.run(pod.argv(exec.command, staticEnv(container)), env, { timeout: (container[which].timeoutSeconds ?? 1) * 1000 });
        return { status: result.status, output: result.stdout + result.stderr };
      } catch (error) {
        // Past timeoutSeconds the kubelet counts the probe as failed.
        return { status: null, output: String(error) };
      }
    };
    const sql = (target: PodSandbox, targetEnv: Record<string, string>, targetPort: number, query: string): string => target.mustRun(
      ['psql', '-v', 'ON_ERROR_STOP=1', '--no-psqlrc', '--tuples-only', '--no-align', '--host=127.0.0.1', `--port=${targetPort}`,
        `--username=${targetEnv.POSTGRES_USER}`, `--dbname=${targetEnv.POSTGRES_DB}`, `--command=${query}`],
      { ...targetEnv, PGPASSWORD: targetEnv.POSTGRES_PASSWORD }).trim();

    beforeAll(async () => {
      port = await freePort();
      const net = new NetworkMap().port(containerPort, port);
      pod = new PodSandbox(podSpec, container, postgresImage(container.image), binDir, net, claimTemplates);
      pods.push(pod);
      env = pod.environment();
      args = pod.argv([...(container.command ?? []), ...(container.args ?? [])], env);
    }, TEST_TIMEOUT_MS);

    afterAll(async () => {
      for (const s of servers) await s.stop();
      for (const p of pods) p.remove();
    }, TEST_TIMEOUT_MS);

    test('the pod mounts a volume at every path PostgreSQL writes: PGDATA, its socket directory and /tmp', () => {
      const mounts = container.volumeMounts.map((m: any) => m.mountPath);
      const pgdata = container.env.find((e: any) => e.name === 'PGDATA').value;
      expect(mounts.some((m: string) => pgdata.startsWith(`${m}/`))).toBe(true);
      expect(mounts).toEqual(expect.arrayContaining([postgresImage(container.image).socketDir, '/tmp']));
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      // The image's entrypoint runs (the emulation follows it): args only, no command.
      expect(container.command).toBeUndefined();
    });

    test('the readiness and liveness probes fail before the server is up', () => {
      expect(probe('readinessProbe').status).not.toBe(0);
      expect(probe('livenessProbe').status).not.toBe(0);
    }, TEST_TIMEOUT_MS);

    test('the image entrypoint initialises the cluster as the pod user and the server starts with the container args', async () => {
      expect(runEntrypoint(pod, env, args, port)).toEqual({ initialised: true });
      server = await startServer(pod, env, args, port);
      servers.push(server);
      expect(sql(pod, env, port, 'SELECT current_user, current_database()')).toBe(`${env.POSTGRES_USER}|${env.POSTGRES_DB}`);
      // Ownership of the data directory: the pod's uid, mode 0700 (PostgreSQL refuses anything looser).
      const data = statSync(env.PGDATA);
      expect([data.uid, data.mode & 0o777]).toEqual([pod.uid, 0o700]);
      expect(sql(pod, env, port, 'SHOW shared_buffers')).toBe(args[args.indexOf('-c') + 1].split('=')[1]);
    }, TEST_TIMEOUT_MS);

    test('the readiness, liveness and startup probes pass while the server is up', () => {
      for (const which of ['readinessProbe', 'livenessProbe', 'startupProbe']) expect(probe(which)).toMatchObject({ status: 0 });
    }, TEST_TIMEOUT_MS);

    test('the backup CronJob dumps with the Secret password, keeps the newest dumps, and the dump restores into a fresh cluster', async () => {
      expect(server).toBeDefined();
      sql(pod, env, port, "CREATE TABLE sale (id int PRIMARY KEY, item text NOT NULL); INSERT INTO sale SELECT g, 'item-' || g FROM generate_series(1, 250) g");
      // The backup pod connects from its own pod IP, which only the entrypoint's `host all all all`
      // line matches; here it comes from 127.0.0.1, so initdb's loopback `trust` lines go first.
      const hba = join(env.PGDATA, 'pg_hba.conf');
      writeFileSync(hba, readFileSync(hba, 'utf8').split('\n').filter((l) => !/^host\s.*\s(127\.0\.0\.1\/32|::1\/128)\s+trust\s*$/.test(l)).join('\n'));
      server.process.kill('SIGHUP');
      await waitFor('pg_hba.conf reloaded', async () => (pod.run(['psql', '--no-password', '--host=127.0.0.1', `--port=${port}`, `--username=${env.POSTGRES_USER}`, '--dbname=postgres', '--command=SELECT 1'], { ...env, PGPASSWORD: '' }).status !== 0 ? true : undefined), server);

      const job = db.backup.spec.jobTemplate.spec.template.spec;
      const backupContainer = job.containers[0];
      const backupNet = new NetworkMap().host(serviceHost, '127.0.0.1').port(servicePort, port);
      const backupPod = new PodSandbox(job, backupContainer, postgresImage(backupContainer.image), binDir, backupNet);
      pods.push(backupPod);
      const backupEnv = backupPod.environment();
      const runBackup = (overrides: Record<string, string> = {}) => {
        const e = { ...backupEnv, ...overrides };
        return backupPod.run(backupPod.argv([...(backupContainer.command ?? []), ...(backupContainer.args ?? [])], e), e);
      };
      const claimVolumes = job.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.name);
      const dir = backupPod.volume(backupContainer.volumeMounts.find((m: any) => claimVolumes.includes(m.name)).mountPath);
      const dumps = () => readdirSync(dir).filter((f) => f !== 'lost+found').sort();

      // A wrong password: the job fails and leaves no dump that could pass for a backup.
      const refused = runBackup({ PGPASSWORD: 'not-the-secret' });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/password authentication failed/);
      expect(dumps().filter((f) => f.endsWith('.dump'))).toEqual([]);

      // Older dumps and one cut short by a power loss, then a run as the CronJob runs it.
      const retention = Number(backupEnv.RETENTION);
      const database = backupEnv.PGDATABASE;
      const old = Array.from({ length: retention + 2 }, (_, i) => `${database}-2020010${i}T000000Z.dump`);
      old.forEach((name, i) => {
        writeFileSync(join(dir, name), 'old');
        utimesSync(join(dir, name), new Date(Date.UTC(2020, 0, 1 + i)), new Date(Date.UTC(2020, 0, 1 + i)));
      });
      writeFileSync(join(dir, `${database}-20991231T000000Z.dump.partial`), 'cut short');
      const ran = runBackup();
      expect(ran).toMatchObject({ status: 0 });
      const kept = dumps();
      const fresh = kept.filter((f) => !old.includes(f));
      expect(fresh).toHaveLength(1);
      expect(fresh[0]).toMatch(new RegExp(`^${database}-\\d{8}T\\d{6}Z\\.dump$`));
      expect(kept).toEqual([...old.slice(old.length - (retention - 1)), fresh[0]].sort());
      expect(statSync(join(dir, fresh[0])).uid).toBe(backupPod.uid);

      // A node without a battery-backed clock that lost power restarts offline with its clock
      // behind the dumps it wrote before: the dump just written must still be kept.
      const aheadOfClock = Array.from({ length: retention }, (_, i) => `${database}-2031010${i}T000000Z.dump`);
      aheadOfClock.forEach((name, i) => {
        writeFileSync(join(dir, name), 'written before the clock went back');
        const when = new Date(Date.now() + (i + 1) * 86_400_000 * 365);
        utimesSync(join(dir, name), when, when);
      });
      // Dumps are named by the second: the next one must get a name of its own.
      await new Promise((done) => setTimeout(done, 1_100));
      const afterReset = runBackup();
      expect(afterReset).toMatchObject({ status: 0 });
      const latest = dumps().filter((f) => !old.includes(f) && !aheadOfClock.includes(f) && f !== fresh[0]);
      expect(latest).toHaveLength(1);
      expect(dumps()).toHaveLength(retention);
      expect(dumps()).toContain(latest[0]);

      // A fresh pod of the same StatefulSet (new volumes), initialised by the entrypoint; the dump restores into it.
      const restorePort = await freePort();
      const restorePod = new PodSandbox(podSpec, container, postgresImage(container.image), binDir, new NetworkMap().port(containerPort, restorePort), claimTemplates);
      pods.push(restorePod);
      const restoreEnv = restorePod.environment();
      const restoreArgs = restorePod.argv([...(container.command ?? []), ...(container.args ?? [])], restoreEnv);
      runEntrypoint(restorePod, restoreEnv, restoreArgs, restorePort);
      servers.push(await startServer(restorePod, restoreEnv, restoreArgs, restorePort));
      restorePod.mustRun(['pg_restore', '--exit-on-error', '--no-password', '--host=127.0.0.1', `--port=${restorePort}`, `--username=${restoreEnv.POSTGRES_USER}`,
        `--dbname=${restoreEnv.POSTGRES_DB}`, join(dir, latest[0])], { ...restoreEnv, PGPASSWORD: restoreEnv.POSTGRES_PASSWORD });
      const rows = (p: PodSandbox, e: Record<string, string>, at: number) => sql(p, e, at, "SELECT count(*) || ':' || sum(id) || ':' || max(item) FROM sale");
      expect(rows(restorePod, restoreEnv, restorePort)).toBe(rows(pod, env, port));
      expect(rows(restorePod, restoreEnv, restorePort)).toBe('250:31375:item-99');
    }, TEST_TIMEOUT_MS);

    test('after a power cut the next start skips initialisation, replays the WAL and has every committed row', async () => {
      expect(server).toBeDefined();
      const before = sql(pod, env, port, 'SELECT count(*) FROM sale');
      sql(pod, env, port, "INSERT INTO sale VALUES (1000, 'committed-before-the-cut')");
      // The container's processes all die at once, the postmaster and its backends alike.
      killWithChildren(server);
      await server.stop();
      expect(runEntrypoint(pod, env, args, port)).toEqual({ initialised: false });
      server = await startServer(pod, env, args, port);
      servers.push(server);
      expect(server.output()).toMatch(/database system was interrupted|was not properly shut down/);
      expect(sql(pod, env, port, 'SELECT count(*) FROM sale')).toBe(String(Number(before) + 1));
      expect(probe('livenessProbe')).toMatchObject({ status: 0 });
    }, TEST_TIMEOUT_MS);

    test('the probes pass without the loopback trust lines and fail once the server is down', async () => {
      expect(server).toBeDefined();
      // pg_isready never authenticates: the probes do not depend on initdb's trust lines.
      expect(probe('readinessProbe')).toMatchObject({ status: 0 });
      await server.stop();
      expect(probe('readinessProbe').status).not.toBe(0);
      expect(probe('livenessProbe').status).not.toBe(0);
    }, TEST_TIMEOUT_MS);

    test('the secret values the suite uses are those the Secret reference names', () => {
      const ref = container.env.find((e: any) => e.name === 'POSTGRES_USER').valueFrom.secretKeyRef;
      expect(env.POSTGRES_USER).toBe(secretValue(ref.name, ref.key));
    });

    test('the pod user wrote nothing outside its volumes (host temp dirs, the stand-in root)', () => {
      const uids = new Set(pods.map((p) => p.uid));
      const leaked = ['/tmp', '/var/tmp'].flatMap((dir) => readdirSync(dir).map((f) => join(dir, f)))
        .filter((f) => { try { const st = statSync(f); return uids.has(st.uid) && st.mtimeMs >= suiteStart; } catch { return false; } });
      expect(leaked).toEqual([]);
      for (const p of pods) expect(readdirSync(join(p.dir, 'read-only-root'))).toEqual([]);
    });
  });

  describe('the emulation fails a pod that needs a writable path it does not mount', () => {
    const [, store] = databases[0];
    const podSpec = store.statefulSet.spec.template.spec;
    const container = podSpec.containers[0];
    const sandboxes: PodSandbox[] = [];
    afterAll(() => sandboxes.forEach((p) => p.remove()));
    const sandbox = async (c: any, spec = podSpec): Promise<[PodSandbox, Record<string, string>, string[], number]> => {
      const port = await freePort();
      const pod = new PodSandbox(spec, c, postgresImage(c.image), binDir, new NetworkMap().port(5432, port), store.statefulSet.spec.volumeClaimTemplates);
      sandboxes.push(pod);
      const env = pod.environment();
      return [pod, env, pod.argv(c.args ?? [], env), port];
    };
    const without = (c: any, mountPath: string) => ({ ...c, volumeMounts: c.volumeMounts.filter((m: any) => m.mountPath !== mountPath) });

    test('without a volume at /var/run/postgresql the server cannot create its socket: the root is read-only', async () => {
      const [pod, env, args, port] = await sandbox(without(container, '/var/run/postgresql'));
      expect(() => runEntrypoint(pod, env, args, port)).toThrow(/could not create lock file/);
    }, TEST_TIMEOUT_MS);

    test('without a volume at /tmp a uid the image does not know cannot get its nss_wrapper passwd', async () => {
      const [, uidDb] = databases.find(([name]) => /nss_wrapper/.test(name))!;
      const spec = uidDb.statefulSet.spec.template.spec;
      const [pod, env, args, port] = await sandbox(without(spec.containers[0], '/tmp'), spec);
      expect(() => runEntrypoint(pod, env, args, port)).toThrow(/mktemp exited/);
    }, TEST_TIMEOUT_MS);

    test('PGDATA at the root of its local volume fails on the disk\'s lost+found: hence a directory inside it', async () => {
      const env = container.env.map((e: any) => (e.name === 'PGDATA' ? { name: 'PGDATA', value: '/var/lib/postgresql/data' } : e));
      const [pod, podEnv, args, port] = await sandbox({ ...container, env });
      expect(() => runEntrypoint(pod, podEnv, args, port)).toThrow(/exists but is not empty/);
    }, TEST_TIMEOUT_MS);

    test('without its volume PGDATA cannot be created', async () => {
      const [pod, env, args, port] = await sandbox(without(container, '/var/lib/postgresql/data'));
      expect(() => runEntrypoint(pod, env, args, port)).toThrow(/mkdir -p .* exited/);
    }, TEST_TIMEOUT_MS);
  });
}, [RUNS_AS_ROOT]);

/** SIGKILL to a server and every process it started, as when a node loses power. */
function killWithChildren(server: RunningProgram): void {
  const pid = server.process.pid!;
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  });
  server.process.kill('SIGKILL');
  for (const child of children) {
    try {
      process.kill(Number(child), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The container's literal env values (what the kubelet expands a probe command from). */
function staticEnv(container: any): Record<string, string> {
  return Object.fromEntries((container.env ?? []).filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
}
