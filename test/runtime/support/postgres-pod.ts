import { SpawnSyncOptions } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningProgram, runProgram, startProgram } from '../../support/programs';

/**
 * One container of a pod, run on this machine the way the kubelet would run it, as far as
 * PostgreSQL can tell:
 *
 * - User: every process goes through a small wrapper: `unshare --mount` binds the image's
 *   `/etc/passwd` and `/etc/group` (the official images' `postgres` user: 70 on alpine, 999
 *   on debian) over the host's in a private mount namespace, then `setpriv` drops to the pod's
 *   runAsUser/runAsGroup with fsGroup as supplementary group, as the kubelet does. initdb
 *   refuses a uid without a passwd entry, and this machine has no uid 70 or 999.
 * - Filesystem: each volumeMount is a temp dir owned by the pod's user; every pod path in env
 *   values, args and commands is rewritten to it (one pass, longest mount first). A pod path
 *   that no volume mounts maps into a root-owned directory where the pod's user can create
 *   nothing: the read-only root filesystem. The image's implicit paths (its socket directory,
 *   HOME, TMPDIR=/tmp) go through the same mapping, so a path the pod needs but does not
 *   mount fails here as it fails in the cluster.
 * - Network: the pod has its own network namespace, the test does not: the container's ports
 *   are mapped to free ports on 127.0.0.1 and a Service's DNS name to 127.0.0.1.
 * - Secrets: a secretKeyRef becomes `secretValue(name, key)`, the same for every pod.
 */
export class PodSandbox {
  /** The temp dir holding this pod's volumes, the stand-in for its read-only root and the wrapper's files. */
  public readonly dir: string;
  public readonly uid: number;
  public readonly gid: number;
  private readonly groups: number[];
  private readonly mounts = new Map<string, string>();
  private readonly readOnlyRoot: string;
  private readonly passwd: string;
  private readonly group: string;
  private readonly mountPattern: RegExp | undefined;

