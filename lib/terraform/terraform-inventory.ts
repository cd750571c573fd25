import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { childPath, Problems } from '../core/validation/problems';
import { validateInventory } from '../fleet/inventory';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { EdgeValidationError } from '../core/validation/validation-error';
import { sharedControlPlaneTerraformProblems } from '../cluster/hub-flavors';
import { hubSpireProblems } from '../security/spire-hub';
import { hubForSites } from '../fleet/fleet-hub';
import type { TerraformFilesOptions } from './terraform-files';
import { readSiteTerraformSettings, readTerraformSettings, SiteTerraformSettings, TerraformSettings } from './terraform-settings';

/** An inventory with its Terraform blocks read. */
export interface TerraformInventory {
  /** The resolved sites. */
  readonly sites: readonly ResolvedSiteSpec[];
  /** The fleet's `terraform:` block and each site's, as `terraformFiles` takes them. */
  readonly options: TerraformFilesOptions;
}

/**
 * Reads a parsed inventory with its Terraform blocks: the top-level `terraform:` and
 * each site's `terraform:`. The blocks are taken out before the rest is validated
 * as usual, so this works whether or not the inventory reader knows them; every
 * problem of both is reported at its inventory path.
 */
export function readTerraformInventory(raw: unknown): TerraformInventory {
  const problems = new Problems();
  const { rest, fleetBlock, siteBlocks } = splitTerraformBlocks(raw);
  const validation = validateInventory(rest);
  for (const p of validation.problems) problems.add(p.path, p.message);
  const read: TerraformSettings | undefined = fleetBlock === undefined ? undefined : readTerraformSettings(fleetBlock, 'terraform', problems);
  // The hub's SPIRE server attests the fleet's hub-mode sites, and must agree with them.
  const located = validation.sites.map((spec, index) => ({ spec, path: childPath('sites', index) }));
  if (read?.hub) for (const p of hubSpireProblems(read.hub, located)) problems.add(p.path, p.message);
  if (read) for (const p of sharedControlPlaneTerraformProblems(read, located)) problems.add(p.path, p.message);
  const settings = read?.hub ? { ...read, hub: hubForSites(read.hub, validation.sites) } : read;
  const siteSettings: Record<string, SiteTerraformSettings> = {};
  validation.sites.forEach((site, index) => {
    const own = readSiteTerraformSettings(siteBlocks[index], childPath(childPath('sites', index), 'terraform'), problems, site.name, settings);
    if (own) siteSettings[site.name] = own;
  });
  if (!problems.isEmpty) throw new EdgeValidationError('The inventory is invalid', problems.list);
  return { sites: validation.sites, options: { ...(settings ? { settings } : {}), siteSettings } };
}

/** Reads and validates an inventory file with its Terraform blocks. */
export function loadTerraformInventory(file: string): TerraformInventory {
  let raw: unknown;
  try {
    raw = yaml.load(readFileSync(file, 'utf8'), { filename: file });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    throw new EdgeValidationError(`${file} is not valid YAML`, [{ path: file, message: error.reason ?? error.message }]);
  }
  try {
    return readTerraformInventory(raw);
  } catch (error) {
    if (error instanceof EdgeValidationError) throw new EdgeValidationError(`${file} is invalid`, error.problems);
    throw error;
  }
}

function splitTerraformBlocks(raw: unknown): { rest: unknown; fleetBlock: unknown; siteBlocks: unknown[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { rest: raw, fleetBlock: undefined, siteBlocks: [] };
  const { terraform: fleetBlock, ...rest } = raw as Record<string, unknown>;
  const siteBlocks: unknown[] = [];
  if (Array.isArray(rest.sites)) {
    rest.sites = rest.sites.map((site: unknown, index: number) => {
      if (typeof site !== 'object' || site === null || Array.isArray(site)) return site;
      const { terraform, ...siteRest } = site as Record<string, unknown>;
      siteBlocks[index] = terraform;
      return siteRest;
    });
  }
  return { rest, fleetBlock, siteBlocks };
}
