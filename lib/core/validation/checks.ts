import { isIP } from 'node:net';
import { dns1123SubdomainProblem } from './names';

/** Value checks of the cluster and node settings, each returning why a value is wrong, or undefined. */

/** A URL with one of the protocols and a host. */
export function urlProblem(value: string, protocols: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL (e.g. ${protocols[0]}//host:port)`;
  }
  if (!protocols.includes(url.protocol)) return `"${value}" must use ${protocols.map((p) => p.replace(':', '')).join(' or ')}`;
  if (!url.hostname) return `"${value}" has no host`;
  return undefined;
}

/** An absolute path on a node. */
export function absolutePathProblem(value: string): string | undefined {
  return value.startsWith('/') ? undefined : `"${value}" must be an absolute path on the node`;
}

/** A host: a DNS name or an IP address, without scheme or port. */
export function hostProblem(value: string): string | undefined {
  if (isIP(value) !== 0 || !dns1123SubdomainProblem(value)) return undefined;
  return `"${value}" is not a host: give a DNS name or an IP address, without scheme or port (e.g. api.store-7.example.com or 10.0.0.5)`;
}

/** A host with an optional port (`registry.local:5000`, `10.0.0.5`), without scheme. */
export function hostPortProblem(value: string): string | undefined {
  if (isIP(value) !== 0) return undefined;
  const match = /^(.*?)(?::(\d{1,5}))?$/.exec(value)!;
  const [, host, port] = match;
  const bad = (isIP(host) === 0 && dns1123SubdomainProblem(host) !== undefined) || (port !== undefined && (Number(port) < 1 || Number(port) > 65535));
  return bad ? `"${value}" is not a host with an optional port, without scheme (e.g. s3.example.com or minio.local:9000)` : undefined;
}

/** The URL of a host and port: IPv6 addresses in brackets. */
export function hostUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** `host:port`, IPv6 addresses in brackets. */
export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 6 },
];

/** A 5-field cron expression of numbers, ranges, steps and lists, e.g. `0 3 * * *` or `30 2 * * 1-5`. */
export function cronProblem(value: string): string | undefined {
  const fields = value.trim().split(/\s+/);
  const rule = '5 fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *"';
  if (fields.length !== 5) return `"${value}" is not a cron schedule (${rule})`;
  for (const [i, field] of fields.entries()) {
    const { name, min, max } = CRON_FIELDS[i];
    for (const part of field.split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      const numbers = match ? [match[2], match[3]].filter((n) => n !== undefined).map(Number) : [];
      const step = match?.[4] !== undefined ? Number(match[4]) : undefined;
      if (!match || numbers.some((n) => n < min || n > max) || (numbers.length === 2 && numbers[0] > numbers[1]) || step === 0) {
        return `"${value}" is not a cron schedule: the ${name} field "${field}" must be *, numbers from ${min} to ${max}, ranges, steps or lists (${rule})`;
      }
    }
  }
  return undefined;
}
