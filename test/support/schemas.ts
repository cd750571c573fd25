/**
 * Strict schema validation of synthesized Kubernetes objects, for tests.
 *
 * - {@link KubernetesSchemas}: the built-in API of one Kubernetes minor, made strict the way
 *   `kubeconform -strict` does (unknown fields are errors), from `<k8s-schemas>/v<minor>/_definitions.json`.
 * - {@link CrdSchemas}: every CustomResourceDefinition under the CRD folder, with the API server's
 *   structural-schema rules (unknown fields are errors unless `x-kubernetes-preserve-unknown-fields`).
 * - {@link validateObjects}: routes each object to the right validator(s).
 * - {@link readSiteObjects}: reads a synthesized `dist/sites/<site>/` folder.
 *
 * Loaded schemas and compiled validators are cached at module level: each schema file is read
 * once per process (per jest test file) and each apiVersion/kind compiled once.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as yaml from 'js-yaml';

/** Where the schema folders are. */
export interface SchemaRoots {
  /** Folder holding `v<minor>/_definitions.json` (env `EDGE_K8S_SCHEMAS_DIR`). */
  readonly k8sSchemas: string;
  /** Folder holding the CRD YAML files (env `EDGE_CRDS_DIR`). */
  readonly crds: string;
}

/** The repository root, found from this file (not from the working directory). */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The schema folders: from the environment, else `<repo>/../shared/k8s-schemas` and `<repo>/../shared/crds`. */
export function schemaRoots(): SchemaRoots {
  return {
    k8sSchemas: path.resolve(process.env.EDGE_K8S_SCHEMAS_DIR || path.join(REPO_ROOT, '..', 'shared', 'k8s-schemas')),
    crds: path.resolve(process.env.EDGE_CRDS_DIR || path.join(REPO_ROOT, '..', 'shared', 'crds')),
  };
}

