import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import type { ResolvedGitOpsSettings } from '../gitops/gitops-settings';
import { gitOpsSiteNameProblem, readGitOpsSettings } from '../gitops/private/read-gitops-settings';
import { readTerraformSettings, TerraformSettings } from '../terraform/terraform-settings';
import { hubFlavorProblems, sharedControlPlaneProblems, sharedControlPlaneTerraformProblems } from '../cluster/hub-flavors';
import { hubSpireProblems } from '../security/spire-hub';
import { childPath, Problem, Problems } from '../core/validation/problems';
import { DEFAULTS_KEYS, readSite } from './read-site';
import { MappingReader } from '../core/validation/reader';
import { isTrustedResolvedSpec } from './trusted-specs';
import type { ResolvedSiteSpec, SiteSpec } from '../core/spec/site-spec';
import { EdgeValidationError } from '../core/validation/validation-error';

/** A validated inventory with every default applied. */
export interface ResolvedInventory {
  /** The sites, in inventory order. */
  readonly sites: readonly ResolvedSiteSpec[];
  /** How the fleet engines roll the sites out, when the inventory says. */
  readonly gitops?: ResolvedGitOpsSettings;
  /** The Terraform stacks of the platform layer, when the inventory asks for them. */
  readonly terraform?: TerraformSettings;
}

/** The outcome of validating an inventory: the resolved sites, or every problem. */
export interface InventoryValidation extends ResolvedInventory {
  /** Every problem found, with its inventory path; when there is any, `sites` is empty. */
  readonly problems: readonly Problem[];
}

/**
 * Validates a parsed inventory (`{ defaults?, sites: [...] }`) and resolves its
 * sites. Collects every problem rather than stopping at the first; returns no
 * sites at all when there is any problem, so nothing partial is ever synthesized.
 */
export function validateInventory(raw: unknown): InventoryValidation {
  const problems = new Problems();
  const root = MappingReader.of(raw, '', problems, ['defaults', 'sites', 'gitops', 'terraform']);
  if (!root) return { sites: [], problems: problems.list };
  root.require('sites', 'the list of sites');
  const defaults = root.mapping('defaults', DEFAULTS_KEYS);
  const gitops = root.has('gitops') ? readGitOpsSettings(root.raw('gitops'), 'gitops', problems) : undefined;
  const terraform = root.has('terraform') ? readTerraformSettings(root.raw('terraform'), 'terraform', problems) : undefined;
  const sites: ResolvedSiteSpec[] = [];
  const located: { spec: ResolvedSiteSpec; path: string }[] = [];
  const seen = new Map<string, string>();
  const items = root.list('sites') ?? [];
  if (root.has('sites') && items.length === 0 && Array.isArray(root.raw('sites'))) problems.add('sites', 'must list at least one site');
  for (const item of items) {
    const site = readSite(item.value, item.path, problems, { defaults, terraform });
    if (!site) continue;
    const first = seen.get(site.name);
    if (first) problems.add(childPath(item.path, 'name'), `site name "${site.name}" is already used by ${first}`);
    else seen.set(site.name, item.path);
    const engineProblem = gitops && gitOpsSiteNameProblem(gitops, site.name);
    if (engineProblem) problems.add(childPath(item.path, 'name'), engineProblem);
    sites.push(site);
    located.push({ spec: site, path: item.path });
  }
  if (terraform?.hub) for (const p of [...hubFlavorProblems(terraform.hub, located), ...hubSpireProblems(terraform.hub, located)]) problems.add(p.path, p.message);
  for (const p of sharedControlPlaneProblems(located)) problems.add(p.path, p.message);
  if (terraform) for (const p of sharedControlPlaneTerraformProblems(terraform, located)) problems.add(p.path, p.message);
  if (!problems.isEmpty) return { sites: [], problems: problems.list };
  return { sites, problems: [], ...(gitops ? { gitops } : {}), ...(terraform ? { terraform } : {}) };
}

/** Validates a parsed inventory and returns it resolved, or throws an EdgeValidationError listing every problem. */
export function parseInventory(raw: unknown): ResolvedInventory {
  const { problems, ...inventory } = validateInventory(raw);
  if (problems.length > 0) throw new EdgeValidationError('The inventory is invalid', problems);
  return inventory;
}

/** Parses inventory YAML text; YAML syntax errors are reported like any other problem. */
export function parseInventoryYaml(text: string, fileName = 'inventory'): ResolvedInventory {
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
export function loadInventoryFile(file: string): ResolvedInventory {
  return parseInventoryYaml(readFileSync(file, 'utf8'), file);
}

/**
 * Validates one site written in code and applies the defaults, reporting problems
 * under `pathPrefix` (the construct path). Runs the same rules as the inventory.
 */
export function resolveSiteSpec(spec: SiteSpec, pathPrefix = spec.name): ResolvedSiteSpec {
  if (isTrustedResolvedSpec(spec)) return spec;
  const problems = new Problems();
  const site = readSite(spec, pathPrefix, problems);
  if (!site || !problems.isEmpty) throw new EdgeValidationError(`Site ${pathPrefix} is invalid`, problems.list);
  return site;
}
