import type { AppPort, EdgeAppOptions, ProbeOptions, SecretKeyReference } from '../site/edge-app';
import { TIERS } from '../spec/tier';
import { describe, MappingReader } from './reader';
import { childPath, Problems } from './problems';
import { readResources } from '../workload/resources';

const APP_KEYS = [
  'name', 'namespace', 'image', 'kind', 'replicas', 'tier', 'node', 'command', 'args', 'env', 'secretEnv', 'ports',
  'service', 'resources', 'probes', 'writablePaths', 'writableSizeLimit', 'priorityClass', 'labels', 'runAsUser',
  'runAsGroup', 'fsGroup',
];
const PROBE_KEYS = ['http', 'tcp', 'exec', 'initialDelaySeconds', 'periodSeconds', 'failureThreshold'];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Reads the shape of one app of the inventory into EdgeAppOptions. Only types and
 * keys are checked here; the rules (pinned image, probes, ports, quantities) are
 * checked by the same function the EdgeApp construct uses.
 */
export function readApp(value: unknown, path: string, problems: Problems): EdgeAppOptions | undefined {
  const r = MappingReader.of(value, path, problems, APP_KEYS);
  if (!r) return undefined;
  r.require('name', 'the app name (DNS-1123 label)');
  r.require('namespace', 'the namespace the app runs in');
  r.require('image', 'a container image with a pinned tag or digest');
  const name = r.string('name');
  const namespace = r.string('namespace');
  const image = r.string('image');
  if (name === undefined || namespace === undefined || image === undefined) return undefined;
  const app: Mutable<EdgeAppOptions> = { name, namespace, image };
  assign(app, 'kind', r.oneOf('kind', ['Deployment', 'DaemonSet'] as const));
  assign(app, 'replicas', r.integer('replicas', 1, 1000));
  assign(app, 'tier', r.oneOf('tier', TIERS));
  assign(app, 'node', r.string('node'));
  assign(app, 'command', r.stringList('command'));
  assign(app, 'args', r.stringList('args'));
  assign(app, 'env', r.stringMap('env'));
  assign(app, 'secretEnv', readSecretEnv(r));
  assign(app, 'ports', readPorts(r, problems));
  assign(app, 'service', r.boolean('service'));
  assign(app, 'resources', readResources(r, 'resources'));
  assign(app, 'probes', readProbes(r, problems));
  assign(app, 'writablePaths', r.stringList('writablePaths'));
  assign(app, 'writableSizeLimit', r.string('writableSizeLimit'));
  assign(app, 'priorityClass', r.oneOf('priorityClass', ['edge-critical', 'edge-normal'] as const));
  assign(app, 'labels', r.stringMap('labels'));
  assign(app, 'runAsUser', r.integer('runAsUser', 1, 2147483647));
  assign(app, 'runAsGroup', r.integer('runAsGroup', 1, 2147483647));
  assign(app, 'fsGroup', r.integer('fsGroup', 1, 2147483647));
  return app;
}

function assign<K extends keyof EdgeAppOptions>(app: Mutable<EdgeAppOptions>, key: K, value: EdgeAppOptions[K] | undefined): void {
  if (value !== undefined) app[key] = value;
}

/** Reads `secretEnv`: variable name → `{ secretName, key }` of an existing Secret. */
export function readSecretEnv(r: MappingReader): Record<string, SecretKeyReference> | undefined {
  const raw = r.raw('secretEnv');
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    r.report('secretEnv', `must be a mapping of variable name to {secretName, key}, got ${describe(raw)}`);
    return undefined;
  }
  const result: Record<string, SecretKeyReference> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const ref = MappingReader.of(value, childPath(r.pathOf('secretEnv'), name), r.problems, ['secretName', 'key']);
    if (!ref) continue;
    ref.require('secretName', 'the name of an existing Secret');
    ref.require('key', 'the key in that Secret');
    const secretName = ref.string('secretName');
    const key = ref.string('key');
    if (secretName !== undefined && key !== undefined) result[name] = { secretName, key };
  }
  return result;
}

function readPorts(r: MappingReader, problems: Problems): AppPort[] | undefined {
  const items = r.list('ports');
  if (!items) return undefined;
  const ports: AppPort[] = [];
  for (const item of items) {
    const p = MappingReader.of(item.value, item.path, problems, ['name', 'port', 'protocol']);
    if (!p) continue;
    p.require('name', 'the port name');
    p.require('port', 'the container port number');
    const name = p.string('name');
    const port = p.integer('port', 1, 65535);
    const protocol = p.oneOf('protocol', ['TCP', 'UDP'] as const);
    if (name !== undefined && port !== undefined) ports.push({ name, port, ...(protocol ? { protocol } : {}) });
  }
  return ports;
}

function readProbes(r: MappingReader, problems: Problems): EdgeAppOptions['probes'] {
  const section = r.mapping('probes', ['liveness', 'readiness']);
  if (!section) return undefined;
  const read = (key: string): ProbeOptions | undefined => {
    const p = section.mapping(key, PROBE_KEYS);
    if (!p) return undefined;
    const probe: Mutable<ProbeOptions> = {};
    const http = p.mapping('http', ['path', 'port']);
    if (http) {
      http.require('path', 'the request path');
      http.require('port', 'a port name or number');
      const path = http.string('path');
      const port = readPortRef(http, problems);
      if (path !== undefined && port !== undefined) probe.http = { path, port };
    }
    const tcp = p.mapping('tcp', ['port']);
    if (tcp) {
      tcp.require('port', 'a port name or number');
      const port = readPortRef(tcp, problems);
      if (port !== undefined) probe.tcp = { port };
    }
    const exec = p.stringList('exec');
    if (exec) probe.exec = exec;
    const initial = p.integer('initialDelaySeconds', 0, 3600);
    const period = p.integer('periodSeconds', 1, 3600);
    const failures = p.integer('failureThreshold', 1, 100);
    if (initial !== undefined) probe.initialDelaySeconds = initial;
    if (period !== undefined) probe.periodSeconds = period;
    if (failures !== undefined) probe.failureThreshold = failures;
    return probe;
  };
  const liveness = read('liveness');
  const readiness = read('readiness');
  return { ...(liveness ? { liveness } : {}), ...(readiness ? { readiness } : {}) };
}

function readPortRef(r: MappingReader, problems: Problems): string | number | undefined {
  const value = r.raw('port');
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (value !== undefined) problems.add(r.pathOf('port'), `must be a port name or number, got ${describe(value)}`);
  return undefined;
}
