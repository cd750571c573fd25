/**
 * The part of a CLI run that needs the library: reading the inventory, the worker pool, the
 * output lock and the command itself. `main` loads it only once the command line is valid, so
 * `--help`, `--version` and usage errors answer without loading the library.
 */

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadInventoryFile, ResolvedInventory } from '../fleet/inventory';
import { EdgeValidationError } from '../core/validation/validation-error';
import { hubForSites } from '../fleet/fleet-hub';
import { joinsHubControlPlane } from '../core/site/shared-control-plane';
import { hubAlertGroupsOf } from '../terraform/terraform-files';
import { CommandOptions, diffCommand, planCommand, synthCommand, validateCommand } from './commands';
import { CliError } from './exit-codes';
import { inventoryFileProblem } from './inventory-file';
import type { CliIo } from './cli-io';
import { OutputLock } from './output-lock';
import { FleetSettings, SitePool } from './runner';
import { resolveSchemaOptions } from './schema-options';
import { selectSites, Shard } from './site-selection';
import { SynthCache } from './synth-cache';
import type { CommandName, FlagName } from './usage';

/** A valid command line, as `main` parsed it. */
export interface ParsedCommandLine {
  /** The command's flags, as parseArgs read them. */
  readonly values: Partial<Record<FlagName, string | boolean>>;
  /** Worker threads. */
  readonly jobs: number;
  /**
   * Only the sites of this shard.
   * @default - every site (or those of `--sites`)
   */
  readonly shard?: Shard;
  /** The inventory file. */
  readonly inventory: string;
}

/** Inventories from this size (about 500 sites) start their worker threads before they are read. */
const EARLY_START_BYTES = 1024 * 1024;

/** Runs a command; returns its exit code, or throws a CliError. */
export async function runCommand(command: InventoryCommand, { values, jobs, shard, inventory }: ParsedCommandLine, io: CliIo): Promise<number> {
  const text = (name: FlagName) => values[name] as string | undefined;
  const schemas = resolveSchemaOptions({ k8sSchemas: text('k8s-schemas'), crds: text('crds'), kubeVersions: text('kube-versions') });
  if (typeof schemas === 'string') throw new CliError('usage', schemas);
  const fileProblem = inventoryFileProblem(inventory);
  if (fileProblem) throw new CliError('io', fileProblem);

  const outdir = resolve(text('against') ?? text('out') ?? process.env.CDK8S_OUTDIR ?? 'dist');
  const pool = new SitePool(jobs);
  // For a large fleet, the workers load the library and check the cached sites' files while this thread reads the inventory.
  if ((statSync(inventory, { throwIfNoEntry: false })?.size ?? 0) >= EARLY_START_BYTES) pool.startWorkers();
  let lock: OutputLock | undefined;
  try {
    const store = command === 'synth' ? SynthCache.open(outdir, !values['no-cache']) : undefined;
    const cache = store && { store, intact: pool.verifyFiles(outdir, store.digests()) };
    const all = readInventory(inventory, command);
    const names = text('sites')?.split(',').map((s) => s.trim()).filter(Boolean);
    const sites = selectSites(all.sites, names, shard);
    if (typeof sites === 'string') throw new CliError('usage', sites);
    const wholeFleet = !names?.length && !shard;
    if (command === 'synth') {
      const claim = wholeFleet ? { all: true as const } : { sites: sites.map((s) => s.name) };
      const acquired = OutputLock.acquire(outdir, claim);
      if (typeof acquired === 'string') throw new CliError('io', acquired);
      lock = acquired;
    }
    return await COMMAND_RUNNERS[command]({
      sites,
      fleet: fleetSettings(all),
      wholeFleet,
      outdir,
      pool,
      verbose: values.verbose === true,
      json: values.json === true,
      ...(cache ? { cache } : {}),
      ...(schemas ? { schemas } : {}),
      ...io,
    });
  } finally {
    lock?.release();
    await pool.close();
  }
}

/** The commands that read an inventory (`init` writes one, in `main`). */
export type InventoryCommand = Exclude<CommandName, 'init'>;

const COMMAND_RUNNERS: Record<InventoryCommand, (o: CommandOptions) => Promise<number>> = {
  synth: synthCommand, validate: validateCommand, diff: diffCommand, plan: planCommand,
};

/**
 * The fleet's GitOps and Terraform settings, with what the whole fleet implies made explicit
 * (the hub runs yurt-manager when any site is OpenYurt), so that workers and the fleet's own
 * files need no list of sites, and a run over some sites writes the same hub as a full one.
 */
function fleetSettings(inventory: ResolvedInventory): FleetSettings {
  const terraform = inventory.terraform?.hub ? { ...inventory.terraform, hub: hubForSites(inventory.terraform.hub, inventory.sites) } : inventory.terraform;
  return {
    ...(inventory.gitops ? { gitOps: inventory.gitops } : {}),
    ...(terraform ? { terraform } : {}),
    // The hub evaluates the alerts of every agent-mode site of the inventory and applies every site on its control plane, selected or not.
    ...(terraform?.hub ? { hubAlertGroups: hubAlertGroupsOf(inventory.sites) } : {}),
    sharedControlPlaneSites: inventory.sites.filter(joinsHubControlPlane).map((s) => s.name),
  };
}

/** Reads and validates the inventory; every problem becomes one CliError, a file error one line. */
function readInventory(file: string, command: CommandName): ResolvedInventory {
  try {
    return loadInventoryFile(file);
  } catch (error) {
    if (error instanceof EdgeValidationError) {
      const nothing = command === 'synth' ? `\nNothing was written (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}).` : '';
      throw new CliError('invalid', `${error.message}${nothing}`, error.problems);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new CliError('io', `inventory ${file}: ${(error as Error).message.replace(/^[A-Z]+: /, '')}`);
    throw error;
  }
}
