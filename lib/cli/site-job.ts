import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { SharedControlPlaneFootprint } from '../convergence/check-shared-control-plane';
import { controllerOfImage } from '../convergence/controllers';
import type { ConvergenceReport } from '../convergence/convergence';
import { fitWorkloads } from '../core/node/capacity';
import { formatProblem } from '../core/validation/problems';
import { imagesOf } from '../core/workload/images';
import { apiObjectsOf } from '../core/manifests';
import { formatBytes, formatCpuMillis } from '../core/validation/quantity';
import { EdgeFleet } from '../fleet/edge-fleet';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { EdgeValidationError, Problem } from '../core/validation/validation-error';
import type { SchemaOptions } from './schema-options';
import { DirectoryMaker, FileChange, stageSiteFiles } from './site-output';
import { checkSiteSchemas, SchemaCounts } from './site-schemas';
import { CacheCheck, CachedSite, isReusable, siteInputHash } from './synth-cache';

/** What a worker does with each site. */
export type JobMode = 'synth' | 'validate' | 'diff' | 'plan';

/** Where a job reads and writes. */
export interface JobContext {
  readonly mode: JobMode;
  /** The output folder (synth) or the folder compared against (diff). */
  readonly outdir: string;
  /**
   * Synth writes each changed file next to its target under this suffix; the
   * files are renamed into place only when every site succeeded.
   */
  readonly tempSuffix: string;
  /**
   * Validate every object against these schemas before anything is written.
   * @default - objects are not checked against schemas
   */
  readonly schemas?: SchemaOptions;
  /**
   * Synth only: reuse a site whose cached inputs are unchanged (the runner passes a cached
   * entry only for sites whose files were verified on disk).
   * @default - every site is synthesized
   */
  readonly cache?: CacheCheck;
}

/** One node's load in a plan. */
export interface NodePlan {
  readonly name: string;
  readonly tier: string;
  readonly cpu: { readonly requested: string; readonly allocatable: string };
  readonly memory: { readonly requested: string; readonly allocatable: string };
  readonly pods: { readonly requested: number; readonly max: number };
}

/** A site's cluster model and convergence verdicts as `plan` shows them. */
export interface ConvergencePlan {
  /** Kubernetes version and distribution, e.g. `k3s, Kubernetes 1.30`. */
  readonly cluster: string;
  /** The platform layer's Helm releases (`chart version (namespace)`), the hub's marked. */
  readonly releases: readonly string[];
  /** Served custom resource APIs by what serves them. */
  readonly servedApis: Readonly<Record<string, readonly string[]>>;
  /** The known controllers that run on the cluster, with where they come from. */
  readonly controllers: readonly string[];
  /** Metrics APIs and extended resources, with what serves them. */
  readonly provides: readonly string[];
  /** The declared prerequisites, with their reasons. */
  readonly prerequisites: readonly string[];
  /** Per check: `ok`, or its problems. */
  readonly checks: Readonly<Record<string, 'ok' | readonly string[]>>;
}

/** A site as `plan` shows it. */
export interface SitePlan {
  readonly convergence?: ConvergencePlan;
  readonly objectsByKind: Record<string, number>;
  readonly images: string[];
  readonly nodes: NodePlan[];
  readonly namespaces: Record<string, string>;
}

/** What a worker reports for one site. */
export interface SiteReport {
  readonly site: string;
  readonly problems: readonly Problem[];
  readonly objectCount: number;
  /** Bytes of the site's Kubernetes bundle (`sites/<site>/`). */
  readonly bundleBytes: number;
  /** How many files the site has. */
  readonly fileCount: number;
  /**
   * The site's files, relative to the output folder; in synth mode only those outside
   * `stagedDirs` (the folders that can hold stale files), none for a reused site.
   */
  readonly paths: readonly string[];
  /** Files that differ from the output folder (staged one by one in synth mode). */
  readonly changes: readonly FileChange[];
  /** Synth: how many of the site's files were written (changed or new). */
  readonly written: number;
  /** Synth: new site folders, staged whole. */
  readonly stagedDirs: readonly string[];
  /** Synth with a cache: the site was not synthesized, its cached files are current. */
  readonly reused: boolean;
  /**
   * Synth with a cache: what to remember of the site once its files are committed.
   * @default - nothing (no cache, or the site was reused or failed)
   */
  readonly cacheEntry?: CachedSite;
  readonly plan?: SitePlan;
  /** What deserves a look but did not stop the site (`<construct path>: <message>`). */
  readonly warnings?: readonly string[];
  /** How many of the site's objects the schemas covered (when the run checks schemas). */
  readonly schemas?: SchemaCounts;
  /**
   * What the site writes into the hub's control plane, for the fleet-wide clash check.
   * @default - the site runs its own control plane
   */
  readonly sharedControlPlane?: SharedControlPlaneFootprint;
}

/**
 * Synthesizes one site and does what the mode asks with the result. In synth mode with
 * a cache, a site whose inputs are unchanged (and files verified) is reused without synthesizing it.
 */
