import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io';
import { CliError, EXIT_CODE_OF, ExitCode } from './exit-codes';
import { initCommand } from './init-command';
import { closestName, CommandName, COMMANDS, commandUsage, FlagName, globalUsage, parseOptionsOf } from './usage';
import { parseShard } from './site-selection';

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
    io.print(packageVersion());
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
  if (command === 'init') return initCommand(text('inventory') ?? DEFAULT_INVENTORY, values.json === true, io);
  const { runCommand } = await import('./run-command');
  return runCommand(command, { values, jobs, shard, inventory: text('inventory') ?? DEFAULT_INVENTORY }, io);
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

/** The inventory the CLI reads when none is given. */
const DEFAULT_INVENTORY = 'apps/fleet.yaml';

/**
 * The package's version, printed by `--version`: from the nearest package.json of cdk8s-edge
 * above this file (the sources, the compiled library and the bench build sit at different depths).
 */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (name === 'cdk8s-edge' && version) return version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

