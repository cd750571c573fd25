import { readFileSync } from 'node:fs';
import { EdgeClusterStack, HELM_PROVIDER_BINDINGS } from '../../../lib/terraform';
import { InMemoryRoot } from '../../../lib/terraform/private/stack-json';

/**
 * The helm provider's schema as the generated bindings declare it: attribute names
 * (snake_case, as Terraform reads them) and which are required, from the config
 * interfaces of the bindings package (a `?` marks an optional attribute).
 */
export interface BlockSchema {
  readonly attributes: ReadonlySet<string>;
  readonly required: ReadonlySet<string>;
}

const BINDINGS = require.resolve(`${HELM_PROVIDER_BINDINGS}/package.json`).replace(/package\.json$/, 'lib/');

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The fields of one exported interface of a bindings declaration file (without inherited ones). */
export function interfaceSchema(file: 'release' | 'provider', name: string): BlockSchema {
  const text = readFileSync(`${BINDINGS}${file}/index.d.ts`, 'utf8');
  const start = text.indexOf(`export interface ${name} `);
  if (start < 0) throw new Error(`no interface ${name} in the ${file} bindings`);
  const body = text.slice(text.indexOf('{', start) + 1, text.indexOf('\n}', start));
  const attributes = new Set<string>();
  const required = new Set<string>();
  for (const match of body.matchAll(/^\s{4}readonly (\w+)(\?)?:/gm)) {
    attributes.add(snake(match[1]));
    if (!match[2]) required.add(snake(match[1]));
  }
  return { attributes, required };
}

/**
 * The attributes the generated `Release` class itself synthesizes (for a release built
 * through the library, so no test imports cdktf): a cross-check that the interface
 * parse sees every attribute the class knows.
 */
export function releaseSynthesizedAttributes(): Set<string> {
  const stack = new EdgeClusterStack(new InMemoryRoot(), 'schema', {
    siteName: 'schema', platform: { cni: 'flannel', certManager: true, nodeCount: 1 }, access: { context: 'schema' },
  });
  const release = stack.releases['cert-manager'] as unknown as { synthesizeAttributes(): Record<string, unknown> };
  return new Set(Object.keys(release.synthesizeAttributes()));
}

/** Terraform meta-arguments every resource accepts. */
export const META_ARGUMENTS = new Set(['depends_on', 'count', 'for_each', 'provider', 'lifecycle']);

/** Problems of one object against a block schema: unknown attributes and missing required ones. */
export function schemaProblems(object: Record<string, unknown>, schema: BlockSchema, where: string, extra: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(object)) {
    if (!schema.attributes.has(key) && !extra.has(key)) problems.push(`${where}: unknown attribute ${key}`);
  }
  for (const key of schema.required) {
    if (object[key] === undefined) problems.push(`${where}: required attribute ${key} is missing`);
  }
  return problems;
}
