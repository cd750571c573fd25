import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { fitWorkloads } from '../node/capacity';
import { imagesOf } from '../private/images';
import { apiObjectsOf } from '../private/manifests';
import { formatBytes, formatCpuMillis } from '../private/quantity';
import { EdgeFleet } from '../site/edge-fleet';
import type { ResolvedSiteSpec } from '../site/site-spec';
import { EdgeValidationError, Problem } from '../site/validation-error';
import type { SchemaOptions } from './schema-options';
import { checkSiteSchemas, SchemaCounts } from './site-schemas';

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
}

/** How one file of a site compares with what is on disk. */
export interface FileChange {
  readonly path: string;
  readonly kind: 'added' | 'changed';
  /** Unified diff (diff mode only). */
  readonly patch?: string;
}

/** One node's load in a plan. */
export interface NodePlan {
  readonly name: string;
  readonly tier: string;
  readonly cpu: { readonly requested: string; readonly allocatable: string };
  readonly memory: { readonly requested: string; readonly allocatable: string };
  readonly pods: { readonly requested: number; readonly max: number };
}

/** A site as `plan` shows it. */
export interface SitePlan {
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
  /** Every file the site has, relative to the output folder. */
  readonly paths: readonly string[];
  /** Files that differ from the output folder (staged in synth mode). */
  readonly changes: readonly FileChange[];
  readonly plan?: SitePlan;
  /** What deserves a look but did not stop the site (`<construct path>: <message>`). */
  readonly warnings?: readonly string[];
  /** How many of the site's objects the schemas covered (when the run checks schemas). */
  readonly schemas?: SchemaCounts;
}

/** Synthesizes one site and does what the mode asks with the result. */
export function runSiteJob(fleet: EdgeFleet, spec: ResolvedSiteSpec, context: JobContext, dirs: DirectoryMaker): SiteReport {
  const empty = { site: spec.name, objectCount: 0, bundleBytes: 0, paths: [], changes: [] };
  try {
    const synthesis = fleet.synthSite(spec);
    const { problems: schemaProblems, ...counts } = checkSiteSchemas(synthesis.files, context.schemas);
    if (schemaProblems.length > 0) return { ...empty, objectCount: synthesis.objectCount, problems: schemaProblems, ...counts };
    const changes: FileChange[] = [];
    let bundleBytes = 0;
    for (const file of synthesis.files) {
      if (file.path.startsWith('sites/')) bundleBytes += Buffer.byteLength(file.content);
      if (context.mode === 'validate' || context.mode === 'plan') continue;
      const target = join(context.outdir, file.path);
      const existing = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
      if (existing === file.content) continue;
      const kind = existing === undefined ? 'added' : 'changed';
      if (context.mode === 'synth') {
        // Creating a file is the expensive part on most disks: write it once, next
        // to its target, and only rename it later.
        dirs.ensure(dirname(target));
        writeFileSync(`${target}${context.tempSuffix}`, file.content);
        changes.push({ path: file.path, kind });
      } else {
        changes.push({ path: file.path, kind, patch: createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, existing ?? '', file.content, '', '', { context: 3 }) });
      }
    }
    return {
      site: spec.name, problems: [], objectCount: synthesis.objectCount, bundleBytes,
      paths: synthesis.files.map((f) => f.path), changes, ...counts,
      ...(synthesis.warnings.length > 0 ? { warnings: synthesis.warnings } : {}),
      ...(context.mode === 'plan' ? { plan: planSite(fleet, spec) } : {}),
    };
  } catch (error) {
    if (error instanceof EdgeValidationError) return { ...empty, problems: error.problems };
    throw error;
  }
}

/** mkdir -p that asks the disk once per folder in a run: most files of a site share a few folders. */
export class DirectoryMaker {
  private readonly known = new Set<string>();

  public ensure(dir: string): void {
    if (this.known.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.known.add(dir);
  }
}

function planSite(fleet: EdgeFleet, spec: ResolvedSiteSpec): SitePlan {
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
