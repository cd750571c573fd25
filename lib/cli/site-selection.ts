import type { ResolvedSiteSpec } from '../core/spec/site-spec';

/** A CI matrix slice: shard `index` (1-based) of `count`. */
export interface Shard {
  /** 1-based shard number. */
  readonly index: number;
  /** Number of shards. */
  readonly count: number;
}

/** Parses `i/n`; returns an error message when it is not a valid shard. */
export function parseShard(text: string): Shard | string {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) return `--shard "${text}" must be i/n, e.g. 1/4`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) return `--shard "${text}": i must be from 1 to n`;
  return { index, count };
}

/**
 * The shard a site belongs to, from a stable hash of its name: adding or removing a
 * site never moves the others to another shard (so a CI matrix keeps its caches).
 */
export function shardOf(siteName: string, count: number): number {
  // FNV-1a, 32 bit.
  let hash = 0x811c9dc5;
  for (let i = 0; i < siteName.length; i++) {
    hash ^= siteName.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

/** The sites a run works on; `names` and `shard` narrow it. Unknown names are an error. */
export function selectSites(sites: readonly ResolvedSiteSpec[], names: readonly string[] | undefined, shard: Shard | undefined): ResolvedSiteSpec[] | string {
  let selected = [...sites];
  if (names && names.length > 0) {
    const known = new Set(sites.map((s) => s.name));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0) return `--sites names sites the inventory does not have: ${unknown.join(', ')}`;
    const wanted = new Set(names);
    selected = selected.filter((s) => wanted.has(s.name));
  }
  if (shard) selected = selected.filter((s) => shardOf(s.name, shard.count) === shard.index);
  return selected;
}
