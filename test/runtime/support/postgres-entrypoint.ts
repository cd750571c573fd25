import { appendFileSync, closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunningProgram, waitFor } from '../../support/programs';
import { nonEmpty, PodSandbox, postgresImage } from './postgres-pod';

/**
 * What `docker-entrypoint.sh` of the official image does before it execs the server, step by
 * step as in docker-library/postgres@9f3bef00aaeb4453ed9e7336ab1856f7e9424b25 (the last commit
 * that built 14.13, the default image's tag), 14/alpine3.20/docker-entrypoint.sh:
 * docker_setup_env, docker_create_db_directories, docker_verify_minimum_env,
 * docker_init_database_dir, pg_setup_hba_conf, docker_temp_server_start, docker_setup_db,
 * docker_temp_server_stop. Every step runs as the pod's user with its paths mapped, so a step
 * that needs a writable path the pod does not mount fails here.
 */
export function runEntrypoint(pod: PodSandbox, env: Record<string, string>, serverArgs: readonly string[], port: number): { initialised: boolean } {
  // docker_setup_env: file_env defaults.
  const user = env.POSTGRES_USER || 'postgres';
  const database = env.POSTGRES_DB || user;
  const pgdata = env.PGDATA;
  if (env.POSTGRES_INITDB_ARGS || env.POSTGRES_INITDB_WALDIR || env.POSTGRES_HOST_AUTH_METHOD) {
    throw new Error('POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR and POSTGRES_HOST_AUTH_METHOD are not emulated');
  }
  const socketDir = pod.path(postgresImage(pod.container.image).socketDir);
  // docker_create_db_directories: PGDATA must be creatable; the rest may fail (`|| :`).
  pod.mustRun(['mkdir', '-p', pgdata], env);
  pod.run(['chmod', '00700', pgdata], env);
  pod.run(['mkdir', '-p', socketDir], env);
  pod.run(['chmod', '03775', socketDir], env);
  if (nonEmpty(join(pgdata, 'PG_VERSION'))) return { initialised: false };

  // docker_verify_minimum_env
  if (!env.POSTGRES_PASSWORD) throw new Error('Database is uninitialized and superuser password is not specified');

  // docker_init_database_dir: a uid the image's passwd does not know gets nss_wrapper, whose
  // files are mktemp files: in the pod's /tmp.
  let unwrap = () => {};
  if (!pod.uidKnown) {
    pod.mustRun(['mktemp'], env);
    unwrap = pod.wrapUser(`postgres:x:${pod.uid}:${pod.gid}:PostgreSQL:${pgdata}:/bin/false`, `postgres:x:${pod.gid}:`);
  }
  // The image feeds the password through a pipe (`--pwfile=<(printf "%s\n" …)`); a file only root can write stands in.
  const pwfile = join(pod.dir, 'pwfile');
  writeFileSync(pwfile, `${env.POSTGRES_PASSWORD}\n`, { mode: 0o644 });
  try {
    pod.mustRun(['initdb', `--username=${user}`, `--pwfile=${pwfile}`], env);
  } finally {
    unwrap();
  }

  // pg_setup_hba_conf: remote ("host") connections use the configured password encryption.
  const auth = pod.mustRun(['postgres', '-C', 'password_encryption', ...serverArgs], env).trim();
  appendFileSync(join(pgdata, 'pg_hba.conf'), `\nhost all all all ${auth}\n`);

  // docker_temp_server_start: socket only, no TCP (the script's `listen_addresses=''` is the empty value once bash has parsed it).
  const socketOnly = [...serverArgs, '-c', 'listen_addresses=', '-p', String(port), '-c', `unix_socket_directories=${socketDir}`];
  const initEnv = { ...env, PGUSER: env.PGUSER ?? user, PGPASSWORD: env.PGPASSWORD ?? env.POSTGRES_PASSWORD };
  // The temp server keeps the output streams it inherits open: they go to a file, not to pipes
  // that spawnSync would wait on.
  const log = join(pod.dir, 'temp-server.log');
  const fd = openSync(log, 'w');
  try {
    const started = pod.run(['pg_ctl', '-D', pgdata, '-o', socketOnly.map(shellQuote).join(' '), '-w', 'start'], initEnv, { stdio: ['ignore', fd, fd] });
    if (started.status !== 0) throw new Error(`pg_ctl start exited ${started.status}:\n${readFileSync(log, 'utf8')}`);
  } finally {
    closeSync(fd);
  }
  try {
    // docker_setup_db
    const psql = ['psql', '-v', 'ON_ERROR_STOP=1', '--username', user, '--no-password', '--no-psqlrc', '--host', socketDir, '--port', String(port), '--dbname', 'postgres', '--set', `db=${database}`];
    const exists = pod.mustRun([...psql, '--tuples-only'], initEnv, { input: "SELECT 1 FROM pg_database WHERE datname = :'db' ;" });
    if (exists.trim() === '') pod.mustRun(psql, initEnv, { input: 'CREATE DATABASE :"db" ;' });
  } finally {
    // docker_temp_server_stop
    pod.mustRun(['pg_ctl', '-D', pgdata, '-m', 'fast', '-w', 'stop'], initEnv);
  }
  return { initialised: true };
}

/**
 * `exec "$@"`: the server with the container's args, on 127.0.0.1:<port> (the pod's own
 * network namespace has it listen on '*') and with the socket in the mapped socket directory.
 */
export async function startServer(pod: PodSandbox, env: Record<string, string>, serverArgs: readonly string[], port: number): Promise<RunningProgram> {
  const socketDir = pod.path(postgresImage(pod.container.image).socketDir);
  const server = pod.start(['postgres', ...serverArgs, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir}`], env);
  await waitFor('PostgreSQL accepts connections', async () => (/ready to accept connections/.test(server.output()) ? true : undefined), server);
  return server;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
