/**
 * Small helpers shared by the schema validators: object tests, apiVersion parsing, and reading
 * YAML the way the API server does.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

/** Whether a value is a plain (non-array, non-null) object. */
export function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a path is an existing folder. */
export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `apps/v1` -> `{ group: 'apps', version: 'v1' }`; `v1` -> `{ group: '', version: 'v1' }`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The apiVersion of an object, or '' when it has none. */
export function apiVersionOf(obj: unknown): string {
  return isObj(obj) && typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
}

/** Every `*.yaml` file under a folder (recursively), in directory order. */
export function yamlFilesUnder(dir: string): string[] {
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
 * is octal), except that timestamps stay strings. Validating what a manifest parses to under
 * these rules catches a value the API server would read differently from what was meant.
 */
export const KUBE_YAML_SCHEMA = new yaml.Schema(yaml.YAML11_SCHEMA.tags.filter((t) => t !== yaml.timestampTag));

/** The non-empty documents of a YAML text, read with {@link KUBE_YAML_SCHEMA}; throws a YAMLException naming `filename`. */
export function loadKubeYaml(text: string, filename: string): unknown[] {
  return yaml.loadAll(text, { schema: KUBE_YAML_SCHEMA, filename }).filter((d) => d !== null && d !== undefined);
}