  public constructor(
    public readonly podSpec: any,
    public readonly container: any,
    private readonly image: PostgresImage,
    private readonly binDir: string,
    private readonly net: NetworkMap,
    claimTemplates: readonly any[] = [],
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'edge-pg-'));
    chmodSync(this.dir, 0o755);
    const security = { ...podSpec.securityContext, ...container.securityContext };
    this.uid = security.runAsUser ?? image.uid;
    this.gid = security.runAsGroup ?? image.uid;
    this.groups = [this.gid, ...(podSpec.securityContext?.fsGroup !== undefined ? [podSpec.securityContext.fsGroup] : [])];
    this.readOnlyRoot = join(this.dir, 'read-only-root');
    mkdirSync(this.readOnlyRoot, { mode: 0o755 });
    const claims = new Set<string>([
      ...claimTemplates.map((t: any) => t.metadata.name),
      ...(podSpec.volumes ?? []).filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.name),
    ]);
    (container.volumeMounts ?? []).forEach((mount: any, i: number) => {
      if (mount.readOnly || mount.subPath) throw new Error(`volumeMount ${mount.name}: readOnly/subPath mounts are not emulated`);
      const host = join(this.dir, `volume-${i}-${mount.name}`);
      mkdirSync(host, { mode: 0o770 });
      chownSync(host, this.uid, podSpec.securityContext?.fsGroup ?? this.gid);
      // A claim on a local disk is a filesystem's root: it has a lost+found the pod cannot read.
      if (claims.has(mount.name)) mkdirSync(join(host, 'lost+found'), { mode: 0o700 });
      this.mounts.set(mount.mountPath.replace(/\/+$/, ''), host);
    });
    const paths = [...this.mounts.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.mountPattern = paths.length > 0 ? new RegExp(`(?<![\\w./-])(${paths.join('|')})(?=/|$|[^\\w.-])`, 'g') : undefined;
    this.passwd = join(this.dir, 'passwd');
    this.group = join(this.dir, 'group');
    const users = [`root:x:0:0:root:/root:/bin/sh`, `postgres:x:${image.uid}:${image.uid}::${image.home}:/bin/sh`];
    const groups = [`root:x:0:root`, `postgres:x:${image.uid}:postgres`];
    writeFileSync(this.passwd, `${users.join('\n')}\n`, { mode: 0o644 });
    writeFileSync(this.group, `${groups.join('\n')}\n`, { mode: 0o644 });
  }

  /** Whether the image's passwd knows the pod's uid (else the entrypoint falls back to nss_wrapper). */
  public get uidKnown(): boolean {
    return this.uid === 0 || this.uid === this.image.uid;
  }

  /**
   * The passwd and group lines nss_wrapper gives initdb (the entrypoint writes them to mktemp
   * files and preloads the wrapper for initdb only); call the returned function when initdb is done.
   */
  public wrapUser(line: string, groupLine: string): () => void {
    const [passwd, group] = [readFileSync(this.passwd, 'utf8'), readFileSync(this.group, 'utf8')];
    appendFileSync(this.passwd, `${line}\n`);
    appendFileSync(this.group, `${groupLine}\n`);
    return () => {
      writeFileSync(this.passwd, passwd);
      writeFileSync(this.group, group);
    };
  }

  /** The host path behind a pod path: inside its volume, or inside the read-only root. */
  public path(podPath: string): string {
    return this.rewrite(podPath) === podPath ? join(this.readOnlyRoot, podPath) : this.rewrite(podPath);
  }

  /** The host path of a volume's mount path, for the test to look inside the volume. */
  public volume(mountPath: string): string {
    const host = this.mounts.get(mountPath);
    if (!host) throw new Error(`the pod mounts nothing at ${mountPath}`);
    return host;
  }

  /** Pod paths in `text` rewritten to their volumes' host paths. */
  public rewrite(text: string): string {
    return this.mountPattern ? text.replace(this.mountPattern, (p) => this.mounts.get(p)!) : text;
  }

  /**
   * The container's environment as its processes see it: the image's ENV (PATH with the
   * PostgreSQL binaries, LANG), the container's env (secret refs resolved to test values,
   * `$(VAR)` expanded as the kubelet does), pod paths mapped, Service names and ports mapped.
   */
  public environment(overrides: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {
      PATH: `${this.binDir}:/usr/local/bin:/usr/bin:/bin`,
      // The image sets en_US.utf8, which musl accepts without locale data; this glibc host may not have it.
      LANG: 'C.UTF-8',
      PGDATA: this.image.pgdata,
      HOME: this.image.home,
    };
    // The kubelet expands $(VAR) in a value from the container's env defined before it, never the image's ENV.
    const container: Record<string, string> = {};
    for (const v of this.container.env ?? []) {
      if (v.value !== undefined) env[v.name] = container[v.name] = expandKubernetes(v.value, container);
      else if (v.valueFrom?.secretKeyRef) env[v.name] = container[v.name] = secretValue(v.valueFrom.secretKeyRef.name, v.valueFrom.secretKeyRef.key);
      else throw new Error(`env ${v.name}: only values and secretKeyRefs are emulated`);
    }
    Object.assign(env, overrides);
    const mapped: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) {
      if (name === 'PATH') mapped[name] = value;
      // A value that is one absolute path (PGDATA) is a pod path: its volume, or the read-only root.
      else if (/^\/[^\s:]*$/.test(value)) mapped[name] = this.path(value);
      else mapped[name] = this.net.rewrite(this.rewrite(value));
    }
    // The image's HOME and the default temp dir go through the mount mapping: a write there
    // succeeds only when the pod mounts a volume at that path.
    mapped.HOME = this.path(env.HOME);
    mapped.TMPDIR = this.path('/tmp');
    return mapped;
  }

  /** A command or args list as the kubelet passes it: `$(VAR)` expanded from the env, `$$` unescaped; then mapped. */
  public argv(list: readonly string[], env: Record<string, string>): string[] {
    return list.map((arg) => this.net.rewrite(this.rewrite(expandKubernetes(arg, env))));
  }

  /** Runs a program as the pod's user, to completion. */
  public run(argv: readonly string[], env: Record<string, string>, options: SpawnSyncOptions = {}): { status: number | null; stdout: string; stderr: string } {
    const [binary, ...args] = this.wrap(argv);
    return runProgram(binary, args, { env, cwd: this.readOnlyRoot, ...options });
  }

  /** Runs a program as the pod's user and fails with its output unless it exits 0. */
  public mustRun(argv: readonly string[], env: Record<string, string>, options: SpawnSyncOptions = {}): string {
    const result = this.run(argv, env, options);
    if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  /** Starts a server as the pod's user. */
  public start(argv: readonly string[], env: Record<string, string>): RunningProgram {
    const [binary, ...args] = this.wrap(argv);
    return startProgram(binary, args, { env, cwd: this.readOnlyRoot });
  }

  /** Removes the pod's temp dir. */
  public remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private wrap(argv: readonly string[]): string[] {
    const script = 'mount --bind "$0" /etc/passwd && mount --bind "$1" /etc/group && shift && exec setpriv "$@"';
    const setpriv = [`--reuid=${this.uid}`, `--regid=${this.gid}`, `--groups=${[...new Set(this.groups)].join(',')}`, '--'];
    return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script, this.passwd, this.group, ...setpriv, ...argv];
  }
}

