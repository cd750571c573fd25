import type { EdgeAppOptions } from '../site/edge-app';
import { readApp } from './read-app';
import { Problems } from './problems';

/**
 * Reads the EdgeApp options a workload shares (ports, probes, resources, env, ...)
 * with EdgeApp's own inventory reader, so they are read and reported exactly like
 * an app's. Only `keys` are passed on; the caller reads its own keys and reports
 * unknown ones over the whole mapping.
 */
export function readAppPart(value: unknown, path: string, problems: Problems, keys: readonly string[]): EdgeAppOptions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const part = Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key)));
  return readApp(part, path, problems);
}
