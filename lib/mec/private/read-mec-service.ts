import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { TIERS } from '../../core/spec/tier';
import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import { MEC_QOS_CLASSES, MecServiceOptions } from '../mec-options';
import { checkMecServiceOptions } from './mec-rules';
import { readAppPart } from '../../core/validation/read-app-part';

/** The EdgeApp options a MEC service shares. */
export const MEC_APP_KEYS = [
  'name', 'namespace', 'image', 'replicas', 'command', 'args', 'env', 'secretEnv', 'ports', 'probes', 'resources',
  'writablePaths', 'writableSizeLimit', 'priorityClass', 'labels', 'runAsUser', 'runAsGroup', 'fsGroup',
];
const MEC_KEYS = ['qosClass', 'latencyBudget', 'upfBreakout', 'tier', 'gpu', 'netAdmin', 'zoneSpread'];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads `components.mecServices`: a list of MEC services, unique by namespace and name. */
export function readMecServices(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): MecServiceOptions[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, 'must be a list of MEC services');
    return undefined;
  }
  const services: MecServiceOptions[] = [];
  const seen = new Map<string, string>();
  value.forEach((item, index) => {
    const itemPath = childPath(path, index);
    const service = readMecService(item, itemPath, problems, site);
    if (!service) return;
    const key = `${service.namespace}/${service.name}`;
    const first = seen.get(key);
    if (first) problems.add(childPath(itemPath, 'name'), `MEC service ${key} is already defined at ${first}`);
    else seen.set(key, itemPath);
    services.push(service);
  });
  return services;
}

function readMecService(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): MecServiceOptions | undefined {
  const r = MappingReader.of(value, path, problems, [...MEC_APP_KEYS, ...MEC_KEYS]);
  if (!r) return undefined;
  const app = readAppPart(value, path, problems, MEC_APP_KEYS);
  r.require('qosClass', `the 5G QoS class: ${MEC_QOS_CLASSES.join(', ')}`);
  r.require('latencyBudget', 'the latency budget, e.g. 5ms');
  const qosClass = r.oneOf('qosClass', MEC_QOS_CLASSES);
  const latencyBudget = r.string('latencyBudget');
  const tier = r.oneOf('tier', TIERS);
  const gpu = r.integer('gpu', 1, 64);
  const upfBreakout = r.boolean('upfBreakout');
  const netAdmin = r.boolean('netAdmin');
  const zoneSpread = r.oneOf('zoneSpread', ['DoNotSchedule', 'ScheduleAnyway'] as const);
  if (!app || qosClass === undefined || latencyBudget === undefined) return undefined;
  const service: Mutable<MecServiceOptions> = { ...app, qosClass, latencyBudget };
  if (tier !== undefined) service.tier = tier;
  if (gpu !== undefined) service.gpu = gpu;
  if (upfBreakout !== undefined) service.upfBreakout = upfBreakout;
  if (netAdmin !== undefined) service.netAdmin = netAdmin;
  if (zoneSpread !== undefined) service.zoneSpread = zoneSpread;
  checkMecServiceOptions(service, site, path, problems);
  return service;
}
