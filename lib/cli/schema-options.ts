import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { KubernetesSchemas } from '../core/policy/kubernetes-schemas';
import { isDir, yamlFilesUnder } from '../core/policy/private/schema-util';
import { KUBERNETES_VERSIONS } from '../core/spec/site-spec';

/**
 * What objects are validated against. Plain data: it goes to every worker thread, and each
 * worker loads the schemas itself.
 */
export interface SchemaOptions {
  /**
   * Folder holding `v<minor>/_definitions.json`, absolute.
   * @default - built-in objects are not checked
   */
  readonly k8sSchemas?: string;
  /**
   * Folder of CRD YAML files, absolute.
   * @default - custom resources are not checked
   */
  readonly crds?: string;
  /** Kubernetes minors every built-in object must be valid on, e.g. `['1.25', '1.32']`. */
  readonly kubeVersions: readonly string[];
}

/** The minors checked when `--kube-versions` is not given: the oldest and newest the library supports. */
export const DEFAULT_KUBE_VERSIONS: readonly string[] = [KUBERNETES_VERSIONS[0], KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1]];

/** Parses `--kube-versions`: `1.25,1.28,1.32` (a `v` prefix is allowed) or `all`; an error message when invalid. */
export function parseKubeVersions(text: string): string[] | string {
  if (text.trim() === 'all') return [...KUBERNETES_VERSIONS];
  const versions = text.split(',').map((v) => v.trim().replace(/^v/, '')).filter(Boolean);
  const supported: readonly string[] = KUBERNETES_VERSIONS;
  const unknown = versions.filter((v) => !supported.includes(v));
  if (versions.length === 0 || unknown.length > 0) {
    return `--kube-versions "${text}" must be "all" or a comma-separated list of ${KUBERNETES_VERSIONS.join(', ')}`;
  }
  return [...new Set(versions)].sort((a, b) => supported.indexOf(a) - supported.indexOf(b));
}

/** What the command line and the environment say about schema validation. */
export interface SchemaArguments {
  /** `--k8s-schemas`. */
  readonly k8sSchemas?: string;
  /** `--crds`. */
  readonly crds?: string;
  /** `--kube-versions`. */
  readonly kubeVersions?: string;
}

/**
 * The schema options of a run: the flags, else `EDGE_K8S_SCHEMAS_DIR` / `EDGE_CRDS_DIR`.
 * Undefined when neither folder is given (schema validation is skipped); an error message when
 * a folder does not exist or lacks the definitions of a requested minor, so that a typo fails
 * the run before any site is synthesized.
 */
export function resolveSchemaOptions(args: SchemaArguments, env: NodeJS.ProcessEnv = process.env): SchemaOptions | string | undefined {
  const k8sDir = args.k8sSchemas ?? (env.EDGE_K8S_SCHEMAS_DIR || undefined);
  const crdDir = args.crds ?? (env.EDGE_CRDS_DIR || undefined);
  const kubeVersions = args.kubeVersions === undefined ? [...DEFAULT_KUBE_VERSIONS] : parseKubeVersions(args.kubeVersions);
  if (typeof kubeVersions === 'string') return kubeVersions;
  if (k8sDir === undefined && crdDir === undefined) return undefined;
  const errors: string[] = [];
  if (k8sDir !== undefined) {
    const missing = kubeVersions.map((v) => KubernetesSchemas.definitionsFile(v, k8sDir)).filter((f) => !existsSync(f));
    if (missing.length > 0) errors.push(`--k8s-schemas ${k8sDir}: missing ${missing.join(', ')}`);
  }
  if (crdDir !== undefined && !isDir(crdDir)) errors.push(`--crds ${crdDir}: not a folder`);
  if (errors.length > 0) return errors.join('\n');
  return {
    ...(k8sDir !== undefined ? { k8sSchemas: resolve(k8sDir) } : {}),
    ...(crdDir !== undefined ? { crds: resolve(crdDir) } : {}),
    kubeVersions,
  };
}

/** `Kubernetes 1.25, 1.32 (schemas in ../shared/k8s-schemas) and the CRDs in ../shared/crds`, paths relative to the working directory. */
export function describeSchemaOptions(options: SchemaOptions): string {
  const parts: string[] = [];
  if (options.k8sSchemas) parts.push(`Kubernetes ${options.kubeVersions.join(', ')} (schemas in ${shortPath(options.k8sSchemas)})`);
  if (options.crds) parts.push(`the CRDs in ${shortPath(options.crds)}`);
  return parts.join(' and ');
}

/**
 * What the schema check of a site depends on, for the synth cache: the minors and every schema
 * file's path, size and mtime (a stat per file, never a read). A site cached under another
 * fingerprint is checked again.
 */
export function schemaFingerprint(options: SchemaOptions): string {
  const files = [
    ...(options.k8sSchemas ? options.kubeVersions.map((v) => KubernetesSchemas.definitionsFile(v, options.k8sSchemas!)) : []),
    ...(options.crds ? yamlFilesUnder(options.crds).sort() : []),
  ];
  const hash = createHash('sha256').update(JSON.stringify({ kubeVersions: options.kubeVersions, k8s: !!options.k8sSchemas, crds: !!options.crds }));
  for (const file of files) {
    const stat = statSync(file);
    hash.update(`\n${file}\u0000${stat.size}\u0000${stat.mtimeMs}`);
  }
  return hash.digest('hex');
}

function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.length < path.length ? rel : path;
}
