import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { Problem } from './validation/problems';
import { toYaml } from './yaml';
import { resolvedJson } from './resolved-json';

/** A file of the output, relative to the output root. */
export interface OutputFile {
  /** Relative path with forward slashes. */
  readonly path: string;
  /** File content. */
  readonly content: string;
  /**
   * The YAML documents `content` was written from, so checks of the output can read
   * them without parsing the text back.
   * @default - checks parse `content`
   */
  readonly documents?: readonly unknown[];
}

/** A YAML file written from one object (after an optional comment header). */
export function yamlFile(path: string, object: unknown, header = ''): OutputFile {
  return { path, content: header + toYaml(object), documents: [object] };
}

/** Folder of cluster-scoped objects in a site's folder; no namespace can be named like it. */
export const CLUSTER_SCOPED_DIR = '_cluster';

/**
 * Runs every construct's validations under `root` and returns the problems with
 * their construct paths. Unlike `App.synth()`, it keeps each problem separate, so
 * they can be reported together with the inventory's.
 */
export function validateConstructs(root: IConstruct): Problem[] {
  const problems: Problem[] = [];
  for (const construct of root.node.findAll()) {
    for (const message of construct.node.validate()) problems.push({ path: construct.node.path, message });
  }
  return problems;
}

/** The resolved JSON of every API object under `root`, in construct order. */
export function apiObjectsOf(root: IConstruct): any[] {
  return apiObjectEntriesOf(root).map((e) => e.object);
}

/** Every API object under `root` with its construct path, in construct order. */
export function apiObjectEntriesOf(root: IConstruct): { path: string; object: any }[] {
  return root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => ({ path: o.node.path, object: resolvedJson(o) }));
}

/** The file a Kubernetes object is written to inside its site's folder. */
export function manifestPath(object: any): string {
  const folder = object.metadata?.namespace ?? CLUSTER_SCOPED_DIR;
  return `${folder}/${String(object.kind).toLowerCase()}-${object.metadata?.name}.yaml`;
}

/**
 * One file per object plus a `kustomization.yaml` that lists them, under
 * `prefix`. Two objects that would share a file (same kind, namespace and name)
 * are a problem, never a silent overwrite.
 */
export function manifestFiles(prefix: string, objects: readonly any[], problems: Problem[]): OutputFile[] {
  const byPath = new Map<string, OutputFile>();
  for (const object of objects) {
    const relative = manifestPath(object);
    if (byPath.has(relative)) {
      problems.push({ path: prefix, message: `two objects are both ${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}; names must be unique per kind and namespace` });
      continue;
    }
    try {
      byPath.set(relative, { path: `${prefix}/${relative}`, content: toYaml(object) });
    } catch (error) {
      // js-yaml's scalar checks recurse per character: a single string of megabytes overflows the stack.
      if (!(error instanceof RangeError)) throw error;
      problems.push({ path: `${prefix}/${relative}`, message: `${object.kind} ${object.metadata?.name} holds a value too large to write as YAML (${error.message}); keep large data out of the site's manifests` });
    }
  }
  const resources = [...byPath.keys()].sort();
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
  return [...[...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), yamlFile(`${prefix}/kustomization.yaml`, kustomization)];
}
