import { posix } from 'node:path';
import { CrdSchemas } from '../core/policy/crd-schemas';
import { KubernetesSchemas } from '../core/policy/kubernetes-schemas';
import { loadKubeYaml } from '../core/policy/private/schema-util';
import { checkObjectSchema, ObjectSchemaError, Validators } from '../core/policy/validate-objects';
import type { OutputFile } from '../core/manifests';
import type { Problem } from '../core/validation/validation-error';
import type { SchemaOptions } from './schema-options';

/** How many objects a schema check covered. */
export interface SchemaCounts {
  /** Objects some schema covered. */
  readonly checked: number;
  /** Objects no given schema covers: custom resources without `--crds`, built-in ones without `--k8s-schemas`. */
  readonly unchecked: number;
}

/** What the schema check of some output files found. */
export interface SchemaCheck extends SchemaCounts {
  /** One problem per object and error, at the object's output file. */
  readonly problems: readonly Problem[];
}

let loaded: { readonly key: string; readonly validators: Validators } | undefined;

/**
 * The validators of a run, loaded on first use and then kept: once per worker thread (each has
 * its own module state), never per site. Each apiVersion/kind is compiled when the first object
 * of it is checked, so a worker holds only the validators its sites need.
 */
export function validatorsFor(options: SchemaOptions): Validators {
  const key = JSON.stringify(options);
  if (loaded?.key !== key) {
    const validators: Validators = {
      k8s: options.k8sSchemas ? options.kubeVersions.map((v) => KubernetesSchemas.load(v, options.k8sSchemas!)) : [],
      ...(options.crds ? { crds: CrdSchemas.load(options.crds) } : {}),
    };
    loaded = { key, validators };
  }
  return loaded.validators;
}

/**
 * Validates every object that output files apply: the files that a `kustomization.yaml` among
 * them lists under `resources` (a site's manifests, its Flux objects, the Fleet GitRepo). Each
 * file is parsed the way the API server reads it, so what is checked is exactly what is written.
 * Each error becomes a problem at the object's file, e.g. `sites/store-01/edge-system/deployment-foo.yaml:
 * Deployment edge-system/foo: spec.replicas: must be integer (got string) (Kubernetes 1.25, 1.32)`.
 */
export function checkSchemas(files: readonly OutputFile[], validators: Validators): SchemaCheck {
  const byPath = new Map(files.map((f) => [f.path, f] as const));
  const problems: Problem[] = [];
  let checked = 0;
  let unchecked = 0;
  for (const path of appliedFiles(files)) {
    const file = byPath.get(path);
    // A resource listed but not produced is the GitOps reference check's to report.
    if (!file) continue;
    let docs: unknown[];
    try {
      docs = loadKubeYaml(file.content, path);
    } catch (error) {
      problems.push({ path, message: `not valid YAML: ${(error as Error).message}` });
      continue;
    }
    for (const doc of docs) {
      const result = checkObjectSchema(doc, validators);
      if (result.checked) checked++;
      else unchecked++;
      for (const message of foldErrors(result.errors)) problems.push({ path, message });
    }
  }
  return { problems, checked, unchecked };
}

/**
 * The schema step of a site job: checks the site's output files when the run checks schemas.
 * The problems are empty and `schemas` is absent when it does not.
 */
export function checkSiteSchemas(files: readonly OutputFile[], options: SchemaOptions | undefined): { problems: readonly Problem[]; schemas?: SchemaCounts } {
  if (!options) return { problems: [] };
  const { problems, checked, unchecked } = checkSchemas(files, validatorsFor(options));
  return { problems, schemas: { checked, unchecked } };
}

/** The files the `kustomization.yaml` files among `files` list, in the order they list them. */
function appliedFiles(files: readonly OutputFile[]): string[] {
  const paths: string[] = [];
  for (const file of files) {
    if (posix.basename(file.path) !== 'kustomization.yaml') continue;
    const [kustomization] = loadKubeYaml(file.content, file.path) as { resources?: unknown }[];
    const resources = Array.isArray(kustomization?.resources) ? kustomization.resources : [];
    for (const resource of resources) {
      if (typeof resource === 'string') paths.push(posix.normalize(posix.join(posix.dirname(file.path), resource)));
    }
  }
  return paths;
}

/** One message per error, naming every minor it holds for: `... unknown field (Kubernetes 1.25, 1.32)`. */
function foldErrors(errors: readonly ObjectSchemaError[]): string[] {
  const against = new Map<string, string[]>();
  for (const e of errors) {
    const list = against.get(e.message) ?? [];
    list.push(e.against);
    against.set(e.message, list);
  }
  return [...against].map(([message, list]) => `${message} (${list.includes('crd') ? 'CRD schema' : `Kubernetes ${list.join(', ')}`})`);
}
