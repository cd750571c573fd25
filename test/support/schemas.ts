/**
 * Strict schema validation of synthesized Kubernetes objects, for tests.
 *
 * The validators are the library's (lib/policy/kubernetes-schemas.ts, crd-schemas.ts,
 * validate-objects.ts); this module adds what only tests need:
 * - {@link schemaRoots} / {@link missingSchemaReason}: where the schema folders are in a
 *   checkout (`../shared/...` next to the repository, or the environment);
 * - {@link KubernetesSchemas}.load and {@link CrdSchemas}.load with those folders as the default,
 *   so a test writes `KubernetesSchemas.load('1.25')` and `CrdSchemas.load()`;
 * - {@link readSiteObjects}: reads a synthesized `dist/sites/<site>/` folder.
 *
 * Loaded schemas and compiled validators are cached by the library: each schema file is read
 * once per process (per jest test file) and each apiVersion/kind compiled once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CrdSchemas as LibCrdSchemas } from '../../lib/core/policy/crd-schemas';
import { KubernetesSchemas as LibKubernetesSchemas } from '../../lib/core/policy/kubernetes-schemas';
import { isDir, loadKubeYaml, yamlFilesUnder } from '../../lib/core/policy/private/schema-util';

import type { Validators as LibValidators } from '../../lib/core/policy/validate-objects';

export { checkObjectSchema, describeObject, validateObjects } from '../../lib/core/policy/validate-objects';
export type { ObjectSchemaError, ObjectSchemaResult } from '../../lib/core/policy/validate-objects';

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

/** The library's KubernetesSchemas (the type of a loaded minor). */
export type KubernetesSchemas = LibKubernetesSchemas;
/** The library's KubernetesSchemas.load, with {@link schemaRoots}().k8sSchemas as the default folder. */
export const KubernetesSchemas = {
  load: (minor: string, dir: string = schemaRoots().k8sSchemas): LibKubernetesSchemas => LibKubernetesSchemas.load(minor, dir),
};

/** The library's CrdSchemas (the type of a loaded CRD folder). */
export type CrdSchemas = LibCrdSchemas;
/** The library's CrdSchemas.load, with {@link schemaRoots}().crds as the default folder. */
export const CrdSchemas = {
  load: (dir: string = schemaRoots().crds): LibCrdSchemas => LibCrdSchemas.load(dir),
};

/** The library's Validators with the CRDs always given, as every test validates custom resources. */
export interface Validators extends LibValidators {
  /** CRD schemas for custom resources. */
  readonly crds: LibCrdSchemas;
}

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
    const docs = loadKubeYaml(fs.readFileSync(full, 'utf8'), file);
    if (docs.length !== 1) throw new Error(`${file}: expected exactly one YAML document, found ${docs.length}`);
    out.push({ file, object: docs[0] });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
