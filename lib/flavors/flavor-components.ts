import { childPath, Problems } from '../core/validation/problems';
import { readApp } from '../core/validation/read-app';
import { describe, MappingReader } from '../core/validation/reader';
import type { EdgeSite } from '../fleet/edge-site';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { TIERS } from '../core/spec/tier';
import { KubeEdgeApplication } from './kubeedge-application';
import { OpenYurtAppSet } from './openyurt-app-set';
import type { KubeEdgeApplicationOptions, OpenYurtAppSetOptions, SpreadTargetOptions } from './spread-options';
import { checkSpreadOptions, EDGE_APPLICATION_KIND, SpreadKind, YURT_APP_SET_KIND } from './private/spread-rules';

/** `components.yurtAppSets`: workloads spread over an OpenYurt site's Edge pools. */
export const YURT_APP_SETS_COMPONENT = {
  key: 'yurtAppSets' as const,
  read(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): OpenYurtAppSetOptions[] | undefined {
    return readSpreadApps(value, path, problems, site, YURT_APP_SET_KIND) as OpenYurtAppSetOptions[] | undefined;
  },
  build(site: EdgeSite, options: readonly OpenYurtAppSetOptions[]): void {
    for (const o of options) new OpenYurtAppSet(site, `YurtAppSet-${o.namespace}-${o.name}`, o);
  },
};

/** `components.edgeApplications`: workloads spread over a KubeEdge site's node groups. */
export const EDGE_APPLICATIONS_COMPONENT = {
  key: 'edgeApplications' as const,
  read(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): KubeEdgeApplicationOptions[] | undefined {
    return readSpreadApps(value, path, problems, site, EDGE_APPLICATION_KIND) as KubeEdgeApplicationOptions[] | undefined;
  },
  build(site: EdgeSite, options: readonly KubeEdgeApplicationOptions[]): void {
    for (const o of options) new KubeEdgeApplication(site, `EdgeApplication-${o.namespace}-${o.name}`, o);
  },
};

/**
 * Reads a list of spread workloads: each an app (read like the site's apps) plus its
 * pools or groups, checked with the constructs' own rules.
 */
function readSpreadApps(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec, kind: SpreadKind): Record<string, unknown>[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list, got ${describe(value)}`);
    return undefined;
  }
  const result: Record<string, unknown>[] = [];
  const seen = new Map<string, string>();
  value.forEach((item, i) => {
    const at = childPath(path, i);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.add(at, `must be a mapping, got ${describe(item)}`);
      return;
    }
    const { [kind.key]: rawTargets, ...rawApp } = item as Record<string, unknown>;
    const app = readApp(rawApp, at, problems);
    if (rawTargets === undefined) problems.add(childPath(at, kind.key), `is required: the ${kind.key} it runs in, each with tier and replicas`);
    const targets = rawTargets === undefined ? undefined : readTargets(rawTargets, childPath(at, kind.key), problems);
    if (!app) return;
    checkSpreadOptions(app, targets, kind, site, at, problems);
    const key = `${app.namespace}/${app.name}`;
    const first = seen.get(key);
    if (first) problems.add(childPath(at, 'name'), `${key} is already defined at ${first}`);
    else seen.set(key, at);
    if (targets) result.push({ ...app, [kind.key]: targets });
  });
  return result;
}

function readTargets(value: unknown, path: string, problems: Problems): SpreadTargetOptions[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list, got ${describe(value)}`);
    return undefined;
  }
  const targets: SpreadTargetOptions[] = [];
  value.forEach((item, i) => {
    const r = MappingReader.of(item, childPath(path, i), problems, ['tier', 'replicas']);
    if (!r) return;
    r.require('tier', `one of ${TIERS.join(', ')}`);
    r.require('replicas', 'the pods it runs there');
    const tier = r.oneOf('tier', TIERS);
    const replicas = r.integer('replicas', 1, 1000);
    if (tier !== undefined && replicas !== undefined) targets.push({ tier, replicas });
  });
  return targets.length === value.length ? targets : undefined;
}
