import { dns1123SubdomainProblem } from '../../core/validation/names';
import { cidrProblem } from '../../core/validation/network';
import { registryOf } from '../../core/node/registry-mirrors';
import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import { checkResources, readResources } from '../../core/workload/resources';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { TIERS } from '../../core/spec/tier';
import type { RegistryCacheOptions } from '../registry-cache';
import {
  assignDefined, checkCronSchedule, checkDiskRef, checkImage, checkInteger, checkLabelName, checkNamespace, checkPlacement, checkStorageSize,
  checkUsernamePasswordSecret, httpUrlProblem, readUsernamePasswordSecret,
} from '../../core/workload/component-rules';

const REGISTRY_CACHE_KEYS = [
  'name', 'namespace', 'image', 'registry', 'remoteUrl', 'credentials', 'images', 'syncSchedule', 'syncImage', 'storage', 'storageClass', 'disk', 'nodePort', 'mirrorNodes',
  'mirrorEndpoint', 'upstreamCidrs', 'tier', 'node', 'resources', 'runAsUser',
];

/** The rules of a RegistryCache, shared by the construct and the inventory. */
export function checkRegistryCacheOptions(options: RegistryCacheOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  checkLabelName(options.name, at('name'), problems);
  checkNamespace(options.namespace, at('namespace'), problems);
  checkImage(options.image, at('image'), problems);
  if (options.registry !== undefined) {
    const problem = options.registry === '*'
      ? 'a pull-through cache mirrors one registry; name it (docker.io, ghcr.io, ...)'
      : dns1123SubdomainProblem(options.registry.replace(/:\d+$/, ''));
    if (problem) problems.add(at('registry'), problem);
  }
  for (const key of ['remoteUrl', 'mirrorEndpoint'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    const problem = httpUrlProblem(value) ?? (new URL(value).pathname.replace(/\/$/, '') !== '' || new URL(value).search !== ''
      ? `"${value}" must be the root of a registry, without a path or query`
      : undefined);
    if (problem) problems.add(at(key), problem);
  }
  if (options.credentials !== undefined) checkUsernamePasswordSecret(options.credentials, at('credentials'), 'the upstream registry account', problems);
  const registry = options.registry ?? 'docker.io';
  options.images?.forEach((image, i) => {
    const path = childPath(at('images'), i);
    checkImage(image, path, problems);
    if (registryOf(image) !== registry) problems.add(path, `"${image}" pulls from ${registryOf(image)}; this cache keeps images of ${registry}`);
  });
  checkCronSchedule(options.syncSchedule, at('syncSchedule'), problems);
  checkImage(options.syncImage, at('syncImage'), problems);
  checkStorageSize(options.storage, at('storage'), problems);
  checkInteger(options.nodePort, 30000, 32767, at('nodePort'), problems);
  if (options.mirrorEndpoint !== undefined && options.mirrorNodes === false) {
    problems.add(at('mirrorEndpoint'), 'is the address nodes pull through, and mirrorNodes is false');
  }
  if (options.upstreamCidrs !== undefined) {
    if (options.upstreamCidrs.length === 0) problems.add(at('upstreamCidrs'), 'must list at least one CIDR: the cache cannot fill itself without reaching its upstream');
    options.upstreamCidrs.forEach((cidr, i) => {
      const problem = cidrProblem(cidr);
      if (problem) problems.add(childPath(at('upstreamCidrs'), i), problem);
    });
  }
  checkPlacement(options, site, path, problems);
  checkDiskRef(options.disk, site, at('disk'), problems, options);
  checkResources(options.resources, at('resources'), problems);
  checkInteger(options.runAsUser, 1, 2147483647, at('runAsUser'), problems);
}

/** Reads `components.registryCache` and checks it with the construct's rules. */
export function readRegistryCache(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): RegistryCacheOptions | undefined {
  const r = MappingReader.of(value, path, problems, REGISTRY_CACHE_KEYS);
  if (!r) return undefined;
  const options: RegistryCacheOptions = {};
  assignDefined(options, 'name', r.string('name'));
  assignDefined(options, 'namespace', r.string('namespace'));
  assignDefined(options, 'image', r.string('image'));
  assignDefined(options, 'registry', r.string('registry'));
  assignDefined(options, 'remoteUrl', r.string('remoteUrl'));
  assignDefined(options, 'credentials', readUsernamePasswordSecret(r, 'credentials'));
  assignDefined(options, 'images', r.stringList('images'));
  assignDefined(options, 'syncSchedule', r.string('syncSchedule'));
  assignDefined(options, 'syncImage', r.string('syncImage'));
  assignDefined(options, 'storage', r.string('storage'));
  assignDefined(options, 'storageClass', r.string('storageClass'));
  assignDefined(options, 'disk', r.string('disk'));
  assignDefined(options, 'nodePort', r.integer('nodePort', 30000, 32767));
  assignDefined(options, 'mirrorNodes', r.boolean('mirrorNodes'));
  assignDefined(options, 'mirrorEndpoint', r.string('mirrorEndpoint'));
  assignDefined(options, 'upstreamCidrs', r.stringList('upstreamCidrs'));
  assignDefined(options, 'tier', r.oneOf('tier', TIERS));
  assignDefined(options, 'node', r.string('node'));
  assignDefined(options, 'resources', readResources(r, 'resources'));
  assignDefined(options, 'runAsUser', r.integer('runAsUser', 1, 2147483647));
  checkRegistryCacheOptions(options, site, path, problems);
  return options;
}
