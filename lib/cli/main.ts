import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadInventoryFile, ResolvedInventory } from '../site/inventory';
import { EdgeValidationError, Problem } from '../site/validation-error';
import { CommandOptions, diffCommand, planCommand, synthCommand, validateCommand } from './commands';
import { ErrorKind, EXIT_CODE_OF, ExitCode } from './exit-codes';
import { inventoryFileProblem } from './inventory-file';
import { OutputLock } from './output-lock';
import { closestName, CommandName, COMMANDS, commandUsage, FlagName, globalUsage, parseOptionsOf } from './usage';
import { FleetSettings, SitePool } from './runner';
import { resolveSchemaOptions } from './schema-options';
import { SynthCache } from './synth-cache';
import { parseShard, selectSites } from './site-selection';
import { hubAlertGroupsOf } from '../terraform/terraform-files';
import { hubForSites } from '../site/fleet-hub';
import { joinsHubControlPlane } from '../site/shared-control-plane';

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

/** Inventories from this size (about 500 sites) start their worker threads before they are read. */
const EARLY_START_BYTES = 1024 * 1024;

/** What the CLI prints through: stdout and stderr. */
export interface CliIo {
  readonly print: (text: string) => void;
  readonly printError: (text: string) => void;
}

/** A run that stops with an error: its kind decides the exit code; `--json` prints it on stdout. */
class CliError extends Error {
  public constructor(public readonly kind: ErrorKind, message: string, public readonly problems: readonly Problem[] = []) {
    super(message);
  }
}

/** Runs the CLI with the given arguments; returns the exit code (see `ExitCode`). */
export async function main(argv: readonly string[], io: CliIo = { print: (t) => console.log(t), printError: (t) => console.error(t) }): Promise<number> {
  const json = argv.includes('--json');
  try {
    return await run(argv, io);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    if (json) io.print(JSON.stringify({ error: { kind: error.kind, message: error.message, problems: error.problems } }));
    else io.printError(error.message);
    return EXIT_CODE_OF[error.kind];
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.print(VERSION);
    return ExitCode.OK;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === undefined) throw new CliError('usage', globalUsage());
    io.print(rest[0] && rest[0] in COMMANDS ? commandUsage(rest[0] as CommandName) : globalUsage());
    return ExitCode.OK;
  }
  if (!(first in COMMANDS)) {
    const guess = closestName(first, Object.keys(COMMANDS));
    throw new CliError('usage', `Unknown command "${first}".${guess ? ` Did you mean "${guess}"?` : ''} Run 'cdk8s-edge --help' for the commands.`);
  }
  const command = first as CommandName;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, strict: true, options: parseOptionsOf(command) });
  } catch (error) {
    throw new CliError('usage', `${optionProblem(command, (error as Error).message)} Run 'cdk8s-edge ${command} --help' for its options.`);
  }
  const values = parsed.values as Partial<Record<FlagName, string | boolean>>;
  const text = (name: FlagName) => values[name] as string | undefined;
  if (values.help) {
    io.print(commandUsage(command));
    return ExitCode.OK;
  }
  if (parsed.positionals.length > 0) throw new CliError('usage', `${command} takes no arguments, got "${parsed.positionals.join(' ')}". Run 'cdk8s-edge ${command} --help' for its options.`);
  const jobs = text('jobs') === undefined ? availableParallelism() : Number(text('jobs'));
  if (!Number.isInteger(jobs) || jobs < 1) throw new CliError('usage', `--jobs "${text('jobs')}" must be a whole number >= 1`);
  const shard = text('shard') === undefined ? undefined : parseShard(text('shard')!);
  if (typeof shard === 'string') throw new CliError('usage', shard);
  const schemas = resolveSchemaOptions({ k8sSchemas: text('k8s-schemas'), crds: text('crds'), kubeVersions: text('kube-versions') });
  if (typeof schemas === 'string') throw new CliError('usage', schemas);
  const inventory = text('inventory') ?? DEFAULT_INVENTORY;
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

/** parseArgs' complaint in one short line, with the flag the user probably meant. */
function optionProblem(command: CommandName, message: string): string {
  const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
  if (unknown === undefined) return message.split('. ')[0].replace(/\.?$/, '.');
  const name = unknown.replace(/^-+/, '');
  const guess = closestName(name, COMMANDS[command].flags);
  const other = closestName(name, [...new Set(Object.values(COMMANDS).flatMap((c) => c.flags as readonly string[]))]);
  const elsewhere = Object.entries(COMMANDS).filter(([, c]) => other !== undefined && (c.flags as readonly string[]).includes(other)).map(([n]) => n);
  const hint = guess ? ` Did you mean --${guess}?` : elsewhere.length > 0 ? ` (--${other} is an option of ${elsewhere.join(', ')})` : '';
  return `Unknown option ${unknown} for ${command}.${hint}`;
}

const COMMAND_RUNNERS: Record<CommandName, (o: CommandOptions) => Promise<number>> = {
  synth: synthCommand, validate: validateCommand, diff: diffCommand, plan: planCommand,
};

/** The inventory the CLI reads when none is given. */
const DEFAULT_INVENTORY = 'apps/fleet.yaml';

/** The package's version, printed by `--version`. */
const VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

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
