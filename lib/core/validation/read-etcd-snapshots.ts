import { dns1123SubdomainProblem } from './names';
import type { MappingReader } from './reader';
import {
  DEFAULT_ETCD_SNAPSHOT_RETENTION, DEFAULT_ETCD_SNAPSHOT_SCHEDULE, EtcdS3Spec, ResolvedEtcdSnapshotSpec,
} from '../spec/site-spec';
import { describeGate, ETCD_S3_CONFIG_SECRET_GATE, k3sHasFeature } from '../node/k3s-versions';
import { absolutePathProblem, cronProblem, hostPortProblem } from './checks';

const SNAPSHOT_KEYS = ['schedule', 'retention', 's3'];
const S3_KEYS = ['configSecret', 'endpoint', 'bucket', 'folder', 'region', 'endpointCaFile', 'credentialsFile'];
/** The S3 keys that live in the config Secret when one is given. */
const LOCATION_KEYS = ['endpoint', 'bucket', 'folder', 'region', 'endpointCaFile', 'credentialsFile'];

/** k3s's defaults for an S3 store that names no endpoint or region. */
export const DEFAULT_S3_ENDPOINT = 's3.amazonaws.com';
export const DEFAULT_S3_REGION = 'us-east-1';

/** What the snapshot rules read of the site. */
export interface SnapshotContext {
  readonly siteName: string;
  /** Whether the site runs embedded etcd (three or more servers). */
  readonly ha: boolean;
  readonly k3sVersion: string;
}

/** Reads `cluster.etcdSnapshots`; HA sites get the daily default when the block is absent. */
export function readEtcdSnapshots(c: MappingReader, context: SnapshotContext): ResolvedEtcdSnapshotSpec | undefined {
  const s = c.has('etcdSnapshots') ? c.mapping('etcdSnapshots', SNAPSHOT_KEYS) : undefined;
  if (c.has('etcdSnapshots') && !context.ha) {
    c.report('etcdSnapshots', 'needs embedded etcd, which only HA sites (3, 5 or 7 servers) run; a site with one server keeps its state in SQLite, so back up /var/lib/rancher/k3s/server/db instead');
    return undefined;
  }
  const schedule = s?.string('schedule', cronProblem) ?? DEFAULT_ETCD_SNAPSHOT_SCHEDULE;
  const retention = s?.integer('retention', 1, 1000) ?? DEFAULT_ETCD_SNAPSHOT_RETENTION;
  const s3 = s?.has('s3') ? readS3(s, context) : undefined;
  return { schedule, retention, ...(s3 ? { s3 } : {}) };
}

function readS3(s: MappingReader, context: SnapshotContext): EtcdS3Spec | undefined {
  const r = s.mapping('s3', S3_KEYS);
  if (!r) return undefined;
  const configSecret = r.string('configSecret', dns1123SubdomainProblem);
  if (r.has('configSecret')) {
    for (const key of LOCATION_KEYS.filter((k) => r.has(k))) {
      r.report(key, 'is not allowed with configSecret: k3s ignores the Secret when any other S3 option is set, so the store\'s location and credentials all go into the Secret');
    }
    if (configSecret !== undefined && !k3sHasFeature(context.k3sVersion, ETCD_S3_CONFIG_SECRET_GATE)) {
      r.report('configSecret', `needs k3s's etcd-s3-config-secret (${describeGate(ETCD_S3_CONFIG_SECRET_GATE)} and later); the site runs ${context.k3sVersion}: raise kubernetesVersion or k3sVersion, or use credentialsFile`);
    }
    return configSecret === undefined ? undefined : { configSecret };
  }
  r.require('bucket', 'the bucket snapshots are copied to (or give configSecret)');
  r.require('credentialsFile', 'an environment file on each server with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or give configSecret); keys are never written to the output');
  const endpoint = r.string('endpoint', hostPortProblem) ?? DEFAULT_S3_ENDPOINT;
  const bucket = r.string('bucket', (v) => (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) ? undefined : `"${v}" is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')`));
  const folder = r.string('folder', (v) => (/^[A-Za-z0-9!_.*'()\/-]+$/.test(v) && !v.startsWith('/') ? undefined : `"${v}" is not a folder in a bucket (letters, digits and !_.*'()/-, not starting with /)`)) ?? context.siteName;
  const region = r.string('region', (v) => (/^[a-z0-9-]+$/.test(v) ? undefined : `"${v}" is not a region name (lowercase letters, digits and '-', e.g. eu-central-1)`)) ?? DEFAULT_S3_REGION;
  const endpointCaFile = r.string('endpointCaFile', absolutePathProblem);
  const credentialsFile = r.string('credentialsFile', absolutePathProblem);
  if (bucket === undefined || credentialsFile === undefined) return undefined;
  return { endpoint, bucket, folder, region, credentialsFile, ...(endpointCaFile !== undefined ? { endpointCaFile } : {}) };
}
