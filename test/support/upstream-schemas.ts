import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { UPSTREAM_FIXTURES } from './upstream-keys';

/**
 * A JSON Schema a program validates its configuration with, copied verbatim from the pinned
 * upstream source (Falco embeds its schemas as C string literals), kept as a fixture under
 * `test/fixtures/upstream/`:
 *
 * ```json
 * { "source": "falcosecurity/falco@0.44.1:userspace/falco/config_json_schema.h", "schema": { ... } }
 * ```
 *
 * Where field lists ({@link ./upstream-keys}) name only keys, a schema also fixes types, enums
 * and required keys, so it is used whole rather than reduced to a field list.
 */
export interface UpstreamSchema {
  /** `owner/repo@tag:path[, path…]`: where the schema was read (a tag may hold '/', as plugin tags do). */
  readonly source: string;
  readonly schema: Record<string, unknown>;
}

/** Reads a schema fixture, e.g. `upstreamSchema('falco/config-schema-0.44.1.json')`. */
export function upstreamSchema(file: string): UpstreamSchema {
  const fixture = JSON.parse(readFileSync(join(UPSTREAM_FIXTURES, file), 'utf8')) as UpstreamSchema;
  if (!/^[\w.-]+\/[\w.-]+@[\w.+/-]+:\S/.test(fixture.source)) throw new Error(`${file}: source must be owner/repo@tag:path, got ${fixture.source}`);
  if (typeof fixture.schema !== 'object' || fixture.schema === null) throw new Error(`${file}: no schema`);
  return fixture;
}

// Draft-04 and draft-06 schemas (Falco's) use only keywords Ajv's draft-07 reads the same way;
// the meta-schema is not checked because it is upstream's, not ours.
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, addUsedSchema: false, logger: false });
const compiled = new Map<string, ValidateFunction>();

/** What is wrong with `value` under the schema of fixture `file`, as `path: message` lines; empty when it is valid. */
export function schemaProblems(file: string, value: unknown): string[] {
  let validate = compiled.get(file);
  if (!validate) {
    validate = ajv.compile(upstreamSchema(file).schema);
    compiled.set(file, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${e.instancePath || '/'}: ${e.message}${extra}`;
  });
}