/** Why schema validation cannot run (which folder is missing), or undefined when both folders exist. */
export function missingSchemaReason(): string | undefined {
  const roots = schemaRoots();
  const missing: string[] = [];
  if (!isDir(roots.k8sSchemas)) missing.push(`Kubernetes schemas folder ${roots.k8sSchemas} (set EDGE_K8S_SCHEMAS_DIR)`);
  if (!isDir(roots.crds)) missing.push(`CRD folder ${roots.crds} (set EDGE_CRDS_DIR)`);
  return missing.length ? `missing ${missing.join(' and ')}` : undefined;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ----------------------------------------------------------------------------------------------
// Schema transformation

/** Schema keywords kept; everything else (description, default, x-kubernetes-*, ...) is dropped. */
const KEPT_KEYWORDS = new Set([
  '$ref', 'type', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'const', 'format', 'pattern',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'allOf', 'anyOf', 'oneOf', 'not',
]);

const INT_OR_STRING = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
const QUANTITY = { oneOf: [{ type: 'string' }, { type: 'number' }] };

interface StrictOptions {
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
function strictSchema(s: any, o: StrictOptions, inJunctor = false): any {
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
const CRD_METADATA = {
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

// ----------------------------------------------------------------------------------------------
// Ajv

const INT32 = { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 };
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CIDR = /^(?:(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\/\d{1,3})$/;

/**
 * Go regular expressions (RE2) as JavaScript ones: `(?i)` becomes the i flag and `\pL` becomes
 * `\p{L}`. A pattern JavaScript cannot compile accepts everything rather than failing the load.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string) => {
    let source = pattern;
    let f = flags;
    const ci = /^(\^?)\(\?i\)/.exec(source);
    if (ci) {
      source = ci[1] + source.slice(ci[0].length);
      f += 'i';
    }
    source = source.replace(/(^|[^\\])\\([pP])([A-Z])/g, '$1\\$2{$3}');
    for (const attempt of [f, f.replace('u', '')]) {
      try {
        return new RegExp(source, attempt);
      } catch {
        // try the next flags
      }
    }
    return { test: () => true };
  },
  { code: 'goRegExp' },
);

function newAjv(crd: boolean, formats: Set<string>): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    validateSchema: false,
    addUsedSchema: false,
    logger: false,
    code: { regExp: goRegExp },
  });
  // The formats the API server checks; every other format (idn-hostname, int64, double, ...) is accepted as is.
  const known: Record<string, any> = {
    'byte': BASE64,
    'date-time': DATE_TIME,
    'date': DATE,
    ...(crd ? { cidr: CIDR } : { int32: INT32 }),
  };
  for (const name of new Set([...formats, ...Object.keys(known)])) {
    ajv.addFormat(name, known[name] ?? true);
  }
  return ajv;
}

// ----------------------------------------------------------------------------------------------
// Error messages

/** `Deployment edge-system/foo`, `Namespace edge-system`, `ConfigMap <unnamed>`. */
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

/** Human messages from Ajv errors; the branch errors of a failed oneOf/anyOf fold into one message. */
function formatErrors(prefix: string, root: any, errors: readonly ErrorObject[]): string[] {
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

/** Checks that hold for every object whatever its schema: identity and label syntax. */
function commonChecks(prefix: string, obj: Record<string, any>): string[] {
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

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

// ----------------------------------------------------------------------------------------------
// Kubernetes built-in API

const k8sCache = new Map<string, KubernetesSchemas>();

/** The strict schemas of one Kubernetes minor's built-in API. Load with {@link KubernetesSchemas.load}. */
export class KubernetesSchemas {
  /**
   * The schemas of a Kubernetes minor ('1.25' or 'v1.25'), read once per process and folder.
   *
   * @param minor the Kubernetes minor version
   * @param dir the folder holding `v<minor>/_definitions.json`; default {@link schemaRoots}().k8sSchemas
   */
  public static load(minor: string, dir: string = schemaRoots().k8sSchemas): KubernetesSchemas {
    const m = /^v?(1\.\d+)$/.exec(minor);
    if (!m) throw new Error(`invalid Kubernetes minor ${JSON.stringify(minor)}: expected e.g. '1.25'`);
    const file = path.join(dir, `v${m[1]}`, '_definitions.json');
    let schemas = k8sCache.get(file);
    if (!schemas) {
      schemas = new KubernetesSchemas(m[1], file);
      k8sCache.set(file, schemas);
    }
    return schemas;
  }

  /** The Kubernetes minor, e.g. '1.25'. */
  public readonly minor: string;
  private readonly gvks = new Map<string, string>();
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(minor: string, file: string) {
    this.minor = minor;
    if (!fs.existsSync(file)) throw new Error(`no schemas for Kubernetes ${minor}: ${file} does not exist`);
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')).definitions as Record<string, any>;
    // Index by group/version/kind; generic types listing many GVKs (DeleteOptions, WatchEvent) come last.
    const entries = Object.entries(raw).sort(([, a], [, b]) => gvkCount(a) - gvkCount(b));
    for (const [name, def] of entries) {
      for (const g of def['x-kubernetes-group-version-kind'] ?? []) {
        const key = `${g.group ?? ''}/${g.version}/${g.kind}`;
        if (!this.gvks.has(key)) this.gvks.set(key, name);
      }
    }
    const formats = new Set<string>();
    const definitions: Record<string, any> = {};
    for (const [name, def] of Object.entries(raw)) {
      if (name === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') definitions[name] = INT_OR_STRING;
      else if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') definitions[name] = QUANTITY;
      else definitions[name] = strictSchema(def, { crd: false, formats });
    }
    this.ajv = newAjv(false, formats);
    this.ajv.addSchema({ $id: 'k8s', definitions });
  }

  /** Whether this Kubernetes minor serves an apiVersion/kind. */
  public has(apiVersion: string, kind: string): boolean {
    const { group, version } = splitApiVersion(apiVersion);
    return this.gvks.has(`${group}/${version}/${kind}`);
  }

  /**
   * Validates an object; returns human errors (empty when valid), each prefixed with the object,
   * e.g. `Deployment edge-system/foo: spec.template.spec.containers[0].imagePullPolcy: unknown field`.
   */
  public validate(obj: any): string[] {
    const prefix = describeObject(obj);
    if (!isObj(obj)) return [`${prefix}: not an object`];
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return [`${prefix}: apiVersion and kind are required`];
    const { group, version } = splitApiVersion(obj.apiVersion);
    const def = this.gvks.get(`${group}/${version}/${obj.kind}`);
    if (!def) return [`${prefix}: ${obj.apiVersion} ${obj.kind} is not served by Kubernetes ${this.minor}`];
    let fn = this.compiled.get(def);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `k8s#/definitions/${def}` });
      this.compiled.set(def, fn);
    }
    const errors = fn(obj) ? [] : formatErrors(prefix, obj, fn.errors ?? []);
    return [...errors, ...commonChecks(prefix, obj)];
  }
}

function gvkCount(def: any): number {
  return Array.isArray(def?.['x-kubernetes-group-version-kind']) ? def['x-kubernetes-group-version-kind'].length : 0;
}

// ----------------------------------------------------------------------------------------------
// Custom resources

interface CrdVersion {
  readonly file: string;
  readonly schema: any;
  fn?: ValidateFunction;
}

const crdCache = new Map<string, CrdSchemas>();

/** The structural schemas of every CRD version under a folder. Load with {@link CrdSchemas.load}. */
export class CrdSchemas {
  /**
   * Reads every `*.yaml` under `dir` (recursively, multi-document files), once per process and folder.
   *
   * @param dir the CRD folder; default {@link schemaRoots}().crds
   */
  public static load(dir: string = schemaRoots().crds): CrdSchemas {
    const key = path.resolve(dir);
    let schemas = crdCache.get(key);
    if (!schemas) {
      schemas = new CrdSchemas(key);
      crdCache.set(key, schemas);
    }
    return schemas;
  }

  private readonly versions = new Map<string, CrdVersion>();
  private readonly groupSet = new Set<string>();
  private readonly ajv: Ajv;

  private constructor(dir: string) {
    if (!isDir(dir)) throw new Error(`no CRD folder ${dir}`);
    const formats = new Set<string>();
    for (const file of yamlFilesUnder(dir)) {
      const rel = path.relative(dir, file);
      for (const doc of yaml.loadAll(fs.readFileSync(file, 'utf8'))) {
        if (!isObj(doc) || doc.kind !== 'CustomResourceDefinition' || !isObj(doc.spec)) continue;
        const { group, names } = doc.spec;
        this.groupSet.add(group);
        for (const v of doc.spec.versions ?? []) {
          if (v.served === false) continue;
          const key = `${group}/${v.name}/${names.kind}`;
          const existing = this.versions.get(key);
          if (existing) throw new Error(`${group}/${v.name} ${names.kind} is defined twice: ${existing.file} and ${rel}`);
          const root = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
          const schema = strictSchema(root, { crd: true, formats });
          schema.properties = { ...(schema.properties ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: CRD_METADATA };
          this.versions.set(key, { file: rel, schema });
        }
      }
    }
    this.ajv = newAjv(true, formats);
  }

  /** The API groups the CRDs define. */
  public get groups(): ReadonlySet<string> {
    return this.groupSet;
  }

  /** Whether some CRD serves an apiVersion/kind. */
  public has(apiVersion: string, kind: string): boolean {
    const { group, version } = splitApiVersion(apiVersion);
    return this.versions.has(`${group}/${version}/${kind}`);
  }

  /** Validates a custom resource; errors in the style of {@link KubernetesSchemas.validate}. */
  public validate(obj: any): string[] {
    const prefix = describeObject(obj);
    if (!isObj(obj)) return [`${prefix}: not an object`];
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return [`${prefix}: apiVersion and kind are required`];
    const { group, version } = splitApiVersion(obj.apiVersion);
    const entry = this.versions.get(`${group}/${version}/${obj.kind}`);
    if (!entry) {
      const served = [...this.versions.keys()].filter((k) => k.startsWith(`${group}/`) && k.endsWith(`/${obj.kind}`)).map((k) => k.split('/')[1]);
      return [`${prefix}: ${obj.apiVersion} ${obj.kind} is not served by any CRD${served.length ? ` (served versions: ${served.join(', ')})` : ''}`];
    }
    if (!entry.fn) entry.fn = this.ajv.compile(entry.schema);
    const errors = entry.fn(obj) ? [] : formatErrors(prefix, obj, entry.fn.errors ?? []);
    return [...errors, ...commonChecks(prefix, obj)];
  }
}

// ----------------------------------------------------------------------------------------------
// Objects and site folders

/** Validators for {@link validateObjects}. */
export interface Validators {
  /** Kubernetes minors every built-in object must be valid for. */
  readonly k8s: readonly KubernetesSchemas[];
  /** CRD schemas for custom resources. */
  readonly crds: CrdSchemas;
}

/**
 * Validates objects: one whose API group a CRD defines goes to the CRD validator (errors prefixed
 * `[crd] `), any other to every Kubernetes version (errors prefixed with the minor, `[1.25] `).
 */
export function validateObjects(objs: readonly any[], validators: Validators): string[] {
  const errors: string[] = [];
  for (const obj of objs) {
    const apiVersion = isObj(obj) && typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    if (validators.crds.groups.has(splitApiVersion(apiVersion).group)) {
      errors.push(...validators.crds.validate(obj).map((e) => `[crd] ${e}`));
    } else {
      for (const k8s of validators.k8s) errors.push(...k8s.validate(obj).map((e) => `[${k8s.minor}] ${e}`));
    }
  }
  return errors;
}

function yamlFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...yamlFilesUnder(full));
    else if (entry.isFile() && entry.name.endsWith('.yaml')) files.push(full);
  }
  return files;
}

/**
 * YAML as the API server reads it (go-yaml, YAML 1.1: unquoted yes/no/on/off are booleans, 0755
 * is octal), except that timestamps stay strings.
 */
const KUBE_YAML_SCHEMA = new yaml.Schema(yaml.YAML11_SCHEMA.tags.filter((t) => t !== yaml.timestampTag));

/** Options for {@link readSiteObjects}. */
export interface ReadSiteOptions {
  /** File names (not paths) to skip. @default ['kustomization.yaml'] */
  readonly exclude?: readonly string[];
}

/**
 * Reads every `*.yaml` file under a site folder (recursively) except `kustomization.yaml`; each
 * file must hold exactly one object (empty documents are ignored). Parsed with YAML 1.1 rules, as
 * Kubernetes does, so an unquoted `yes` is a boolean here too. Sorted by relative path.
 */
export function readSiteObjects(siteDir: string, options: ReadSiteOptions = {}): { file: string; object: any }[] {
  const exclude = new Set(options.exclude ?? ['kustomization.yaml']);
  const out: { file: string; object: any }[] = [];
  for (const full of yamlFilesUnder(siteDir)) {
    if (exclude.has(path.basename(full))) continue;
    const file = path.relative(siteDir, full).split(path.sep).join('/');
    const docs = yaml.loadAll(fs.readFileSync(full, 'utf8'), { schema: KUBE_YAML_SCHEMA, filename: file })
      .filter((d) => d !== null && d !== undefined);
    if (docs.length !== 1) throw new Error(`${file}: expected exactly one YAML document, found ${docs.length}`);
    out.push({ file, object: docs[0] });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
