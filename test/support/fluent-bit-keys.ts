import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UPSTREAM_FIXTURES, unknownKeys, upstreamFields } from './upstream-keys';

/**
 * Strict keys for Fluent Bit's YAML configuration (`fluent-bit.yaml`), against the field lists
 * of the pinned release under `test/fixtures/upstream/fluent-bit/`:
 * - `document-<v>.json`: the top-level sections (an unknown section is silently ignored);
 * - `service-<v>.json`: the `service` keys (an unknown one is silently ignored too);
 * - `input-<v>.json`, `filter-<v>.json`, `output-<v>.json`: the keys every instance of that kind
 *   reads before its plugin (name, match, tls.*, storage.*, net.*…);
 * - `in_<plugin>-<v>.json`, `filter_<plugin>-<v>.json`, `out_<plugin>-<v>.json`: the plugin's
 *   `struct flb_config_map` (an unknown key there stops Fluent Bit at start-up).
 *
 * Fluent Bit compares keys case-insensitively (`strcasecmp`), so the lists are lowercase and
 * every key is lowercased before the lookup. A field ending in `*` is a prefix
 * (`FLB_CONFIG_MAP_STR_PREFIX`, e.g. tail's `parser_*`), matching longer keys only.
 */

const KINDS = [
  { section: 'inputs', kind: 'input', prefix: 'in' },
  { section: 'filters', kind: 'filter', prefix: 'filter' },
  { section: 'outputs', kind: 'output', prefix: 'out' },
] as const;

function keySet(file: string): { exact: Set<string>; prefixes: string[] } {
  const fields = Object.keys(upstreamFields(file).fields as Record<string, unknown>);
  return { exact: new Set(fields.filter((f) => !f.endsWith('*'))), prefixes: fields.filter((f) => f.endsWith('*')).map((f) => f.slice(0, -1)) };
}

function isKnown(key: string, lists: readonly { exact: Set<string>; prefixes: string[] }[]): boolean {
  const k = key.toLowerCase();
  return lists.some((l) => l.exact.has(k) || l.prefixes.some((p) => k.startsWith(p) && k.length > p.length));
}

function lowerKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
}

/** The Fluent Bit release of an image reference (`cr.fluentbit.io/fluent/fluent-bit:3.2.4` → `v3.2.4`). */
export function fluentBitVersion(image: string): string {
  const tag = /:([\w.-]+)$/.exec(image)?.[1];
  if (!tag || !/^\d+\.\d+\.\d+$/.test(tag)) throw new Error(`${image}: not pinned to a release tag`);
  return `v${tag}`;
}

/**
 * Every key of a parsed `fluent-bit.yaml` that Fluent Bit `version` does not read, as paths
 * (`pipeline.outputs[0].storage.total_limit`); a plugin without a field list is reported too,
 * so a new plugin cannot pass unchecked.
 */
export function fluentBitUnknownKeys(config: unknown, version: string): string[] {
  const file = (name: string) => `fluent-bit/${name}-${version}.json`;
  const doc = lowerKeys(config) as Record<string, unknown>;
  const problems = unknownKeys({ ...doc, pipeline: lowerKeys(doc.pipeline) }, upstreamFields(file('document')).fields);
  const service = keySet(file('service'));
  for (const key of Object.keys((doc.service ?? {}) as object)) {
    if (!isKnown(key, [service])) problems.push(`service.${key}`);
  }
  const pipeline = (lowerKeys(doc.pipeline) ?? {}) as Record<string, unknown>;
  for (const { section, kind, prefix } of KINDS) {
    const generic = keySet(file(kind));
    for (const [i, plugin] of ((pipeline[section] ?? []) as Record<string, unknown>[]).entries()) {
      const at = `pipeline.${section}[${i}]`;
      const name = Object.entries(plugin).find(([k]) => k.toLowerCase() === 'name')?.[1];
      const pluginFile = file(`${prefix}_${String(name).toLowerCase()}`);
      if (!existsSync(join(UPSTREAM_FIXTURES, pluginFile))) {
        problems.push(`${at}: no field list for ${kind} plugin "${String(name)}" (add test/fixtures/upstream/${pluginFile})`);
        continue;
      }
      const lists = [generic, keySet(pluginFile)];
      for (const key of Object.keys(plugin)) {
        if (!isKnown(key, lists)) problems.push(`${at}.${key}`);
      }
    }
  }
  return problems;
}
