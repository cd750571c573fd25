import { checkEdgeAppOptions } from '../../core/validation/edge-app-rules';
import { childPath, Problems } from '../../core/validation/problems';
import type { EdgeAppOptions } from '../../core/site/edge-app';
import type { ClusterFlavor, ResolvedSiteSpec } from '../../core/spec/site-spec';
import { isTier, TIERS } from '../../core/spec/tier';
import { spreadNodes } from '../../core/site/flavor-labels';
import type { SpreadTargetOptions } from '../spread-options';

/** What differs between the OpenYurt and KubeEdge spread workloads, for the rules and messages. */
export interface SpreadKind {
  /** The flavor the site must run. */
  readonly flavor: ClusterFlavor;
  /** The key of the targets: `pools` or `groups`. */
  readonly key: 'pools' | 'groups';
  /** How a target is called in messages. */
  readonly noun: string;
  /** The object that spreads it, for messages. */
  readonly object: string;
}

export const YURT_APP_SET_KIND: SpreadKind = { flavor: 'openyurt', key: 'pools', noun: 'Edge pool', object: 'a YurtAppSet' };
export const EDGE_APPLICATION_KIND: SpreadKind = { flavor: 'kubeedge', key: 'groups', noun: 'node group', object: 'an EdgeApplication' };

/**
 * The rules of a spread workload, shared by its construct and the inventory: the
 * app's own rules (the EdgeApp's), the site's flavor, and targets that exist.
 */
export function checkSpreadOptions(
  app: EdgeAppOptions, targets: readonly SpreadTargetOptions[] | undefined, kind: SpreadKind,
  site: ResolvedSiteSpec, path: string, problems: Problems,
): void {
  const at = (key: string) => childPath(path, key);
  if (site.cluster.flavor !== kind.flavor) {
    problems.add(path, `${kind.object} needs cluster.flavor ${kind.flavor}; site ${site.name} runs ${site.cluster.flavor}`);
  }
  checkEdgeAppOptions(app, site, path, problems);
  if (app.kind === 'DaemonSet') problems.add(at('kind'), `${kind.object} spreads a Deployment over ${kind.key}; a DaemonSet already runs on every node of its tier (use the site's apps)`);
  if (app.replicas !== undefined) problems.add(at('replicas'), `is given per ${kind.noun}: set replicas under ${kind.key}`);
  if (app.node !== undefined) problems.add(at('node'), `pins the pods to one node, but ${kind.object} runs them in ${kind.key}`);
  if (app.tier !== undefined) problems.add(at('tier'), `comes from the ${kind.key}: each of them is the site's edge nodes of one tier`);

  if (targets === undefined) return;
  if (targets.length === 0) problems.add(at(kind.key), `must list at least one ${kind.noun}`);
  const available = TIERS.filter((t) => spreadNodes(site).some((n) => n.tier === t));
  const seen = new Set<string>();
  targets.forEach((target, i) => {
    const tat = childPath(at(kind.key), i);
    if (!isTier(target.tier)) {
      problems.add(childPath(tat, 'tier'), `"${String(target.tier)}" is not one of ${TIERS.join(', ')}`);
    } else if (!available.includes(target.tier)) {
      problems.add(childPath(tat, 'tier'), `site ${site.name} has no ${kind.noun} of tier ${target.tier}; its ${kind.key}: ${available.join(', ') || 'none (it has no edge nodes)'}`);
    } else if (seen.has(target.tier)) {
      problems.add(childPath(tat, 'tier'), `the ${kind.noun} of tier ${target.tier} is listed twice`);
    }
    seen.add(target.tier);
    if (!Number.isInteger(target.replicas) || target.replicas < 1 || target.replicas > 1000) {
      problems.add(childPath(tat, 'replicas'), `must be a whole number from 1 to 1000, got ${String(target.replicas)}`);
    }
  });
}
