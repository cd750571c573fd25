/**
 * Validation of custom resources against the structural schemas of their
 * CustomResourceDefinitions, with the API server's rules: unknown fields are errors unless the
 * schema says `x-kubernetes-preserve-unknown-fields`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import * as yaml from 'js-yaml';
import { newAjv } from './private/schema-ajv';
import { commonChecks, describeObject, formatErrors, identityError } from './private/schema-errors';
import { CRD_METADATA, strictSchema } from './private/schema-strict';
import { isDir, isObj, splitApiVersion, yamlFilesUnder } from './private/schema-util';

/** One served version of a CRD: its strict schema, compiled on first use. */
interface CrdVersion {
  /** The file that defines it, relative to the CRD folder. */
  readonly file: string;
  readonly schema: any;
  fn?: ValidateFunction;
}

/** Loaded CRD folders: each is read once per process (or worker thread). */
const cache = new Map<string, CrdSchemas>();

/**
 * The structural schemas of every served version of every CustomResourceDefinition under a
 * folder. Each group/version/kind is compiled the first time an object of it is validated.
 * Load with {@link CrdSchemas.load}.
 */
export class CrdSchemas {
  /**
   * Reads every `*.yaml` under `dir` (recursively, multi-document files; documents that are not
   * CustomResourceDefinitions are ignored), once per process (or worker thread) and folder.
   *
   * @param dir the CRD folder
   * @throws Error when the folder does not exist or one file defines a group/version/kind twice
   */
  public static load(dir: string): CrdSchemas {
    const key = path.resolve(dir);
    let schemas = cache.get(key);
    if (!schemas) {
      schemas = new CrdSchemas(key);
      cache.set(key, schemas);
    }
    return schemas;
  }

  /**
   * `group/version/kind` -> its schemas: one per file that defines it. The folder may hold the
   * same CRD at several upstream releases (e.g. the one a pinned chart ships and the newest); a
   * custom resource must then be valid against each, so it applies whichever the cluster runs.
   */
  private readonly versions = new Map<string, CrdVersion[]>();
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
          const existing = this.versions.get(key) ?? [];
          if (existing.some((e) => e.file === rel)) throw new Error(`${group}/${v.name} ${names.kind} is defined twice in ${rel}`);
          const root = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
          const schema = strictSchema(root, { crd: true, formats });
          schema.properties = { ...(schema.properties ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: CRD_METADATA };
          this.versions.set(key, [...existing, { file: rel, schema }]);
        }
      }
    }
    this.ajv = newAjv(true, formats);
  }

  /** The API groups the CRDs define. */
  public get groups(): ReadonlySet<string> {
    return this.groupSet;
  }

  /**
   * Whether some CRD serves an apiVersion/kind.
   *
   * @param apiVersion e.g. `'cert-manager.io/v1'`
   * @param kind e.g. `'Certificate'`
   */
  public has(apiVersion: string, kind: string): boolean {
    const { group, version } = splitApiVersion(apiVersion);
    return this.versions.has(`${group}/${version}/${kind}`);
  }

  /**
   * Validates a custom resource; errors in the style of `KubernetesSchemas.validate`. A
   * version or kind no CRD serves is an error, naming the versions that are served.
   *
   * @param obj the custom resource as the API server would receive it (plain JSON)
   */
  public validate(obj: any): string[] {
    const prefix = describeObject(obj);
    const identity = identityError(prefix, obj);
    if (identity) return [identity];
    const { group, version } = splitApiVersion(obj.apiVersion);
    const entries = this.versions.get(`${group}/${version}/${obj.kind}`);
    if (!entries) {
      const served = [...this.versions.keys()].filter((k) => k.startsWith(`${group}/`) && k.endsWith(`/${obj.kind}`)).map((k) => k.split('/')[1]);
      return [`${prefix}: ${obj.apiVersion} ${obj.kind} is not served by any CRD${served.length ? ` (served versions: ${served.join(', ')})` : ''}`];
    }
    const errors = entries.flatMap((entry) => {
      entry.fn ??= this.ajv.compile(entry.schema);
      if (entry.fn(obj)) return [];
      const found = formatErrors(prefix, obj, entry.fn.errors ?? []);
      return entries.length > 1 ? found.map((e) => `${e} (CRD ${entry.file})`) : found;
    });
    return [...new Set(errors), ...commonChecks(prefix, obj)];
  }
}
