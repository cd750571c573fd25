import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { unpinnedImageProblem } from './image';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../validation/names';
import { childPath, Problems } from '../validation/problems';
import { parseBytes } from '../validation/quantity';
import { MappingReader } from '../validation/reader';
import type { SecretKeyReference } from '../site/edge-app';
import type { ResolvedSiteSpec } from '../spec/site-spec';
import type { Tier } from '../spec/tier';
import type { UsernamePasswordSecret } from '../../data/edge-database';

export { checkNodePlacement as checkPlacement } from '../validation/edge-app-rules';
export { readSecretEnv } from '../validation/read-app';

/**
 * Rules and inventory readers shared by the data and offline components. Each
 * component's rule function calls these, and both its constructor and its
 * inventory reader call that rule function, so code and YAML get the same answer.
 */

/** Where a component's pods run. */
export interface ComponentPlacement {
  readonly tier?: Tier;
  readonly node?: string;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The tier the pods run on: the pinned node's, else the given one, else the site's. */
export function placementTier(options: ComponentPlacement, site: ResolvedSiteSpec): Tier {
  const node = site.nodes.find((n) => n.name === options.node);
  return node?.tier ?? options.tier ?? site.tier;
}


/**
 * A reference `<node>/<disk>` to a declared disk of the site; when the component's
 * pods are placed (`placement`), the disk's node must be one they may run on.
 */
export function checkDiskRef(ref: string | undefined, site: ResolvedSiteSpec, path: string, problems: Problems, placement?: ComponentPlacement): void {
  if (ref === undefined) return;
  const [nodeName, diskName, ...rest] = ref.split('/');
  if (diskName === undefined || rest.length > 0) {
    problems.add(path, `"${ref}" must name a declared disk as <node>/<disk>`);
    return;
  }
  const node = site.nodes.find((n) => n.name === nodeName);
  if (!node) {
    problems.add(path, `node "${nodeName}" is not a node of site ${site.name}; nodes: ${site.nodes.map((n) => n.name).join(', ')}`);
  } else if (!node.disks.some((d) => d.name === diskName)) {
    problems.add(path, `node ${nodeName} declares no disk "${diskName}"; its disks: ${node.disks.map((d) => d.name).join(', ') || 'none'}`);
  } else if (placement && placement.node !== undefined && placement.node !== nodeName) {
    problems.add(path, `is on node ${nodeName}, but the pods are pinned to node ${placement.node}`);
  } else if (placement && placement.node === undefined && node.tier !== placementTier(placement, site)) {
    problems.add(path, `is on node ${nodeName} of tier ${node.tier}, but the pods run on tier ${placementTier(placement, site)}`);
  }
}

/** The node a disk reference points at. */
export function diskNode(ref: string | undefined): string | undefined {
  return ref?.split('/')[0];
}

/** A Kubernetes object name (DNS-1123 label). */
export function checkLabelName(value: string | undefined, path: string, problems: Problems): void {
  const problem = value === undefined ? undefined : dns1123LabelProblem(value);
  if (problem) problems.add(path, problem);
}

// Kubernetes owns these: a site never creates them (nor their default-deny policies).
const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A namespace the site may create: a DNS-1123 label that Kubernetes does not own. */
export function checkNamespace(value: string | undefined, path: string, problems: Problems): void {
  if (value !== undefined && RESERVED_NAMESPACES.includes(value)) problems.add(path, `"${value}" belongs to Kubernetes; edge components run in their own namespaces`);
  else checkLabelName(value, path, problems);
}

/** A pinned image (exact tag or digest, never latest). */
export function checkImage(value: string | undefined, path: string, problems: Problems): void {
  const problem = value === undefined ? undefined : unpinnedImageProblem(value);
  if (problem) problems.add(path, problem);
}

// Five cron fields of numbers, ranges, lists, steps or '*' (what the CronJob controller parses).
const CRON = /^(\S+\s+){4}\S+$/;
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** A CronJob schedule. */
export function checkCronSchedule(value: string | undefined, path: string, problems: Problems): void {
  if (value === undefined) return;
  const fields = value.trim().split(/\s+/);
  if (!CRON.test(value.trim()) || !fields.every((f) => CRON_FIELD.test(f))) {
    problems.add(path, `"${value}" is not a cron schedule of five fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`);
  }
}

/** A positive storage quantity such as `10Gi`. */
export function checkStorageSize(value: string | undefined, path: string, problems: Problems): void {
  if (value === undefined) return;
  const bytes = parseBytes(value);
  if (bytes === undefined || bytes <= 0) problems.add(path, `"${value}" is not a positive storage quantity (e.g. 10Gi or 500Mi)`);
}

/** A whole number in a range. */
export function checkInteger(value: number | undefined, min: number, max: number, path: string, problems: Problems): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    problems.add(path, `must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

/** A reference to a key of an existing Secret. */
export function checkSecretKeyRef(ref: SecretKeyReference, path: string, problems: Problems): void {
  const nameProblem = dns1123SubdomainProblem(ref.secretName);
  if (nameProblem) problems.add(childPath(path, 'secretName'), nameProblem);
  if (!SECRET_KEY.test(ref.key)) problems.add(childPath(path, 'key'), `"${ref.key}" is not a valid Secret key (letters, digits, '-', '_' or '.')`);
}

/** Plain and secret environment variables: valid names, each set once. */
export function checkEnv(env: Readonly<Record<string, string>> | undefined, secretEnv: Readonly<Record<string, SecretKeyReference>> | undefined,
  reserved: readonly string[], path: string, problems: Problems): void {
  const seen = new Set<string>(reserved);
  for (const [section, names] of [['env', Object.keys(env ?? {})], ['secretEnv', Object.keys(secretEnv ?? {})]] as const) {
    for (const name of names) {
      const at = childPath(childPath(path, section), name);
      if (!ENV_NAME.test(name)) problems.add(at, `"${name}" is not a valid environment variable name`);
      else if (reserved.includes(name)) problems.add(at, `"${name}" is set by the component itself; use its own option`);
      else if (seen.has(name)) problems.add(at, `"${name}" is set in both env and secretEnv`);
      seen.add(name);
    }
  }
  for (const [name, ref] of Object.entries(secretEnv ?? {})) checkSecretKeyRef(ref, childPath(childPath(path, 'secretEnv'), name), problems);
}

/** A Secret holding a user name and a password: a valid name, two different valid keys. */
export function checkUsernamePasswordSecret(secret: UsernamePasswordSecret | undefined, path: string, what: string, problems: Problems): void {
  if (secret === undefined) {
    problems.add(path, `is required: the name of an existing Secret holding ${what} (keys username and password unless told otherwise); the values never enter the output`);
    return;
  }
  const nameProblem = dns1123SubdomainProblem(secret.secretName);
  if (nameProblem) problems.add(childPath(path, 'secretName'), nameProblem);
  for (const [field, key] of [['usernameKey', secret.usernameKey], ['passwordKey', secret.passwordKey]] as const) {
    if (key !== undefined && !SECRET_KEY.test(key)) problems.add(childPath(path, field), `"${key}" is not a valid Secret key (letters, digits, '-', '_' or '.')`);
  }
  if ((secret.usernameKey ?? 'username') === (secret.passwordKey ?? 'password')) {
    problems.add(childPath(path, 'passwordKey'), 'must differ from usernameKey: the user name and the password are two keys of the Secret');
  }
}

/** Why a URL is not an http(s) URL with a host, or undefined. */
export function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL (e.g. https://sync.example.com)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${value}" must use https or http`;
  if (!url.hostname) return `"${value}" has no host`;
  return undefined;
}

/** The TCP port a http(s) URL connects to. */
export function urlPort(value: string): number {
  const url = new URL(value);
  return url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
}

/** Whether the URL names an IP address outside every CIDR (a host name cannot be checked here). */
export function urlOutsideCidrs(value: string, cidrs: readonly string[]): boolean {
  const host = new URL(value).hostname.replace(/^\[|\]$/g, '');
  const family = isIPv4(host) ? 'ipv4' : isIPv6(host) ? 'ipv6' : undefined;
  if (!family) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/');
    list.addSubnet(address, Number(prefix), isIPv4(address) ? 'ipv4' : 'ipv6');
  }
  return !list.check(host, family);
}

