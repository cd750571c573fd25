import type { AppResources } from '../site/edge-app';
import type { ComputeResources, ContainerBudget } from '../spec/tier';
import { childPath, Problems } from '../validation/problems';
import { formatBytes, formatCpuMillis, parseBytes, parseCpuMillis } from '../validation/quantity';
import type { MappingReader } from '../validation/reader';

/**
 * User-given container resources (any of requests/limits × cpu/memory), shared by
 * every construct that runs a container: read from the inventory, checked, and
 * completed from the tier budget in one place.
 */

/**
 * The budget a container gets: what the user gave, the rest from the tier budget,
 * raised to `floor` where given (for agents whose working set is larger than a
 * micro tier's default container; the user's own values are never raised).
 */
export function resolveBudget(resources: AppResources | undefined, tierBudget: ContainerBudget, floor?: ContainerBudget): ContainerBudget {
  const pick = (section: 'requests' | 'limits', resource: 'cpu' | 'memory'): string => {
    const own = resources?.[section]?.[resource];
    if (own !== undefined) return own;
    const tier = tierBudget[section][resource];
    const minimum = floor?.[section][resource];
    if (minimum === undefined) return tier;
    const parse = resource === 'cpu' ? parseCpuMillis : parseBytes;
    return parse(minimum)! > parse(tier)! ? minimum : tier;
  };
  return {
    requests: { cpu: pick('requests', 'cpu'), memory: pick('requests', 'memory') },
    limits: { cpu: pick('limits', 'cpu'), memory: pick('limits', 'memory') },
  };
}

/** What a pod of several containers asks for and may use: the sum of their budgets (the capacity check counts the pod). */
export function podBudget(containers: readonly ContainerBudget[]): ContainerBudget {
  const add = (pick: (b: ContainerBudget) => ComputeResources): ComputeResources => ({
    cpu: formatCpuMillis(containers.reduce((n, b) => n + parseCpuMillis(pick(b).cpu)!, 0)),
    memory: formatBytes(containers.reduce((n, b) => n + parseBytes(pick(b).memory)!, 0)),
  });
  return { requests: add((b) => b.requests), limits: add((b) => b.limits) };
}

/** Checks user-given resources at `path` (the resources field): positive quantities, requests not above limits. */
export function checkResources(resources: AppResources | undefined, path: string, problems: Problems): void {
  const parsed: Record<string, number> = {};
  for (const section of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory'] as const) {
      const value = resources?.[section]?.[resource];
      if (value === undefined) continue;
      const amount = resource === 'cpu' ? parseCpuMillis(value) : parseBytes(value);
      const where = childPath(childPath(path, section), resource);
      if (amount === undefined || amount <= 0) problems.add(where, `"${value}" is not a positive ${resource} quantity (e.g. ${resource === 'cpu' ? '250m or 1' : '128Mi or 1Gi'})`);
      else parsed[`${section}.${resource}`] = amount;
    }
  }
  for (const resource of ['cpu', 'memory'] as const) {
    const request = parsed[`requests.${resource}`];
    const limit = parsed[`limits.${resource}`];
    if (request !== undefined && limit !== undefined && request > limit) {
      problems.add(childPath(childPath(path, 'requests'), resource), `request ${resources?.requests?.[resource]} is above the limit ${resources?.limits?.[resource]}`);
    }
  }
}

/** Reads `{ requests: { cpu, memory }, limits: { cpu, memory } }` under `key` of an inventory mapping. */
export function readResources(r: MappingReader, key: string): AppResources | undefined {
  const section = r.mapping(key, ['requests', 'limits']);
  if (!section) return undefined;
  const read = (name: string) => {
    const s = section.mapping(name, ['cpu', 'memory']);
    if (!s) return undefined;
    const cpu = s.string('cpu');
    const memory = s.string('memory');
    return { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) };
  };
  const requests = read('requests');
  const limits = read('limits');
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}
