/**
 * Human messages for schema errors: `Deployment edge-system/foo: spec.replicas: must be integer
 * (got string)`, with the failed branches of a oneOf/anyOf folded into one message, plus the
 * checks every object gets whatever its schema (name, label syntax).
 */
import type { ErrorObject } from 'ajv';
import { isObj } from './schema-util';

/**
 * How an object is named in messages: `Deployment edge-system/foo`, `Namespace edge-system`,
 * `ConfigMap <unnamed>`, `<no kind> <unnamed>`.
 *
 * @param obj any value, usually a Kubernetes object
 */
export function describeObject(obj: any): string {
  const kind = isObj(obj) && typeof obj.kind === 'string' ? obj.kind : '<no kind>';
  const meta = isObj(obj) && isObj(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '<unnamed>';
  return `${kind} ${typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : ''}${name}`;
}

/** A JSON pointer into `root` as a field path: `spec.template.spec.containers[0].image`, `metadata.labels[app.kubernetes.io/name]`. */
function fieldPath(root: any, pointer: string, extra?: string): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) segments.push(extra);
  let out = '';
  let node = root;
  for (const seg of segments) {
    if (Array.isArray(node)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${seg}]`;
    node = node === null || node === undefined ? undefined : node[seg];
  }
  return out === '' ? '(root)' : out;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function shortJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Human messages from Ajv errors, each `<prefix>: <field path>: <what is wrong>`; a failed oneOf/anyOf is one message. */
export function formatErrors(prefix: string, root: any, errors: readonly ErrorObject[]): string[] {
  const junctions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const messages = new Set<string>();
  for (const e of errors) {
    const isBranch = junctions.some((j) => j !== e
      && e.schemaPath.startsWith(`${j.schemaPath}/`)
      && (e.instancePath === j.instancePath || e.instancePath.startsWith(`${j.instancePath}/`)));
    if (isBranch) continue;
    messages.add(`${prefix}: ${errorMessage(root, e)}`);
  }
  return [...messages];
}

function errorMessage(root: any, e: ErrorObject): string {
  const at = fieldPath(root, e.instancePath);
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${fieldPath(root, e.instancePath, p.additionalProperty)}: unknown field`;
    case 'required':
      return `${fieldPath(root, e.instancePath, p.missingProperty)}: required field missing`;
    case 'type':
      return `${at}: must be ${([] as unknown[]).concat(p.type).join(' or ')} (got ${jsonType(e.data)})`;
    case 'enum':
      return `${at}: must be one of ${(p.allowedValues as unknown[]).map((v) => shortJson(v)).join(', ')} (got ${shortJson(e.data)})`;
    case 'format':
      return `${at}: must be a valid ${p.format} (got ${shortJson(e.data)})`;
    case 'oneOf':
    case 'anyOf': {
      const types = Array.isArray(e.schema) ? e.schema.map((b: any) => (isObj(b) ? b.type : undefined)) : [];
      return types.length && types.every((t) => typeof t === 'string')
        ? `${at}: must be ${types.join(' or ')} (got ${jsonType(e.data)})`
        : `${at}: must match ${e.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of the allowed schemas (got ${shortJson(e.data)})`;
    }
    default:
      return `${at}: ${e.message ?? e.keyword} (got ${shortJson(e.data)})`;
  }
}

/**
 * The first checks of any object: it is an object with an apiVersion and a kind. Returns the
 * error (prefixed with the object) or undefined when the object can be routed to a schema.
 */
export function identityError(prefix: string, obj: unknown): string | undefined {
  if (!isObj(obj)) return `${prefix}: not an object`;
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return `${prefix}: apiVersion and kind are required`;
  return undefined;
}

/** Checks that hold for every object whatever its schema: a name, and label keys and values the API server accepts. */
export function commonChecks(prefix: string, obj: Record<string, any>): string[] {
  const errors: string[] = [];
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  if (!(typeof meta.name === 'string' && meta.name) && !(typeof meta.generateName === 'string' && meta.generateName)) {
    errors.push(`${prefix}: metadata.name: required field missing`);
  }
  const labels = isObj(meta.labels) ? meta.labels : {};
  for (const [key, value] of Object.entries(labels)) {
    if (!validLabelKey(key)) errors.push(`${prefix}: metadata.labels[${key}]: invalid label key (DNS subdomain prefix/ + name of at most 63 characters)`);
    if (typeof value === 'string' && !validLabelValue(value)) {
      errors.push(`${prefix}: metadata.labels[${key}]: invalid label value ${shortJson(value)} (at most 63 characters, alphanumerics, '-', '_', '.', starting and ending alphanumeric)`);
    }
  }
  return errors;
}

function validLabelValue(value: string): boolean {
  return value.length <= 63 && /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value);
}

function validLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const nameOk = name.length > 0 && name.length <= 63 && /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
  const prefixOk = prefix === undefined
    || (prefix.length <= 253 && /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/.test(prefix));
  return nameOk && prefixOk;
}
