import {
  assignDefined, checkEnv, checkImage, checkInteger, checkLabelName, checkNamespace, checkStorageSize, httpUrlProblem, readSecretEnv, urlOutsideCidrs,
} from '../../core/workload/component-rules';
import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import { checkResources, readResources } from '../../core/workload/resources';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import type { OfflineAgentOptions, OfflineCacheOptions } from '../offline-agent';

const OFFLINE_AGENT_KEYS = ['image', 'name', 'namespace', 'offlineMode', 'cache', 'cloudEndpoint', 'healthPort', 'healthPath', 'env', 'secretEnv', 'resources', 'runAsUser'];
const CACHE_KEYS = ['type', 'path', 'sizeLimit', 'initImage'];
const CACHE_TYPES = ['hostPath', 'emptyDir'] as const;
/** Variables the agent sets from its own options and the site. */
export const OFFLINE_AGENT_ENV = ['OFFLINE_MODE', 'SYNC_INTERVAL', 'OFFLINE_TOLERANCE', 'CACHE_DIR', 'CLOUD_ENDPOINT', 'NODE_NAME'];

/** The rules of an OfflineAgent, shared by the construct and the inventory. */
export function checkOfflineAgentOptions(options: OfflineAgentOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  if (options.image === undefined) problems.add(at('image'), 'is required: the agent image, pinned to a version');
  checkImage(options.image, at('image'), problems);
  checkLabelName(options.name, at('name'), problems);
  checkNamespace(options.namespace, at('namespace'), problems);
  if (options.cache !== undefined) checkCache(options.cache, at('cache'), problems);
  if (options.cloudEndpoint !== undefined) checkCloudEndpoint(options.cloudEndpoint, site, at('cloudEndpoint'), problems);
  checkInteger(options.healthPort, 1, 65535, at('healthPort'), problems);
  if (options.healthPath !== undefined && !options.healthPath.startsWith('/')) problems.add(at('healthPath'), `"${options.healthPath}" must start with /`);
  checkEnv(options.env, options.secretEnv, OFFLINE_AGENT_ENV, path, problems);
  checkResources(options.resources, at('resources'), problems);
  checkInteger(options.runAsUser, 1, 2147483647, at('runAsUser'), problems);
}

function checkCache(cache: OfflineCacheOptions, path: string, problems: Problems): void {
  const type = cache.type ?? 'hostPath';
  if (!(CACHE_TYPES as readonly string[]).includes(type)) {
    problems.add(childPath(path, 'type'), `"${type}" is not one of ${CACHE_TYPES.join(', ')}`);
    return;
  }
  const only = (key: 'path' | 'sizeLimit' | 'initImage', wanted: string) => {
    if (cache[key] !== undefined && type !== wanted) problems.add(childPath(path, key), `applies only to cache type ${wanted}; this cache is ${type}`);
  };
  only('path', 'hostPath');
  only('initImage', 'hostPath');
  only('sizeLimit', 'emptyDir');
  if (cache.path !== undefined && (!cache.path.startsWith('/') || cache.path === '/')) {
    problems.add(childPath(path, 'path'), `"${cache.path}" must be an absolute directory on the node, not /`);
  }
  checkStorageSize(cache.sizeLimit, childPath(path, 'sizeLimit'), problems);
  checkImage(cache.initImage, childPath(path, 'initImage'), problems);
}

/** A cloud endpoint: a URL the site's cloud CIDRs can reach. */
export function checkCloudEndpoint(value: string, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const problem = httpUrlProblem(value);
  if (problem) {
    problems.add(path, problem);
  } else if (site.network.cloudCidrs.length === 0) {
    problems.add(path, `site ${site.name} has no network.cloudCidrs, and egress to the cloud is allowed only to them; list the CIDRs of ${new URL(value).hostname}`);
  } else if (urlOutsideCidrs(value, site.network.cloudCidrs)) {
    problems.add(path, `${new URL(value).hostname} is in none of the site's cloud CIDRs (${site.network.cloudCidrs.join(', ')}), the only addresses egress is allowed to`);
  }
}

/** Reads `components.offlineAgent` and checks it with the construct's rules. */
export function readOfflineAgent(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): OfflineAgentOptions | undefined {
  const r = MappingReader.of(value, path, problems, OFFLINE_AGENT_KEYS);
  if (!r) return undefined;
  r.require('image', 'the agent image, pinned to a version');
  const image = r.string('image');
  if (image === undefined) return undefined;
  const options: OfflineAgentOptions = { image };
  assignDefined(options, 'name', r.string('name'));
  assignDefined(options, 'namespace', r.string('namespace'));
  assignDefined(options, 'offlineMode', r.boolean('offlineMode'));
  const cache = r.mapping('cache', CACHE_KEYS);
  if (cache) {
    const read: OfflineCacheOptions = {};
    assignDefined(read, 'type', cache.oneOf('type', CACHE_TYPES));
    assignDefined(read, 'path', cache.string('path'));
    assignDefined(read, 'sizeLimit', cache.string('sizeLimit'));
    assignDefined(read, 'initImage', cache.string('initImage'));
    assignDefined(options, 'cache', read);
  }
  assignDefined(options, 'cloudEndpoint', r.string('cloudEndpoint'));
  assignDefined(options, 'healthPort', r.integer('healthPort', 1, 65535));
  assignDefined(options, 'healthPath', r.string('healthPath'));
  assignDefined(options, 'env', r.stringMap('env'));
  assignDefined(options, 'secretEnv', readSecretEnv(r));
  assignDefined(options, 'resources', readResources(r, 'resources'));
  assignDefined(options, 'runAsUser', r.integer('runAsUser', 1, 2147483647));
  checkOfflineAgentOptions(options, site, path, problems);
  return options;
}