/** What the test needs to know of an official `postgres` image, read from its Dockerfile at the pinned tag. */
export interface PostgresImage {
  /** uid and gid of its `postgres` user. */
  readonly uid: number;
  /** Home of that user. */
  readonly home: string;
  /** Its ENV PGDATA. */
  readonly pgdata: string;
  /** Its compiled-in socket directory (DEFAULT_PGSOCKET_DIR). */
  readonly socketDir: string;
}

/**
 * docker-library/postgres: alpine `adduser -u 70 … -h /var/lib/postgresql`, debian `useradd --uid=999
 * --home-dir=/var/lib/postgresql`; both `ENV PGDATA /var/lib/postgresql/data` and the socket
 * directory /var/run/postgresql (alpine patches DEFAULT_PGSOCKET_DIR to match Debian).
 */
export function postgresImage(image: string): PostgresImage {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  return { uid: /alpine/.test(tag) ? 70 : 999, home: '/var/lib/postgresql', pgdata: '/var/lib/postgresql/data', socketDir: '/var/run/postgresql' };
}

/** The test value of a Secret's key: a valid PostgreSQL name, the same for every pod that references it. */
export function secretValue(secretName: string, key: string): string {
  return `${secretName}_${key}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** Maps the cluster's addresses (Service DNS names, container ports) to this machine's. */
export class NetworkMap {
  private readonly hosts = new Map<string, string>();
  private readonly ports = new Map<number, number>();

  public host(name: string, to: string): this {
    this.hosts.set(name, to);
    return this;
  }

  public port(from: number, to: number): this {
    this.ports.set(from, to);
    return this;
  }

  public rewrite(text: string): string {
    let out = text;
    for (const [from, to] of this.hosts) out = out.split(from).join(to);
    for (const [from, to] of this.ports) out = out.replace(new RegExp(`(?<![\\w.])${from}(?![\\w.])`, 'g'), String(to));
    return out;
  }
}

/**
 * The kubelet's expansion of container commands, args and env values
 * (kubernetes third_party/forked/golang/expansion): `$(NAME)` becomes the variable's value when
 * it is defined and stays as written when not, `$$` becomes `$`, any other `$` stays.
 */
export function expandKubernetes(input: string, env: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) {
      out += input[i];
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 1;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 1;
        continue;
      }
      const name = input.slice(i + 2, close);
      out += Object.prototype.hasOwnProperty.call(env, name) ? env[name] : `$(${name})`;
      i = close;
    } else {
      out += `$${next}`;
      i += 1;
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a file exists and is not empty (the entrypoint's `[ -s "$PGDATA/PG_VERSION" ]`). */
export function nonEmpty(path: string): boolean {
  return existsSync(path) && readFileSync(path).length > 0;
}
