import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { childPath, Problem, Problems } from '../private/problems';
import { DEFAULTS_KEYS, readSite } from '../private/read-site';
import { MappingReader } from '../private/reader';
import type { ResolvedSiteSpec, SiteSpec } from './site-spec';
import { EdgeValidationError } from './validation-error';

/** The outcome of validating an inventory: the resolved sites, or every problem. */
export interface InventoryValidation {
  /** Sites with every default applied; empty when there are problems. */
  readonly sites: readonly ResolvedSiteSpec[];
  /** Every problem found, with its inventory path. */
  readonly problems: readonly Problem[];
}

/**
 * Validates a parsed inventory (`{ defaults?, sites: [...] }`) and resolves its
 * sites. Collects every problem rather than stopping at the first; returns no
 * sites at all when there is any problem, so nothing partial is ever synthesized.
 */
export function validateInventory(raw: unknown): InventoryValidation {
  const problems = new Problems();
  const root = MappingReader.of(raw, '', problems, ['defaults', 'sites']);
  if (!root) return { sites: [], problems: problems.list };
  root.require('sites', 'the list of sites');
  const defaults = root.mapping('defaults', DEFAULTS_KEYS);
  const sites: ResolvedSiteSpec[] = [];
  const seen = new Map<string, string>();
  const items = root.list('sites') ?? [];
  if (root.has('sites') && items.length === 0 && Array.isArray(root.raw('sites'))) problems.add('sites', 'must list at least one site');
  for (const item of items) {
    const site = readSite(item.value, item.path, problems, defaults);
    if (!site) continue;
    const first = seen.get(site.name);
    if (first) problems.add(childPath(item.path, 'name'), `site name "${site.name}" is already used by ${first}`);
    else seen.set(site.name, item.path);
    sites.push(site);
  }
  return problems.isEmpty ? { sites, problems: [] } : { sites: [], problems: problems.list };
}

/** Validates a parsed inventory and returns its sites, or throws an EdgeValidationError listing every problem. */
export function parseInventory(raw: unknown): ResolvedSiteSpec[] {
  const result = validateInventory(raw);
  if (result.problems.length > 0) throw new EdgeValidationError('The inventory is invalid', result.problems);
  return [...result.sites];
}

/** Parses inventory YAML text; YAML syntax errors are reported like any other problem. */
export function parseInventoryYaml(text: string, fileName = 'inventory'): ResolvedSiteSpec[] {
  let raw: unknown;
  try {
    raw = yaml.load(text, { filename: fileName });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const where = error.mark ? `${fileName}:${error.mark.line + 1}:${error.mark.column + 1}` : fileName;
    throw new EdgeValidationError(`${fileName} is not valid YAML`, [{ path: where, message: error.reason ?? error.message }]);
  }
  try {
    return parseInventory(raw);
  } catch (error) {
    if (error instanceof EdgeValidationError) throw new EdgeValidationError(`${fileName} is invalid`, error.problems);
    throw error;
  }
}

/** Reads, parses and validates an inventory file. */
export function loadInventoryFile(file: string): ResolvedSiteSpec[] {
  return parseInventoryYaml(readFileSync(file, 'utf8'), file);
}

/**
 * Validates one site written in code and applies the defaults, reporting problems
 * under `pathPrefix` (the construct path). Runs the same rules as the inventory.
 */
export function resolveSiteSpec(spec: SiteSpec, pathPrefix = spec.name): ResolvedSiteSpec {
  const problems = new Problems();
  const site = readSite(spec, pathPrefix, problems);
  if (!site || !problems.isEmpty) throw new EdgeValidationError(`Site ${pathPrefix} is invalid`, problems.list);
  return site;
}
