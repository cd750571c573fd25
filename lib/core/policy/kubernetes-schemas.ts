/**
 * Strict validation of built-in Kubernetes objects against the OpenAPI definitions of one
 * Kubernetes minor, the way `kubeconform -strict` checks them: unknown fields are errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { newAjv } from './private/schema-ajv';
import { commonChecks, describeObject, formatErrors, identityError } from './private/schema-errors';
import { INT_OR_STRING, QUANTITY, strictSchema } from './private/schema-strict';
import { splitApiVersion } from './private/schema-util';

/** Loaded schemas per definitions file: each file is read once per process (or worker thread). */
const cache = new Map<string, KubernetesSchemas>();

/**
 * The strict schemas of one Kubernetes minor's built-in API, read from a folder laid out like
 * the `kubernetes-json-schema` project's: `<dir>/v<minor>/_definitions.json` (Swagger 2.0
 * definitions with `x-kubernetes-group-version-kind`). Each apiVersion/kind is compiled the
 * first time an object of it is validated. Load with {@link KubernetesSchemas.load}.
 */
export class KubernetesSchemas {
  /**
   * The schemas of a Kubernetes minor, read once per process (or worker thread) and file.
   *
   * @param minor the Kubernetes minor version, `'1.25'` or `'v1.25'`
   * @param dir the folder holding `v<minor>/_definitions.json`
   * @throws Error when the minor is malformed or the folder has no definitions for it
   */
  public static load(minor: string, dir: string): KubernetesSchemas {
    const m = /^v?(1\.\d+)$/.exec(minor);
    if (!m) throw new Error(`invalid Kubernetes minor ${JSON.stringify(minor)}: expected e.g. '1.25'`);
    const file = KubernetesSchemas.definitionsFile(m[1], dir);
    let schemas = cache.get(file);
    if (!schemas) {
      schemas = new KubernetesSchemas(m[1], file);
      cache.set(file, schemas);
    }
    return schemas;
  }

  /**
   * The definitions file of a minor under a folder, `<dir>/v<minor>/_definitions.json`
   * (absolute), whether or not it exists.
   *
   * @param minor the Kubernetes minor version, `'1.25'`
   * @param dir the schema folder
   */
  public static definitionsFile(minor: string, dir: string): string {
    return path.resolve(dir, `v${minor.replace(/^v/, '')}`, '_definitions.json');
  }

  /** The Kubernetes minor, e.g. `'1.25'`. */
  public readonly minor: string;
  /** `group/version/kind` -> definition name. */
  private readonly gvks = new Map<string, string>();
  private readonly groupSet = new Set<string>();
  private readonly ajv: Ajv;
  /** Compiled validators per definition name. */
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
        this.groupSet.add(g.group ?? '');
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

  /** The API groups this minor serves; the core group is `''`. */
  public get groups(): ReadonlySet<string> {
    return this.groupSet;
  }

  /**
   * Whether this Kubernetes minor serves an apiVersion/kind.
   *
   * @param apiVersion e.g. `'apps/v1'`
   * @param kind e.g. `'Deployment'`
   */
  public has(apiVersion: string, kind: string): boolean {
    const { group, version } = splitApiVersion(apiVersion);
    return this.gvks.has(`${group}/${version}/${kind}`);
  }

  /**
   * Validates an object; returns human errors (empty when valid), each prefixed with the object,
   * e.g. `Deployment edge-system/foo: spec.template.spec.containers[0].imagePullPolcy: unknown field`.
   * An apiVersion/kind this minor does not serve is an error too.
   *
   * @param obj the object as the API server would receive it (plain JSON)
   */
  public validate(obj: any): string[] {
    const prefix = describeObject(obj);
    const identity = identityError(prefix, obj);
    if (identity) return [identity];
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
