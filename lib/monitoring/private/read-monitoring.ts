import type { SecretKeyReference } from '../../core/site/edge-app';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { TIERS } from '../../core/spec/tier';
import { MappingReader } from '../../core/validation/reader';
import { Problems } from '../../core/validation/problems';
import { readResources } from '../../core/workload/resources';
import type { EdgeMonitoringOptions, MonitoringAlertOptions, MonitoringLogsOptions, PrometheusStorageOptions, RemoteWriteOptions } from '../monitoring-options';
import { checkEdgeMonitoringOptions } from './monitoring-rules';

const MONITORING_KEYS = [
  'mode', 'remoteWrite', 'scrapeInterval', 'retention', 'storage', 'tier', 'node', 'resources', 'logs', 'alerts',
  'prometheusOperator', 'operatorLabels', 'dashboard',
];
const REMOTE_WRITE_KEYS = ['url', 'allowInsecure', 'bearerTokenSecret'];
const LOGS_KEYS = ['output', 'url', 'allowInsecure', 'authSecret', 'bufferLimit', 'resources'];
const ALERT_KEYS = ['cpuPercent', 'memoryPercent', 'filesystemPercent', 'syncLag', 'for'];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Reads `components.monitoring` of a site: shapes and keys here, then the rules
 * the EdgeMonitoring construct applies, reported at the inventory path.
 */
export function readMonitoring(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): EdgeMonitoringOptions | undefined {
  const r = MappingReader.of(value, path, problems, MONITORING_KEYS);
  if (!r) return undefined;
  const options: Mutable<EdgeMonitoringOptions> = {};
  set(options, 'mode', r.oneOf('mode', ['agent', 'server'] as const));
  set(options, 'remoteWrite', readRemoteWrite(r));
  set(options, 'scrapeInterval', r.string('scrapeInterval'));
  set(options, 'retention', r.string('retention'));
  set(options, 'storage', readStorage(r));
  set(options, 'tier', r.oneOf('tier', TIERS));
  set(options, 'node', r.string('node'));
  set(options, 'resources', readResources(r, 'resources'));
  set(options, 'logs', readLogs(r));
  set(options, 'alerts', readAlerts(r));
  set(options, 'prometheusOperator', r.boolean('prometheusOperator'));
  set(options, 'operatorLabels', r.stringMap('operatorLabels'));
  set(options, 'dashboard', r.boolean('dashboard'));
  // A remoteWrite block that failed to read was reported already; do not also call it missing.
  const broken = r.has('remoteWrite') && options.remoteWrite === undefined;
  checkEdgeMonitoringOptions(broken ? { ...options, mode: 'server' } : options, site, path, problems);
  return options;
}

function set<T extends object, K extends keyof T>(target: Mutable<T>, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function readRemoteWrite(r: MappingReader): RemoteWriteOptions | undefined {
  const m = r.mapping('remoteWrite', REMOTE_WRITE_KEYS);
  if (!m) return undefined;
  m.require('url', 'the remote-write URL, e.g. https://metrics.example.com/api/v1/write');
  const url = m.string('url');
  const allowInsecure = m.boolean('allowInsecure');
  const bearerTokenSecret = readSecretReference(m, 'bearerTokenSecret');
  if (url === undefined) return undefined;
  const remote: Mutable<RemoteWriteOptions> = { url };
  set(remote, 'allowInsecure', allowInsecure);
  set(remote, 'bearerTokenSecret', bearerTokenSecret);
  return remote;
}

function readLogs(r: MappingReader): MonitoringLogsOptions | undefined {
  const m = r.mapping('logs', LOGS_KEYS);
  if (!m) return undefined;
  m.require('url', 'the log endpoint, e.g. https://logs.example.com/ingest or tls://logs.example.com:24224');
  const url = m.string('url');
  const rest: Omit<Mutable<MonitoringLogsOptions>, 'url'> = {};
  set(rest, 'output', m.oneOf('output', ['http', 'forward'] as const));
  set(rest, 'allowInsecure', m.boolean('allowInsecure'));
  set(rest, 'authSecret', readSecretReference(m, 'authSecret'));
  set(rest, 'bufferLimit', m.string('bufferLimit'));
  set(rest, 'resources', readResources(m, 'resources'));
  return url === undefined ? undefined : { url, ...rest };
}

function readAlerts(r: MappingReader): MonitoringAlertOptions | undefined {
  const m = r.mapping('alerts', ALERT_KEYS);
  if (!m) return undefined;
  const alerts: Mutable<MonitoringAlertOptions> = {};
  for (const key of ['cpuPercent', 'memoryPercent', 'filesystemPercent'] as const) {
    const raw = m.raw(key);
    if (raw === undefined) continue;
    // The range itself is a rule of the construct; only the type is checked here.
    if (typeof raw === 'number') alerts[key] = raw;
    else m.report(key, `must be a percentage from 0 to 100, got ${JSON.stringify(raw)}`);
  }
  set(alerts, 'syncLag', m.string('syncLag'));
  set(alerts, 'for', m.string('for'));
  return alerts;
}

function readStorage(r: MappingReader): PrometheusStorageOptions | undefined {
  const m = r.mapping('storage', ['size', 'storageClassName']);
  if (!m) return undefined;
  const storage: Mutable<PrometheusStorageOptions> = {};
  set(storage, 'size', m.string('size'));
  set(storage, 'storageClassName', m.string('storageClassName'));
  return storage;
}

/** Reads `{ secretName, key }` under a key. */
export function readSecretReference(r: MappingReader, key: string): SecretKeyReference | undefined {
  const m = r.mapping(key, ['secretName', 'key']);
  if (!m) return undefined;
  m.require('secretName', 'the name of an existing Secret');
  m.require('key', 'the key in that Secret');
  const secretName = m.string('secretName');
  const secretKey = m.string('key');
  return secretName !== undefined && secretKey !== undefined ? { secretName, key: secretKey } : undefined;
}
