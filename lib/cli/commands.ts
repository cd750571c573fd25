import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { OutputFile } from '../core/manifests';
import { listFiles, pruneEmptyDirs, removeStaleFiles } from '../fleet/output-writer';
import { checkSharedControlPlane } from '../convergence/check-shared-control-plane';
import { formatProblem } from '../core/validation/problems';
import { EdgeFleet, FLEET_OUTPUT_DIRS, SITE_OUTPUT_ROOTS, siteOutputDirs } from '../fleet/edge-fleet';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import type { Problem } from '../core/validation/validation-error';
import { ExitCode } from './exit-codes';
import { Progress } from './progress';
import { FleetSettings, SitePool } from './runner';
import { describeSchemaOptions, SchemaOptions, schemaFingerprint } from './schema-options';
import { ConvergencePlan, fileDiff, JobMode, SiteReport } from './site-job';
import { commitStagedSite, DirectoryMaker, discardStagedSite, FileChange } from './site-output';
import { checkSiteSchemas } from './site-schemas';
import { SynthCache } from './synth-cache';

/** What every command gets from the command line. */
export interface CommandOptions {
  readonly sites: readonly ResolvedSiteSpec[];
  /** The fleet's GitOps and Terraform settings, as the inventory has them. */
  readonly fleet: FleetSettings;
  /** Whether the run covers the whole fleet (no --sites or --shard). */
  readonly wholeFleet: boolean;
  readonly outdir: string;
  /** The worker threads of the run, started while the inventory loaded. */
  readonly pool: SitePool;
  readonly verbose: boolean;
  readonly json: boolean;
  /**
   * Synth: the output folder's cache and the cached sites whose files are intact on disk
   * (checked by the pool while the inventory loaded).
   * @default - every site is synthesized
   */
  readonly cache?: { readonly store: SynthCache; readonly intact: Promise<ReadonlySet<string>> };
  /**
   * Validate every object against these schemas.
   * @default - objects are not schema-checked
   */
  readonly schemas?: SchemaOptions;
  readonly print: (text: string) => void;
  readonly printError: (text: string) => void;
}

/** The folders a run owns: all output folders for the whole fleet, else only the selected sites'. */
function ownedDirs(options: CommandOptions): string[] {
  if (options.wholeFleet) return [...FLEET_OUTPUT_DIRS];
  return options.sites.flatMap((s) => siteOutputDirs(s.name));
}

/**
 * The folders where a synth looks for stale files: the folders of re-synthesized sites that
 * existed before (a new folder holds exactly its site's files; a reused site cannot have lost
 * a resource, its inputs did not change, and its digest proves nothing was added), plus
 * whatever in the output roots belongs to no site of the fleet (a removed site), plus the
 * fleet-wide folders. On a large fleet this keeps a synth from listing every file of every site.
 */
function staleScanDirs(options: CommandOptions, reports: readonly SiteReport[]): string[] {
  const dirs = reports.filter((r) => !r.reused).flatMap((r) => siteOutputDirs(r.site).filter((d) => !r.stagedDirs.includes(d)));
  if (!options.wholeFleet) return dirs;
  const fleetSites = new Set(options.sites.map((s) => s.name));
  const perSiteRoots = SITE_OUTPUT_ROOTS;
  for (const root of FLEET_OUTPUT_DIRS) {
    const path = join(options.outdir, root);
    if (!existsSync(path)) continue;
    for (const entry of readdirSync(path)) {
      const child = `${root}/${entry}`;
      // Folders of sites still in the fleet are handled above, per-site roots below; the rest is the fleet's or stale.
      if (perSiteRoots.includes(root) && fleetSites.has(entry)) continue;
      if (perSiteRoots.includes(child)) continue;
      dirs.push(child);
    }
  }
  for (const root of perSiteRoots.filter((r) => !FLEET_OUTPUT_DIRS.includes(r))) {
    const path = join(options.outdir, root);
    if (!existsSync(path)) continue;
    for (const entry of readdirSync(path)) if (!fleetSites.has(entry)) dirs.push(`${root}/${entry}`);
  }
  return [...new Set(dirs)];
}

/** Suffix of the files synth writes before it knows every site succeeded. */
const TEMP_SUFFIX = `.cdk8s-edge-tmp-${process.pid}`;

/** Warnings go to stderr with their site, whatever the outcome: they never fail a run. */
function printWarnings(reports: readonly SiteReport[], options: CommandOptions): void {
  for (const report of reports) for (const warning of report.warnings ?? []) options.printError(`warning: ${report.site}: ${warning}`);
}

