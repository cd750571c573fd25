/**
 * Turns Kubernetes OpenAPI and CRD schemas into strict JSON Schema (draft-07) for Ajv: unknown
 * fields become errors the way `kubeconform -strict` and the API server's structural-schema
 * pruning see them.
 */
import { isObj } from './schema-util';

/** Schema keywords kept; everything else (description, default, x-kubernetes-*, ...) is dropped. */
const KEPT_KEYWORDS = new Set([
  '$ref', 'type', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'const', 'format', 'pattern',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'allOf', 'anyOf', 'oneOf', 'not',
]);

/** What `IntOrString` fields accept. */
export const INT_OR_STRING = { oneOf: [{ type: 'string' }, { type: 'integer' }] };

/** What `Quantity` fields accept (the API server also takes plain numbers). */
export const QUANTITY = { oneOf: [{ type: 'string' }, { type: 'number' }] };

/** How {@link strictSchema} transforms a schema. */
export interface StrictOptions {
  /** CRD structural-schema rules (nullable, x-kubernetes-int-or-string, preserve-unknown-fields, ...). */
  readonly crd: boolean;
  /** Collects every `format` seen, so unknown ones can be registered as no-ops. */
  readonly formats: Set<string>;
}

/**
 * A strict copy of a schema: every object schema that lists `properties` and says nothing about
 * `additionalProperties` gets `additionalProperties: false` (not next to a `$ref`, whose target
 * is made strict itself, and not inside allOf/anyOf/oneOf/not, whose `properties` only add value
 * checks to the enclosing schema's fields). In CRD mode, an object with no `properties` is also
 * closed (the API server prunes every field of it), unless it preserves unknown fields.
 */
export function strictSchema(s: any, o: StrictOptions, inJunctor = false): any {
  if (!isObj(s)) return s;
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(s)) {
    if (!KEPT_KEYWORDS.has(key)) continue;
    switch (key) {
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strictSchema(v, o, inJunctor)]));
        break;
      case 'items':
        out.items = Array.isArray(value) ? value.map((v) => strictSchema(v, o, inJunctor)) : strictSchema(value, o, inJunctor);
        break;
      case 'additionalProperties':
        out.additionalProperties = isObj(value) ? strictSchema(value, o, inJunctor) : value;
        break;
      case 'allOf': case 'anyOf': case 'oneOf':
        out[key] = (value as any[]).map((v) => strictSchema(v, o, true));
        break;
      case 'not':
        out.not = strictSchema(value, o, true);
        break;
      case 'format':
        if (typeof value === 'string') o.formats.add(value);
        out.format = value;
        break;
      default:
        out[key] = value;
    }
  }
  if (out.format === 'int-or-string') {
    delete out.format;
    delete out.type;
    Object.assign(out, INT_OR_STRING);
  }
  if (o.crd) applyStructuralRules(s, out);
  for (const bound of ['exclusiveMinimum', 'exclusiveMaximum'] as const) {
    // OpenAPI v3.0 booleans -> JSON Schema draft-07 numbers.
    if (typeof out[bound] === 'boolean') {
      const limit = bound === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (out[bound] && out[limit] !== undefined) {
        out[bound] = out[limit];
        delete out[limit];
      } else delete out[bound];
    }
  }
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const isObjectSchema = out.properties !== undefined || (o.crd && s.type === 'object');
  if (isObjectSchema && out.additionalProperties === undefined && out.$ref === undefined && !inJunctor && !preserve) {
    out.additionalProperties = false;
  }
  return out;
}

function applyStructuralRules(src: Record<string, any>, out: Record<string, any>): void {
  if (src['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    if (!out.anyOf && !out.oneOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (src['x-kubernetes-embedded-resource'] === true && isObj(out.properties)) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: CRD_METADATA, ...out.properties };
  }
  if (src.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
}

/** What a custom resource's `metadata` is checked against: ObjectMeta's fields, labels and annotations as strings. */
export const CRD_METADATA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: { type: 'array', items: { type: 'object' } },
    managedFields: { type: 'array', items: { type: 'object' } },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    selfLink: { type: 'string' },
    creationTimestamp: { type: ['string', 'null'] },
    deletionTimestamp: { type: 'string' },
    deletionGracePeriodSeconds: { type: 'integer' },
    generation: { type: 'integer' },
  },
  additionalProperties: false,
};
