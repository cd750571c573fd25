import {
  assignDefined, checkDiskRef, checkEnv, checkImage, checkInteger, checkLabelName, checkNamespace, checkPlacement, checkStorageSize, readSecretEnv,
} from '../../core/workload/component-rules';
import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import { checkResources, readResources } from '../../core/workload/resources';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { TIERS } from '../../core/spec/tier';
import { DataSyncOptions, SYNC_MODES } from '../data-sync';
import { checkCloudEndpoint } from './offline-agent-rules';

const DATA_SYNC_KEYS = [
  'image', 'upstream', 'name', 'namespace', 'mode', 'batchSize', 'retryCount', 'outboxSize', 'storageClass', 'outboxDisk', 'port',
  'healthPath', 'clientNamespaces', 'env', 'secretEnv', 'tier', 'node', 'resources', 'runAsUser',
];
/** Variables the service gets from its own options and the site. */
export const DATA_SYNC_ENV = ['SYNC_MODE', 'BATCH_SIZE', 'RETRY_COUNT', 'UPSTREAM_ENDPOINT', 'SYNC_INTERVAL', 'OUTBOX_DIR'];

/** The rules of a DataSync, shared by the construct and the inventory. */
export function checkDataSyncOptions(options: DataSyncOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  if (options.image === undefined) problems.add(at('image'), 'is required: the sync service image, pinned to a version');
  checkImage(options.image, at('image'), problems);
  if (options.upstream === undefined) problems.add(at('upstream'), 'is required: the cloud endpoint data is sent to, e.g. https://sync.example.com');
  else checkCloudEndpoint(options.upstream, site, at('upstream'), problems);
  checkLabelName(options.name, at('name'), problems);
  checkNamespace(options.namespace, at('namespace'), problems);
  if (options.mode !== undefined && !SYNC_MODES.includes(options.mode)) problems.add(at('mode'), `"${options.mode}" is not one of ${SYNC_MODES.join(', ')}`);
  checkInteger(options.batchSize, 1, 100000, at('batchSize'), problems);
  checkInteger(options.retryCount, 0, 1000, at('retryCount'), problems);
  checkStorageSize(options.outboxSize, at('outboxSize'), problems);
  checkInteger(options.port, 1, 65535, at('port'), problems);
  if (options.healthPath !== undefined && !options.healthPath.startsWith('/')) problems.add(at('healthPath'), `"${options.healthPath}" must start with /`);
  (options.clientNamespaces ?? []).forEach((ns, i) => checkNamespace(ns, childPath(at('clientNamespaces'), i), problems));
  checkEnv(options.env, options.secretEnv, DATA_SYNC_ENV, path, problems);
  checkPlacement(options, site, path, problems);
  checkDiskRef(options.outboxDisk, site, at('outboxDisk'), problems, options);
  checkResources(options.resources, at('resources'), problems);
  checkInteger(options.runAsUser, 1, 2147483647, at('runAsUser'), problems);
}

/** Reads `components.dataSync` and checks it with the construct's rules. */
export function readDataSync(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): DataSyncOptions | undefined {
  const r = MappingReader.of(value, path, problems, DATA_SYNC_KEYS);
  if (!r) return undefined;
  r.require('image', 'the sync service image, pinned to a version');
  r.require('upstream', 'the cloud endpoint data is sent to, e.g. https://sync.example.com');
  const image = r.string('image');
  const upstream = r.string('upstream');
  if (image === undefined || upstream === undefined) return undefined;
  const options: DataSyncOptions = { image, upstream };
  assignDefined(options, 'name', r.string('name'));
  assignDefined(options, 'namespace', r.string('namespace'));
  assignDefined(options, 'mode', r.oneOf('mode', SYNC_MODES));
  assignDefined(options, 'batchSize', r.integer('batchSize', 1, 100000));
  assignDefined(options, 'retryCount', r.integer('retryCount', 0, 1000));
  assignDefined(options, 'outboxSize', r.string('outboxSize'));
  assignDefined(options, 'storageClass', r.string('storageClass'));
  assignDefined(options, 'outboxDisk', r.string('outboxDisk'));
  assignDefined(options, 'port', r.integer('port', 1, 65535));
  assignDefined(options, 'healthPath', r.string('healthPath'));
  assignDefined(options, 'clientNamespaces', r.stringList('clientNamespaces'));
  assignDefined(options, 'env', r.stringMap('env'));
  assignDefined(options, 'secretEnv', readSecretEnv(r));
  assignDefined(options, 'tier', r.oneOf('tier', TIERS));
  assignDefined(options, 'node', r.string('node'));
  assignDefined(options, 'resources', readResources(r, 'resources'));
  assignDefined(options, 'runAsUser', r.integer('runAsUser', 1, 2147483647));
  checkDataSyncOptions(options, site, path, problems);
  return options;
}