async function run(mode: JobMode, options: CommandOptions, sites: readonly ResolvedSiteSpec[]): Promise<SiteReport[]> {
  const progress = new Progress(sites.length, options.verbose);
  const cache = mode === 'synth' && options.cache?.store.enabled ? options.cache : undefined;
  const intact = await cache?.intact;
  const context = {
    mode, outdir: options.outdir, tempSuffix: TEMP_SUFFIX,
    ...(options.schemas ? { schemas: options.schemas } : {}),
    ...(cache ? { cache: cache.store.checkFor(options.fleet, options.schemas && schemaFingerprint(options.schemas)) } : {}),
  };
  const reports = await options.pool.run(sites, context, {
    fleet: options.fleet,
    onSite: (r, done) => progress.tick(done, r.site),
    ...(cache ? { cached: (site: string) => (intact?.has(site) ? cache.store.lookup(site) : undefined) } : {}),
  });
  printWarnings(reports, options);
  return reports;
}

/** The files that belong to no single site, and how they compare with the output folder. */
function fleetFiles(options: CommandOptions): { files: readonly OutputFile[]; changes: (FileChange & { content: string })[] } {
  const files = fleetOutput(options);
  return { files, changes: files.flatMap((file) => fileDiff(options.outdir, file.path, file.content).map((change) => ({ ...change, content: file.content }))) };
}

/** The files of the fleet that belong to no site (the Fleet GitRepo, the cloud hub's Terraform stack). */
function fleetOutput(options: CommandOptions): readonly OutputFile[] {
  return new EdgeFleet({ ...options.fleet, sites: [] }).fleetFiles();
}

/** What a check found: a site's report, or the fleet files' schema check. */
type CheckResult = Pick<SiteReport, 'problems' | 'schemas'>;

/**
 * Runs a job over the sites and, in this thread while the workers synthesize, the schema check
 * of the fleet's own files (the Fleet GitRepo); returns the site reports and every check result.
 */
async function runWithFleetCheck(mode: JobMode, options: CommandOptions, sites: readonly ResolvedSiteSpec[], fleet: readonly OutputFile[]): Promise<{ reports: SiteReport[]; checked: CheckResult[] }> {
  const pending = run(mode, options, sites);
  const fleetCheck = checkSiteSchemas(fleet, options.schemas);
  const reports = await pending;
  const shared = { problems: checkSharedControlPlane(reports.flatMap((r) => (r.sharedControlPlane ? [r.sharedControlPlane] : []))) };
  return { reports, checked: [...reports, fleetCheck, shared] };
}

function problemsOf(results: readonly CheckResult[]): Problem[] {
  return results.flatMap((r) => r.problems);
}

/** How many objects the schemas covered, and a text that says so; undefined when the run checks no schemas. */
function schemaSummary(results: readonly CheckResult[], options: CommandOptions): { checked: number; unchecked: number; text: string } | undefined {
  if (!options.schemas) return undefined;
  const checked = results.reduce((n, r) => n + (r.schemas?.checked ?? 0), 0);
  const unchecked = results.reduce((n, r) => n + (r.schemas?.unchecked ?? 0), 0);
  const why = options.schemas.crds ? 'no --k8s-schemas for built-in objects' : 'no --crds for custom resources';
  const skipped = unchecked > 0 ? `; ${unchecked} not checked (${why})` : '';
  return { checked, unchecked, text: `${checked} object${checked === 1 ? '' : 's'} checked against ${describeSchemaOptions(options.schemas)}${skipped}` };
}

/** Said on stderr when a run checks no schemas. */
const SCHEMAS_SKIPPED = 'Schema validation skipped: no --k8s-schemas or --crds (nor EDGE_K8S_SCHEMAS_DIR or EDGE_CRDS_DIR) given.';

/**
 * Prints every problem of a run that fails (on stderr; with `--json` as the documented error
 * object on stdout) and returns the exit code of an invalid fleet.
 */
function failWithProblems(problems: readonly Problem[], options: CommandOptions, what: string, after = ''): number {
  if (options.json) options.print(JSON.stringify({ error: { kind: 'invalid', message: what, problems } }));
  else options.printError(`${what}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}${after ? `\n${after}` : ''}`);
  return ExitCode.INVALID;
}

/**
 * synth: synthesizes the selected sites into the output folder. Each changed file
 * is written next to its target under a temporary name and renamed into place
 * only when every site succeeded, so a failed synth leaves the output as it was;
 * unchanged files are not touched; files of sites or resources that no longer
 * exist are removed (only in folders the run owns).
 */
