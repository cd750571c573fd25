import { dns1123LabelProblem } from '../../private/names';
import { childPath, Problems } from '../../private/problems';
import { MappingReader } from '../../private/reader';
import type { ResolvedSiteSpec } from '../../site/site-spec';
import { isTier, TIERS } from '../../site/tier';
import type { FalcoPriority, RuntimeSecurityOptions } from '../runtime-security';
import { checkResources, readResources } from '../../private/resources';

/** Falco's rule priorities, most severe first. */
export const FALCO_PRIORITIES: readonly FalcoPriority[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'];
const RUNTIME_SECURITY_KEYS = ['namespace', 'tiers', 'leastPrivileged', 'priority', 'rules', 'resources'];
const RULES_FILE = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?\.ya?ml$/;

/** The rules of RuntimeSecurity, shared by the construct and the inventory reader. */
export function checkRuntimeSecurityOptions(options: RuntimeSecurityOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  const nsProblem = options.namespace === undefined ? undefined : dns1123LabelProblem(options.namespace);
  if (nsProblem) problems.add(at('namespace'), nsProblem);
  const siteTiers = new Set(site.nodes.map((n) => n.tier));
  (options.tiers ?? []).forEach((tier, i) => {
    if (!isTier(tier)) problems.add(childPath(at('tiers'), i), `"${tier}" is not one of ${TIERS.join(', ')}`);
    else if (!siteTiers.has(tier)) problems.add(childPath(at('tiers'), i), `the site has no node of tier ${tier}; its tiers: ${[...siteTiers].join(', ')}`);
  });
  if (options.tiers !== undefined && options.tiers.length === 0) problems.add(at('tiers'), 'must list at least one tier, or be left out to run on every node');
  if (options.priority !== undefined && !FALCO_PRIORITIES.includes(options.priority)) {
    problems.add(at('priority'), `"${options.priority}" is not one of ${FALCO_PRIORITIES.join(', ')}`);
  }
  for (const [file, content] of Object.entries(options.rules ?? {})) {
    const where = childPath(at('rules'), file);
    if (!RULES_FILE.test(file) || file.length > 253) problems.add(where, `"${file}" is not a rules file name (lowercase letters, digits, '-', '_' and '.', ending in .yaml)`);
    else if (file === 'falco_rules.yaml') problems.add(where, 'would replace Falco\'s own rules; give the file another name');
    if (content.trim() === '') problems.add(where, 'is empty; give the rules or leave the file out');
  }
  checkResources(options.resources, at('resources'), problems);
}

/** Reads the `runtimeSecurity` block of a site's components and checks it with the construct's rules. */
export function readRuntimeSecurityOptions(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): RuntimeSecurityOptions | undefined {
  const r = MappingReader.of(value, path, problems, RUNTIME_SECURITY_KEYS);
  if (!r) return undefined;
  const options: Record<string, unknown> = {};
  const put = (key: string, v: unknown) => { if (v !== undefined) options[key] = v; };
  put('namespace', r.string('namespace'));
  put('tiers', r.stringList('tiers'));
  put('leastPrivileged', r.boolean('leastPrivileged'));
  put('priority', r.oneOf('priority', FALCO_PRIORITIES));
  put('rules', r.stringMap('rules'));
  put('resources', readResources(r, 'resources'));
  const result = options as RuntimeSecurityOptions;
  checkRuntimeSecurityOptions(result, site, path, problems);
  return result;
}
