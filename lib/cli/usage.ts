/**
 * The CLI's commands, their flags and help texts. Each command accepts only its own flags, and
 * `cdk8s-edge <command> --help` prints its own text with examples.
 */

/** A flag: its parseArgs type and its help line. */
interface Flag {
  /** parseArgs' type of its value. */
  readonly type: 'string' | 'boolean';
  /** Its line in the help text. */
  readonly help: string;
}

const FLAGS = {
  'inventory': { type: 'string', help: '--inventory <file>   inventory file (default apps/fleet.yaml)' },
  'out': { type: 'string', help: '--out <dir>          output folder (default $CDK8S_OUTDIR, else dist)' },
  'against': { type: 'string', help: '--against <dir>      the output folder to compare with (default $CDK8S_OUTDIR, else dist)' },
  'sites': { type: 'string', help: '--sites a,b          only these sites' },
  'shard': { type: 'string', help: '--shard i/n          only the sites of shard i of n (stable per site name)' },
  'jobs': { type: 'string', help: '--jobs <n>           worker threads (default: the number of CPUs)' },
  'no-cache': { type: 'boolean', help: '--no-cache           synthesize every site even when its inputs did not change' },
  'k8s-schemas': { type: 'string', help: '--k8s-schemas <dir>  validate every built-in object strictly against <dir>/v<minor>/_definitions.json\n                       (default $EDGE_K8S_SCHEMAS_DIR)' },
  'crds': { type: 'string', help: '--crds <dir>         validate every custom resource against the CRD YAML files under <dir>\n                       (default $EDGE_CRDS_DIR)' },
  'kube-versions': { type: 'string', help: '--kube-versions <v>  the minors built-in objects must be valid on: 1.25,1.28,1.32 or all\n                       (default 1.25,1.32, the oldest and newest supported)' },
  'json': { type: 'boolean', help: '--json               machine-readable output on stdout, errors included (see the README)' },
  'verbose': { type: 'boolean', help: '--verbose            a line per site' },
  'help': { type: 'boolean', help: '--help               this text' },
} as const satisfies Record<string, Flag>;

/** A flag name. */
export type FlagName = keyof typeof FLAGS;

const SCHEMA_FLAGS: FlagName[] = ['k8s-schemas', 'crds', 'kube-versions'];
const SELECTION: FlagName[] = ['inventory', 'sites', 'shard', 'jobs'];

/** A command: what it does, its flags, its examples and what its exit codes mean. */
interface CommandHelp {
  /** One line: what the command does. */
  readonly summary: string;
  /** The only flags it accepts (besides --help). */
  readonly flags: readonly FlagName[];
  /** Command lines shown in its help. */
  readonly examples: readonly string[];
  /** What its exit codes mean. */
  readonly exitCodes: string;
}

const ERRORS = '2 usage error, 3 invalid inventory or the fleet does not synthesize or converge, 4 a file problem or the output folder is in use';

export const COMMANDS = {
  init: {
    summary: 'write a starter inventory (one site, one node, one app) that synthesizes as it is',
    flags: ['inventory', 'json'],
    examples: ['cdk8s-edge init && cdk8s-edge synth', 'cdk8s-edge init --inventory fleet/fleet.yaml'],
    exitCodes: '0 written, 2 usage error, 4 the file exists already or cannot be written',
  },
  synth: {
    summary: 'validate the inventory, synthesize the sites and write them (atomically)',
    flags: [...SELECTION, 'out', 'no-cache', ...SCHEMA_FLAGS, 'json', 'verbose'],
    examples: [
      'cdk8s-edge synth',
      'cdk8s-edge synth --inventory fleet.yaml --out gitops-repo/dist',
      'cdk8s-edge synth --sites store-01,store-02 --k8s-schemas ../shared/k8s-schemas --crds ../shared/crds',
      'cdk8s-edge synth --shard 1/4 --jobs 8',
    ],
    exitCodes: `0 written, ${ERRORS}`,
  },
  validate: {
    summary: 'every check synth makes, writing nothing',
    flags: [...SELECTION, ...SCHEMA_FLAGS, 'json', 'verbose'],
    examples: ['cdk8s-edge validate', 'cdk8s-edge validate --json --k8s-schemas ../shared/k8s-schemas --crds ../shared/crds'],
    exitCodes: `0 valid, ${ERRORS}`,
  },
  diff: {
    summary: 'what a synth would change, per site and file',
    flags: [...SELECTION, 'against', 'out', ...SCHEMA_FLAGS, 'json', 'verbose'],
    examples: ['cdk8s-edge diff', 'cdk8s-edge diff --against gitops-repo/dist --json'],
    exitCodes: `0 no changes, 1 changes, ${ERRORS}`,
  },
  plan: {
    summary: 'per site: the cluster model and convergence verdicts, objects by kind, images, requests vs allocatable, Pod Security',
    flags: [...SELECTION, 'json', 'verbose'],
    examples: ['cdk8s-edge plan --sites factory-floor-01', 'cdk8s-edge plan --json | jq \'.[].convergence.checks\''],
    exitCodes: `0 every site synthesizes, ${ERRORS}`,
  },
} as const satisfies Record<string, CommandHelp>;

/** A command name. */
export type CommandName = keyof typeof COMMANDS;

/** The parseArgs options of a command (its flags and --help). */
export function parseOptionsOf(command: CommandName): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries([...COMMANDS[command].flags, 'help'].map((name) => [name, { type: FLAGS[name as FlagName].type }]));
}

/** `cdk8s-edge --help`. */
export function globalUsage(): string {
  const commands = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n');
  return `Usage: cdk8s-edge <command> [options]

Commands:
${commands}

Options:
  --help       this text; cdk8s-edge <command> --help shows a command's options and examples
  --version    the version of cdk8s-edge

Exit codes: 0 done, 1 diff found changes, ${ERRORS}.`;
}

/** `cdk8s-edge <command> --help`. */
export function commandUsage(command: CommandName): string {
  const c = COMMANDS[command];
  const flags = [...c.flags, 'help' as const].map((name) => `  ${FLAGS[name].help}`).join('\n');
  return `Usage: cdk8s-edge ${command} [options]

${c.summary[0].toUpperCase()}${c.summary.slice(1)}.

Options:
${flags}

Examples:
${c.examples.map((e) => `  ${e}`).join('\n')}

Exit codes: ${c.exitCodes}.`;
}

/** The closest known name to a mistyped one, for "did you mean"; undefined when none is close. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= Math.max(2, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
