import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import { checkResources, readResources } from '../../core/workload/resources';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { TIERS } from '../../core/spec/tier';
import { DATABASE_ENGINES, DatabaseBackupOptions, EdgeDatabaseOptions } from '../edge-database';
import {
  assignDefined, checkCronSchedule, checkDiskRef, checkImage, checkInteger, checkLabelName, checkNamespace, checkPlacement, checkStorageSize,
  checkUsernamePasswordSecret, placementTier, readOneOrMany, readUsernamePasswordSecret,
} from '../../core/workload/component-rules';

const DATABASE_KEYS = [
  'name', 'namespace', 'engine', 'image', 'database', 'credentials', 'storage', 'storageClass', 'disk', 'tier', 'node', 'replicas',
  'resources', 'runAsUser', 'backup', 'clientNamespaces',
];
/** Options that only mean something for a PostgreSQL server. */
const POSTGRES_ONLY = ['image', 'database', 'credentials', 'replicas', 'resources', 'runAsUser', 'backup', 'clientNamespaces'] as const;
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The rules of an EdgeDatabase, shared by the construct and the inventory. */
export function checkEdgeDatabaseOptions(options: EdgeDatabaseOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  const engine = options.engine ?? 'postgres';
  if (!DATABASE_ENGINES.includes(engine)) problems.add(at('engine'), `"${engine}" is not one of ${DATABASE_ENGINES.join(', ')}`);
  checkLabelName(options.name, at('name'), problems);
  checkNamespace(options.namespace, at('namespace'), problems);
  checkStorageSize(options.storage, at('storage'), problems);
  checkPlacement(options, site, path, problems);
  checkDiskRef(options.disk, site, at('disk'), problems, options);
  if (engine === 'sqlite') {
    for (const key of POSTGRES_ONLY) {
      if (options[key] !== undefined) problems.add(at(key), 'applies to the postgres engine only; sqlite is a file in a volume of the app that owns it');
    }
    return;
  }
  checkImage(options.image, at('image'), problems);
  if (options.database !== undefined && !PG_IDENTIFIER.test(options.database)) {
    problems.add(at('database'), `"${options.database}" is not a plain PostgreSQL name (lowercase letters, digits and '_', not starting with a digit, at most 63 characters)`);
  }
  checkUsernamePasswordSecret(options.credentials, at('credentials'), 'the database user and password', problems);
  checkReplicas(options.replicas, site, at('replicas'), problems);
  checkResources(options.resources, at('resources'), problems);
  checkInteger(options.runAsUser, 1, 2147483647, at('runAsUser'), problems);
  if (options.backup !== undefined) checkBackup(options, site, at('backup'), problems);
  (options.clientNamespaces ?? []).forEach((ns, i) => checkNamespace(ns, childPath(at('clientNamespaces'), i), problems));
}

function checkReplicas(replicas: number | undefined, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  if (replicas === undefined || replicas === 1) return;
  if (!Number.isInteger(replicas) || replicas < 1) problems.add(path, `must be 1, got ${replicas}`);
  else if (site.nodes.length === 1) {
    problems.add(path, `${replicas} replicas on single-node site ${site.name} would share one node and one disk: they protect against nothing; use 1 and the backup`);
  } else {
    problems.add(path, `must be 1: the postgres image does not replicate, so ${replicas} replicas would be ${replicas} separate databases behind one Service; use 1 and the backup (a replicated PostgreSQL needs an operator such as CloudNativePG)`);
  }
}

function checkBackup(options: EdgeDatabaseOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const backup = options.backup!;
  checkCronSchedule(backup.schedule, childPath(path, 'schedule'), problems);
  checkInteger(backup.retention, 1, 365, childPath(path, 'retention'), problems);
  checkStorageSize(backup.storage, childPath(path, 'storage'), problems);
  // The backup pod runs on the database's tier, on any node of it.
  checkDiskRef(backup.disk, site, childPath(path, 'disk'), problems, { tier: placementTier(options, site) });
  if (backup.disk !== undefined && backup.disk === options.disk) {
    problems.add(childPath(path, 'disk'), `is the data disk ${options.disk}; a backup on the disk it backs up is lost with it`);
  }
}

/** Reads `components.database`: one database, or a list of them; names must be unique per namespace. */
export function readEdgeDatabases(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): EdgeDatabaseOptions[] | undefined {
  const databases = readOneOrMany(value, path, problems, (item, itemPath) => {
    const read = readEdgeDatabase(item, itemPath, problems);
    if (!read) return undefined;
    // A credentials block that could not be read was reported already: check
    // everything else, but do not report the credentials missing as well.
    const found = new Problems();
    checkEdgeDatabaseOptions(read.options, site, itemPath, found);
    for (const p of found.list) if (read.complete || p.path !== childPath(itemPath, 'credentials')) problems.add(p.path, p.message);
    return read.complete ? read.options : undefined;
  });
  const seen = new Set<string>();
  (databases ?? []).forEach((db) => {
    const key = `${db.namespace ?? 'edge-data'}/${db.name ?? 'edge-db'}`;
    if (seen.has(key)) problems.add(path, `database ${key} is defined twice; give each database its own name`);
    seen.add(key);
  });
  return databases;
}

function readEdgeDatabase(value: unknown, path: string, problems: Problems): { options: EdgeDatabaseOptions; complete: boolean } | undefined {
  const r = MappingReader.of(value, path, problems, DATABASE_KEYS);
  if (!r) return undefined;
  const options: EdgeDatabaseOptions = {};
  assignDefined(options, 'name', r.string('name'));
  assignDefined(options, 'namespace', r.string('namespace'));
  assignDefined(options, 'engine', r.oneOf('engine', DATABASE_ENGINES));
  assignDefined(options, 'image', r.string('image'));
  assignDefined(options, 'database', r.string('database'));
  const credentials = readUsernamePasswordSecret(r, 'credentials');
  assignDefined(options, 'credentials', credentials);
  assignDefined(options, 'storage', r.string('storage'));
  assignDefined(options, 'storageClass', r.string('storageClass'));
  assignDefined(options, 'disk', r.string('disk'));
  assignDefined(options, 'tier', r.oneOf('tier', TIERS));
  assignDefined(options, 'node', r.string('node'));
  assignDefined(options, 'replicas', r.integer('replicas', 1, 100));
  assignDefined(options, 'resources', readResources(r, 'resources'));
  assignDefined(options, 'runAsUser', r.integer('runAsUser', 1, 2147483647));
  const backup = r.mapping('backup', ['schedule', 'retention', 'storage', 'disk']);
  if (backup) {
    const read: DatabaseBackupOptions = {};
    assignDefined(read, 'schedule', backup.string('schedule'));
    assignDefined(read, 'retention', backup.integer('retention', 1, 365));
    assignDefined(read, 'storage', backup.string('storage'));
    assignDefined(read, 'disk', backup.string('disk'));
    assignDefined(options, 'backup', read);
  }
  assignDefined(options, 'clientNamespaces', r.stringList('clientNamespaces'));
  return { options, complete: !r.has('credentials') || options.credentials !== undefined };
}