export async function synthCommand(options: CommandOptions): Promise<number> {
  const started = Date.now();
  const cache = options.cache?.store;
  const fleet = fleetFiles(options);
  const { reports, checked } = await runWithFleetCheck('synth', options, options.sites, fleet.files);
  const problems = problemsOf(checked);
  if (problems.length > 0) {
    for (const report of reports) discardStagedSite(options.outdir, report, TEMP_SUFFIX);
    // Folders made only for the discarded files are empty now.
    pruneEmptyDirs(options.outdir, ownedDirs(options));
    return failWithProblems(problems, options, 'Synthesis failed', `Nothing was written (${problems.length} problem${problems.length === 1 ? '' : 's'}).`);
  }
  for (const report of reports) commitStagedSite(options.outdir, report, TEMP_SUFFIX);
  const dirs = new DirectoryMaker();
  for (const change of fleet.changes) {
    const target = join(options.outdir, change.path);
    dirs.ensure(join(target, '..'));
    writeFileSync(`${target}${TEMP_SUFFIX}`, change.content);
    renameSync(`${target}${TEMP_SUFFIX}`, target);
  }
  const wanted = new Set([...reports.flatMap((r) => r.paths), ...fleet.files.map((f) => f.path)]);
  const removed = removeStaleFiles(options.outdir, staleScanDirs(options, reports), wanted);
  if (cache) {
    for (const report of reports) if (report.cacheEntry) cache.record(report.site, report.cacheEntry);
    if (options.wholeFleet) cache.retain(new Set(options.sites.map((s) => s.name)));
    cache.save();
  }
  const written = reports.reduce((n, r) => n + r.written, 0) + fleet.changes.length;
  const files = reports.reduce((n, r) => n + r.fileCount, 0) + fleet.files.length;
  const objects = reports.reduce((n, r) => n + r.objectCount, 0);
  const reused = reports.filter((r) => r.reused).length;
  const schemas = schemaSummary(checked, options);
  if (options.json) {
    const schemaCounts = schemas ? { schemas: { checked: schemas.checked, unchecked: schemas.unchecked } } : {};
    options.print(JSON.stringify({ sites: options.sites.length, synthesized: options.sites.length - reused, reused, objects, written, unchanged: files - written, removed, ...schemaCounts }));
    return ExitCode.OK;
  }
  if (options.sites.length <= 50 || options.verbose) {
    for (const report of reports) options.print(`  ${report.site}: ${report.objectCount} objects, ${report.fileCount} files${report.reused ? ' (inputs unchanged)' : ''}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  options.print(`Synthesized ${options.sites.length} sites (${objects} objects) into ${relative(process.cwd(), options.outdir) || '.'}: ${written} files written, ${files - written} unchanged, ${removed} removed (${seconds}s).`);
  if (schemas) options.print(`Schemas: ${schemas.text}${reused ? `; ${reused} reused site${reused === 1 ? ' was' : 's were'} checked against the same schemas when synthesized` : ''}.`);
  return ExitCode.OK;
}

/** Every file in the folders a run owns, relative to the output folder. */
function listOwnedFiles(options: CommandOptions): string[] {
  return ownedDirs(options).flatMap((dir) => {
    const root = join(options.outdir, dir);
    return existsSync(root) ? listFiles(root, dir) : [];
  });
}

/** validate: every check synth makes, writing nothing. */
export async function validateCommand(options: CommandOptions): Promise<number> {
  const { reports, checked } = await runWithFleetCheck('validate', options, options.sites, fleetOutput(options));
  const problems = problemsOf(checked);
  const schemas = schemaSummary(checked, options);
  if (!schemas) options.printError(SCHEMAS_SKIPPED);
  if (options.json) {
    const schemaCounts = schemas ? { checked: schemas.checked, unchecked: schemas.unchecked } : null;
    options.print(JSON.stringify({ valid: problems.length === 0, sites: reports.length, problems, schemas: schemaCounts }));
  }
  if (problems.length > 0) {
    if (!options.json) failWithProblems(problems, options, 'Validation failed');
    return ExitCode.INVALID;
  }
  if (options.json) return ExitCode.OK;
  options.print(`${reports.length} sites are valid (${reports.reduce((n, r) => n + r.objectCount, 0)} objects).`);
  if (schemas) options.print(`Schemas: ${schemas.text}.`);
  return ExitCode.OK;
}

/** diff: what a synth would add, change or remove, per site and file; exit 1 when anything would change. */
export async function diffCommand(options: CommandOptions): Promise<number> {
  const fleet = fleetFiles(options);
  const { reports, checked } = await runWithFleetCheck('diff', options, options.sites, fleet.files);
  const problems = problemsOf(checked);
  if (problems.length > 0) return failWithProblems(problems, options, 'Synthesis failed');
  const wanted = new Set([...reports.flatMap((r) => r.paths), ...fleet.files.map((f) => f.path)]);
  const removed = listOwnedFiles(options).filter((path) => !wanted.has(path)).sort();
  const changes: (FileChange | { path: string; kind: 'removed' })[] = [
    ...reports.flatMap((r) => r.changes), ...fleet.changes.map(({ path, kind, patch }) => ({ path, kind, patch })), ...removed.map((path) => ({ path, kind: 'removed' as const })),
  ];
  if (options.json) {
    options.print(JSON.stringify({ changed: changes.length > 0, changes: changes.map(({ path, kind }) => ({ path, kind })) }));
  } else if (changes.length === 0) {
    options.print(`No changes: ${relative(process.cwd(), options.outdir) || '.'} is what a synth would write.`);
  } else {
    // sites/<site>/..., nodes/<site>/..., gitops/flux/<site>/...; the Fleet GitRepo belongs to the fleet.
    const siteOf = (path: string) => (path.startsWith('gitops/flux/') ? path.split('/')[2] : path.startsWith('gitops/') ? '(fleet)' : path.split('/')[1]);
    for (const site of [...new Set(changes.map((c) => siteOf(c.path)))].sort()) {
      options.print(`${site}:`);
      for (const change of changes.filter((c) => siteOf(c.path) === site)) options.print(`  ${change.kind.padEnd(7)} ${change.path}`);
    }
    for (const change of changes) if ('patch' in change && change.patch) options.print(change.patch);
    options.print(`${changes.length} file${changes.length === 1 ? '' : 's'} would change.`);
  }
  return changes.length > 0 ? ExitCode.CHANGES : ExitCode.OK;
}

/** The cluster model of a site and each convergence check's verdict, as `plan` prints them. */
function printConvergence(site: string, plan: ConvergencePlan, options: CommandOptions): void {
  options.print(`${site}: cluster ${plan.cluster}`);
  options.print(`  releases:      ${plan.releases.join(', ') || 'none'}`);
  for (const [source, apis] of Object.entries(plan.servedApis)) options.print(`  serves (${source}): ${apis.join(', ')}`);
  options.print(`  controllers:   ${plan.controllers.join(', ') || 'none'}`);
  options.print(`  provides:      ${plan.provides.join(', ') || 'nothing'}`);
  options.print(`  prerequisites: ${plan.prerequisites.join('; ') || 'none'}`);
  for (const [check, verdict] of Object.entries(plan.checks)) {
    options.print(`  ${`${check}:`.padEnd(14)} ${verdict === 'ok' ? 'ok' : `${verdict.length} problem${verdict.length === 1 ? '' : 's'}`}`);
  }
}

/** plan: per site, objects by kind, images, requests against each node's allocatable, Pod Security per namespace. */
export async function planCommand(options: CommandOptions): Promise<number> {
  const reports = await run('plan', options, options.sites);
  const problems = [...problemsOf(reports), ...checkSharedControlPlane(reports.flatMap((r) => (r.sharedControlPlane ? [r.sharedControlPlane] : [])))];
  if (options.json) {
    options.print(JSON.stringify(reports.map((r) => ({ site: r.site, problems: r.problems, ...r.plan }))));
    return problems.length > 0 ? ExitCode.INVALID : ExitCode.OK;
  }
  for (const report of reports) {
    if (!report.plan) continue;
    const plan = report.plan;
    if (plan.convergence) printConvergence(report.site, plan.convergence, options);
    if (report.problems.length > 0) continue;
    options.print(`${report.site}: ${report.objectCount} objects, bundle ${(report.bundleBytes / 1024).toFixed(1)} KiB`);
    options.print(`  objects:    ${Object.entries(plan.objectsByKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    options.print(`  images:     ${plan.images.join(', ') || 'none'}`);
    options.print(`  namespaces: ${Object.entries(plan.namespaces).map(([ns, level]) => `${ns}=${level}`).join(', ')}`);
    const rows = [['node', 'tier', 'cpu requested/allocatable', 'memory requested/allocatable', 'pods'],
      ...plan.nodes.map((n) => [n.name, n.tier, `${n.cpu.requested}/${n.cpu.allocatable}`, `${n.memory.requested}/${n.memory.allocatable}`, `${n.pods.requested}/${n.pods.max}`])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) options.print(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}`);
  }
  if (problems.length > 0) return failWithProblems(problems, options, 'Some sites do not synthesize');
  return ExitCode.OK;
}