export function runSiteJob(fleet: EdgeFleet, spec: ResolvedSiteSpec, context: JobContext, dirs: DirectoryMaker, cached?: CachedSite): SiteReport {
  const empty = { site: spec.name, objectCount: 0, bundleBytes: 0, fileCount: 0, paths: [], changes: [], written: 0, stagedDirs: [], reused: false };
  const cache = context.mode === 'synth' ? context.cache : undefined;
  const inputHash = cache && siteInputHash(spec, cache.fleetInputs);
  if (cache && isReusable(cached, inputHash!, cache)) {
    return {
      ...empty, problems: [], objectCount: cached.objectCount, bundleBytes: cached.bundleBytes, fileCount: cached.fileCount, reused: true,
      ...(cached.sharedControlPlane ? { sharedControlPlane: cached.sharedControlPlane } : {}),
    };
  }
  try {
    const synthesis = fleet.synthSite(spec);
    const { problems: schemaProblems, ...counts } = checkSiteSchemas(synthesis.files, context.schemas);
    if (schemaProblems.length > 0) return { ...empty, objectCount: synthesis.objectCount, problems: schemaProblems, ...counts };
    const bundleBytes = synthesis.files.filter((f) => f.path.startsWith('sites/')).reduce((n, f) => n + Buffer.byteLength(f.content), 0);
    const result = {
      ...empty, problems: [], objectCount: synthesis.objectCount, bundleBytes, fileCount: synthesis.files.length, ...counts,
      ...(synthesis.sharedControlPlane ? { sharedControlPlane: synthesis.sharedControlPlane } : {}),
      ...(synthesis.warnings.length > 0 ? { warnings: synthesis.warnings } : {}),
    };
    switch (context.mode) {
      case 'synth': {
        const staged = stageSiteFiles(context.outdir, spec.name, synthesis.files, context.tempSuffix, dirs);
        const cacheEntry: CachedSite | undefined = cache && {
          inputHash: inputHash!, objectCount: result.objectCount, bundleBytes, fileCount: result.fileCount,
          ...(cache.schemas !== undefined ? { schemas: cache.schemas } : {}), digest: staged.digest,
          ...(synthesis.sharedControlPlane ? { sharedControlPlane: synthesis.sharedControlPlane } : {}),
        };
        const written = staged.changes.length + result.fileCount - staged.paths.length;
        return { ...result, paths: staged.paths, changes: staged.changes, written, stagedDirs: staged.stagedDirs, ...(cacheEntry ? { cacheEntry } : {}) };
      }
      case 'diff':
        return { ...result, paths: synthesis.files.map((f) => f.path), changes: synthesis.files.flatMap((file) => fileDiff(context.outdir, file.path, file.content)) };
      case 'plan':
        return { ...result, paths: synthesis.files.map((f) => f.path), plan: { convergence: convergencePlan(synthesis.convergence), ...planSite(fleet, spec) } };
      case 'validate':
        return { ...result, paths: synthesis.files.map((f) => f.path) };
    }
  } catch (error) {
    if (!(error instanceof EdgeValidationError)) throw error;
    // plan shows the cluster model and each check's verdict even when the site does not converge.
    const convergence = context.mode === 'plan' ? fleet.convergenceOf(spec) : undefined;
    return { ...empty, problems: error.problems, ...(convergence ? { plan: { convergence: convergencePlan(convergence), objectsByKind: {}, images: [], nodes: [], namespaces: {} } } : {}) };
  }
}

/** The plan's view of a cluster model and its verdicts. */
export function convergencePlan(report: ConvergenceReport): ConvergencePlan {
  const { model } = report;
  const servedApis: Record<string, string[]> = {};
  for (const crd of model.crds) (servedApis[crd.source] ??= []).push(`${crd.plural}.${crd.group} ${crd.versions.join(',')}`);
  const controllers = new Map<string, string>();
  for (const r of model.running) {
    const controller = controllerOfImage(r.image);
    if (controller && !controllers.has(controller.name)) controllers.set(controller.name, `${controller.name} (${r.source})`);
  }
  return {
    cluster: `${model.distribution}, Kubernetes 1.${model.minor}`,
    releases: model.releases.map((r) => `${r.hub ? 'hub: ' : ''}${r.chart} ${r.version} (${r.namespace})`),
    servedApis: Object.fromEntries(Object.entries(servedApis).sort(([a], [b]) => a.localeCompare(b))),
    controllers: [...controllers.values()].sort(),
    provides: [...[...model.metricsApis].map(([api, by]) => `${api} by ${by}`), ...[...model.extendedResources].map(([r, by]) => `${r} by ${by}`)].sort(),
    prerequisites: model.prerequisites.map((p) => `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}: ${p.reason}`),
    checks: Object.fromEntries(report.verdicts.map((v) => [v.check, v.problems.length === 0 ? 'ok' : v.problems.map(formatProblem)])),
  };
}

/** How a file compares with the one in the output folder, as a unified diff; nothing when they are equal. */
export function fileDiff(outdir: string, path: string, content: string): FileChange[] {
  const target = join(outdir, path);
  const existing = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (existing === content) return [];
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, existing ?? '', content, '', '', { context: 3 });
  return [{ path, kind: existing === undefined ? 'added' : 'changed', patch }];
}

function planSite(fleet: EdgeFleet, spec: ResolvedSiteSpec): Omit<SitePlan, 'convergence'> {
  const site = fleet.buildSite(spec);
  const objects = apiObjectsOf(site);
  const objectsByKind: Record<string, number> = {};
  for (const o of objects) objectsByKind[o.kind] = (objectsByKind[o.kind] ?? 0) + 1;
  const fit = fitWorkloads(site.nodes.map((n) => n.allocatable), site.workloadDemands);
  return {
    objectsByKind: Object.fromEntries(Object.entries(objectsByKind).sort(([a], [b]) => a.localeCompare(b))),
    images: imagesOf(objects),
    nodes: fit.loads.map((l) => ({
      name: l.node.name,
      tier: l.node.tier,
      cpu: { requested: formatCpuMillis(l.cpuMillis), allocatable: formatCpuMillis(l.node.cpuMillis) },
      memory: { requested: formatBytes(l.memoryBytes), allocatable: formatBytes(l.node.memoryBytes) },
      pods: { requested: l.pods, max: l.node.maxPods },
    })),
    namespaces: Object.fromEntries(site.siteNamespaces.map((ns) => [ns.name, ns.podSecurity]).sort(([a], [b]) => a.localeCompare(b))),
  };
}