/** Reads `{ secretName, usernameKey?, passwordKey? }` under a key. */
export function readUsernamePasswordSecret(r: MappingReader, key: string): UsernamePasswordSecret | undefined {
  const m = r.mapping(key, ['secretName', 'usernameKey', 'passwordKey']);
  if (!m) return undefined;
  m.require('secretName', 'the name of an existing Secret');
  const secretName = m.string('secretName');
  if (secretName === undefined) return undefined;
  const secret: UsernamePasswordSecret = { secretName };
  assignDefined(secret, 'usernameKey', m.string('usernameKey'));
  assignDefined(secret, 'passwordKey', m.string('passwordKey'));
  return secret;
}


/** Reads a mapping block, or a list of them (a single mapping counts as a list of one). */
export function readOneOrMany<T>(value: unknown, path: string, problems: Problems, read: (item: unknown, path: string) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) {
    const one = read(value, path);
    return one === undefined ? undefined : [one];
  }
  const items = value.map((item, index) => read(item, childPath(path, index)));
  if (items.length === 0) problems.add(path, 'must not be an empty list; remove the key instead');
  return items.filter((item): item is T => item !== undefined);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Sets an optional field only when it was read, so the output has no undefined keys. */
export function assignDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) (target as Mutable<T>)[key] = value;
}
