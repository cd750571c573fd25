import * as yaml from 'js-yaml';

/**
 * The one YAML writer of the library: block style, no anchors, no line folding,
 * keys in the order they were built, so output is stable and diffs stay small.
 */
export function toYaml(value: unknown): string {
  return yaml.dump(value, { noRefs: true, lineWidth: -1 });
}

/** Several documents in one file. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => toYaml(v)).join('---\n');
}
