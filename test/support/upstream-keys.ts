import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The field list of a config format at a pinned upstream version, kept as a fixture under
 * `test/fixtures/upstream/` that names where it was read:
 *
 * ```json
 * { "source": "kubeedge/kubeedge@v1.21.0:pkg/apis/componentconfig/edgecore/v1alpha2/types.go",
 *   "fields": { "modules": { "edgeStream": { "enable": true, "server": true } }, "labels": "*", "mounts": [{ "path": true }] } }
 * ```
 *
 * A field is `true` (a leaf: any value), an object (its own fields), `"*"` (a map with any keys
 * and any values), `{ "*": <field> }` (a map whose values all have that shape) or `[<field>]`
 * (a list of that shape).
 */
export interface UpstreamFields {
  /** `owner/repo@tag:path[, path…]`: where the field list was read. */
  readonly source: string;
  readonly fields: FieldShape;
}
export type FieldShape = true | '*' | readonly FieldShape[] | { readonly [key: string]: FieldShape };

/** The folder of the upstream field lists. */
export const UPSTREAM_FIXTURES = join(__dirname, '..', 'fixtures', 'upstream');

/** Reads a field list fixture, e.g. `upstreamFields('kubeedge/edgecore-v1.21.0.json')`. */
export function upstreamFields(file: string): UpstreamFields {
  const fixture = JSON.parse(readFileSync(join(UPSTREAM_FIXTURES, file), 'utf8')) as UpstreamFields;
  if (!/^[\w.-]+\/[\w.-]+@[\w.+-]+:\S/.test(fixture.source)) throw new Error(`${file}: source must be owner/repo@tag:path, got ${fixture.source}`);
  return fixture;
}

/**
 * Every key of `config` that the field list does not have, as dotted paths (`modules.edgeStream.tunnelServer`);
 * empty when every key written is one the program reads.
 */
export function unknownKeys(config: unknown, shape: FieldShape, path = ''): string[] {
  if (shape === true || shape === '*') return [];
  if (Array.isArray(shape)) {
    if (!Array.isArray(config)) return [];
    return config.flatMap((item, i) => unknownKeys(item, shape[0], `${path}[${i}]`));
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return [];
  const fields = shape as { readonly [key: string]: FieldShape };
  const anyKey = fields['*'];
  return Object.entries(config as Record<string, unknown>).flatMap(([key, value]) => {
    const at = path === '' ? key : `${path}.${key}`;
    const field = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : anyKey;
    return field === undefined ? [at] : unknownKeys(value, field, at);
  });
}
