import * as yaml from 'js-yaml';
import { dns1123LabelProblem } from '../../core/validation/names';
import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { isTier, TIERS } from '../../core/spec/tier';
import type { FalcoPriority, RuntimeSecurityOptions } from '../runtime-security';
import { checkResources, readResources } from '../../core/workload/resources';

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
    else for (const problem of falcoRulesFileProblems(content)) problems.add(`${where}${problem.at}`, problem.message);
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

/**
 * The keys Falco 0.44.1 reads on each kind of item of a rules file, by the key that names the
 * kind, in the order it tells them apart (userspace/engine/rule_loader_reader.cpp; a test holds
 * this to the fixture read there). Falco only warns about another key, so a misspelt one
 * (`enbled: false`) would silently do nothing.
 */
export const FALCO_RULE_ITEM_KEYS: Readonly<Record<string, readonly string[]>> = {
  required_engine_version: ['required_engine_version'],
  required_plugin_versions: ['required_plugin_versions'],
  list: ['list', 'items', 'append', 'override'],
  macro: ['macro', 'condition', 'append', 'override'],
  rule: ['rule', 'condition', 'output', 'desc', 'priority', 'source', 'enabled', 'capture', 'capture_duration', 'warn_evttypes', 'skip-if-unknown-filter', 'tags', 'exceptions', 'override', 'append'],
};
/** The priorities a rule may name, compared without case; "info" is Falco's old spelling of informational. */
const RULE_PRIORITIES = [...FALCO_PRIORITIES, 'info'];
const RULE_DEFINITION = ['condition', 'output', 'desc', 'priority'];

/**
 * What Falco would refuse, or silently ignore, in a rules file, each with the place in the file
 * (`[2].condition`): content that is not a YAML list of mappings, an item of no known kind, a key
 * its kind does not read, and a new list, macro or rule without the keys Falco requires of it
 * (it stops loading its rules, and so never starts, on those).
 */
export function falcoRulesFileProblems(content: string): { at: string; message: string }[] {
  let documents: unknown[];
  try {
    documents = yaml.loadAll(content);
  } catch (error) {
    return [{ at: '', message: `is not YAML: ${(error as Error).message.split('\n')[0]}` }];
  }
  const problems: { at: string; message: string }[] = [];
  const items = documents.filter((d) => d !== null && d !== undefined);
  if (items.some((d) => !Array.isArray(d))) return [{ at: '', message: 'is not a YAML list of rules, macros and lists (Falco reads a sequence of mappings)' }];
  (items as unknown[][]).flat().forEach((item, i) => {
    const at = `[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ at, message: 'is not a mapping (a rule, macro or list)' });
      return;
    }
    const fields = item as Record<string, unknown>;
    const kind = Object.keys(FALCO_RULE_ITEM_KEYS).find((k) => k in fields);
    if (!kind) {
      problems.push({ at, message: `is none of ${Object.keys(FALCO_RULE_ITEM_KEYS).join(', ')}` });
      return;
    }
    const known = FALCO_RULE_ITEM_KEYS[kind];
    for (const key of Object.keys(fields).filter((k) => !known.includes(k))) {
      problems.push({ at: `${at}.${key}`, message: `is not a key of a ${kind} (Falco reads ${known.join(', ')})` });
    }
    const missing = (keys: readonly string[]) => keys.filter((k) => !isNonEmptyScalar(fields[k]));
    const changesEarlier = fields.append === true || fields.override !== undefined;
    if (kind === 'list' && !Array.isArray(fields.items)) problems.push({ at: `${at}.items`, message: 'must be a list: Falco requires it of every list' });
    if (kind === 'macro' && missing(['condition']).length > 0) problems.push({ at: `${at}.condition`, message: 'is required of every macro' });
    if (kind === 'rule' && !changesEarlier) {
      // A rule with only `enabled` turns an earlier rule on or off (deprecated, still read).
      const defines = RULE_DEFINITION.some((k) => k in fields);
      if (defines && missing(RULE_DEFINITION).length > 0) {
        problems.push({ at, message: `lacks ${missing(RULE_DEFINITION).join(', ')}: a new rule needs ${RULE_DEFINITION.join(', ')} (or append/override to change an earlier one)` });
      }
      if (!defines && typeof fields.enabled !== 'boolean') {
        problems.push({ at, message: `defines nothing: give ${RULE_DEFINITION.join(', ')}, or enabled to turn an earlier rule on or off` });
      }
    }
    if (kind === 'rule' && typeof fields.priority === 'string' && !RULE_PRIORITIES.includes(fields.priority.toLowerCase())) {
      problems.push({ at: `${at}.priority`, message: `"${fields.priority}" is not one of ${FALCO_PRIORITIES.join(', ')} (any case)` });
    }
  });
  return problems;
}

function isNonEmptyScalar(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || typeof value === 'number' || typeof value === 'boolean';
}
