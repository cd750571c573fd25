import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadInventoryFile, ResolvedInventory } from '../site/inventory';
import { EdgeValidationError } from '../site/validation-error';
import { CommandOptions, diffCommand, planCommand, synthCommand, validateCommand } from './commands';
import { FleetSettings, SitePool } from './runner';
import { resolveSchemaOptions } from './schema-options';
import { SynthCache } from './synth-cache';
import { parseShard, selectSites, Shard } from './site-selection';
import { hubAlertGroupsOf } from '../terraform/terraform-files';
import { hubForSites } from '../site/fleet-hub';
import { joinsHubControlPlane } from '../site/shared-control-plane';

const USAGE = `Usage: cdk8s-edge <command> [options]

Commands:
  synth      validate the inventory, synthesize the sites and write them (atomically)
  validate   every check synth makes, writing nothing
  diff       what a synth would change, per site and file (exit 1 when anything would)
  plan       per site: objects by kind, images, requests vs node allocatable, Pod Security

Options:
  --inventory <file>   inventory file (default apps/fleet.yaml)
  --out <dir>          output folder (default dist; diff: --against <dir>)
  --sites a,b          only these sites
  --shard i/n          only the sites of shard i of n (stable per site name)
  --jobs <n>           worker threads (default: the number of CPUs)
  --no-cache           synth: synthesize every site even when its inputs did not change
  --k8s-schemas <dir>  validate every built-in object strictly (unknown fields are errors)
                       against <dir>/v<minor>/_definitions.json (default $EDGE_K8S_SCHEMAS_DIR)
  --crds <dir>         validate every custom resource against the CRD YAML files under <dir>
                       (default $EDGE_CRDS_DIR)
  --kube-versions <v>  the Kubernetes minors built-in objects must be valid on: 1.25,1.28,1.32
                       or all (default 1.25,1.32, the oldest and newest supported)
                       Without --k8s-schemas and --crds, objects are not schema-checked.
  --json               machine-readable output
  --verbose            a line per site
  --help               this text`;

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

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: readonly string[], io = { print: (t: string) => console.log(t), printError: (t: string) => console.error(t) }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'inventory': { type: 'string', default: 'apps/fleet.yaml' },
        'out': { type: 'string' },
        'against': { type: 'string' },
        'sites': { type: 'string' },
        'shard': { type: 'string' },
        'jobs': { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        'k8s-schemas': { type: 'string' },
        'crds': { type: 'string' },
        'kube-versions': { type: 'string' },
        'json': { type: 'boolean', default: false },
        'verbose': { type: 'boolean', default: false },
        'help': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.printError(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    (values.help ? io.print : io.printError)(USAGE);
    return values.help ? 0 : 2;
  }
  const commands: Record<string, (o: CommandOptions) => Promise<number>> = {
    synth: synthCommand, validate: validateCommand, diff: diffCommand, plan: planCommand,
  };
  if (!commands[command] || positionals.length > 1) {
    io.printError(`Unknown command "${positionals.join(' ')}".\n\n${USAGE}`);
    return 2;
  }
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    io.printError(`--jobs "${values.jobs}" must be a whole number >= 1`);
    return 2;
  }
  let shard: Shard | undefined;
  if (values.shard !== undefined) {
    const result = parseShard(values.shard);
    if (typeof result === 'string') {
      io.printError(result);
      return 2;
    }
    shard = result;
  }
  const schemas = resolveSchemaOptions({ k8sSchemas: values['k8s-schemas'], crds: values.crds, kubeVersions: values['kube-versions'] });
  if (typeof schemas === 'string') {
    io.printError(schemas);
    return 2;
  }

  const outdir = resolve(values.against ?? values.out ?? process.env.CDK8S_OUTDIR ?? 'dist');
  const pool = new SitePool(jobs);
  // For a large fleet, the workers load the library and check the cached sites' files while this thread reads the inventory.
  if ((statSync(values.inventory!, { throwIfNoEntry: false })?.size ?? 0) >= EARLY_START_BYTES) pool.startWorkers();
  try {
    const store = command === 'synth' ? SynthCache.open(outdir, !values['no-cache']) : undefined;
    const cache = store && { store, intact: pool.verifyFiles(outdir, store.digests()) };
    let all;
    try {
      all = loadInventoryFile(values.inventory!);
    } catch (error) {
      if (!(error instanceof EdgeValidationError)) throw error;
      io.printError(error.message);
      if (command === 'synth') io.printError(`Nothing was written (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}).`);
      return 1;
    }
    const names = values.sites?.split(',').map((s) => s.trim()).filter(Boolean);
    const sites = selectSites(all.sites, names, shard);
    if (typeof sites === 'string') {
      io.printError(sites);
      return 2;
    }
    return await commands[command]({
      sites,
      // The hub evaluates the alerts of every agent-mode site of the inventory, selected or not.
      fleet: fleetSettings(all),
      wholeFleet: !names?.length && !shard,
      outdir,
      pool,
      verbose: values.verbose!,
      json: values.json!,
      ...(cache ? { cache } : {}),
      ...(schemas ? { schemas } : {}),
      ...io,
    });
  } finally {
    await pool.close();
  }
}
