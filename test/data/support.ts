import { checkWorkloadPodSecurity, EdgeSite, namespaceEnforceLevel, ResolvedSiteSpec, SiteSpec, validateInventory } from '../../lib';
import { Problems } from '../../lib/core/validation/problems';
import { validateConstructs } from '../../lib/core/manifests';
import { buildSite, microSite, rawInventory, synthObjects } from '../support/fixtures';
import { conformanceValidators } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

/** Node specs with local disks, for storage tests. */
export const diskNodes: SiteSpec['nodes'] = [
  { name: 'srv', role: 'server', tier: 'mini', capacity: { cpu: '8', memory: '16Gi' }, disks: [{ name: 'data', path: '/mnt/data', capacity: '100Gi' }, { name: 'backup', path: '/mnt/backup', capacity: '100Gi' }] },
  { name: 'agt', tier: 'mini', capacity: { cpu: '8', memory: '16Gi' }, disks: [{ name: 'cache', path: '/mnt/cache', capacity: '200Gi' }, { name: 'spool', path: '/mnt/spool', capacity: '20Gi' }] },
];

/** A two-node mini site with four disks and a cloud CIDR. */
export function storageSite(overrides: Partial<SiteSpec> = {}): EdgeSite {
  return buildSite(microSite({
    tier: 'mini', nodes: diskNodes, cluster: { serverUrl: 'https://10.0.0.1:6443' }, network: { cloudCidrs: ['203.0.113.0/24'] }, ...overrides,
  }));
}

/** A resolved site of the raw inventory fixture (named site-a, at sites[0]), with overrides. */
export function resolvedSite(overrides: Record<string, unknown> = {}): ResolvedSiteSpec {
  const { sites, problems } = validateInventory(rawInventory(overrides));
  if (problems.length > 0) throw new Error(`invalid test site: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return sites[0];
}

/** The problems a component's inventory reader reports, as `path: message`. */
export function readProblems(read: (value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec) => unknown,
  value: unknown, path: string, site: ResolvedSiteSpec): string[] {
  const problems = new Problems();
  read(value, path, problems, site);
  return problems.list.map((p) => `${p.path}: ${p.message}`);
}

/** Every construct validation problem of a site (what EdgeFleet reports), as `path: message`. */
export function validationProblems(site: EdgeSite): string[] {
  return validateConstructs(site).map((p) => `${p.path}: ${p.message}`);
}

/**
 * Strict schema errors (1.25 and 1.32, CRDs) of every object of the site, plus every
 * pod template that breaks its namespace's Pod Security level or needs more than
 * restricted without saying why.
 */
export function conformanceProblems(site: EdgeSite): string[] {
  const objects = synthObjects(site);
  const errors = validateObjects(objects, conformanceValidators());
  const levels = new Map(objects.filter((o) => o.kind === 'Namespace').map((ns) => [ns.metadata.name, namespaceEnforceLevel(ns)]));
  for (const object of objects) {
    const level = levels.get(object.metadata.namespace);
    if (!level) continue;
    for (const v of checkWorkloadPodSecurity(object, level, { version: '1.25' })) errors.push(`${object.kind} ${object.metadata.name}: ${v.path}: ${v.message}`);
    if (checkWorkloadPodSecurity(object, 'restricted', { version: '1.25' }).length > 0 && !object.metadata.annotations?.['edge.cdk8s.io/pss-exception']) {
      errors.push(`${object.kind} ${object.metadata.name} needs more than restricted without an exception annotation`);
    }
  }
  return errors;
}
