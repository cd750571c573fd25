import { App, Testing } from 'cdk8s';
import { EdgeSite, SiteSpec } from '../../lib';

/** A small valid site: one micro server node. */
export function microSite(overrides: Partial<SiteSpec> = {}): SiteSpec {
  return {
    name: 'test-site',
    tier: 'micro',
    nodes: [{ name: 'node-1', capacity: { cpu: '4', memory: '4Gi' } }],
    ...overrides,
  };
}

/** A raw inventory (as parsed from YAML) with one valid site, for validation tests. */
export function rawInventory(site: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sites: [{
      name: 'site-a',
      tier: 'micro',
      nodes: [{ name: 'node-1', capacity: { cpu: '4', memory: '4Gi' } }],
      ...site,
    }],
    ...extra,
  };
}

/** Builds a site in a fresh App and returns the chart. */
export function buildSite(spec: SiteSpec): EdgeSite {
  const app = Testing.app();
  return new EdgeSite(app, spec.name, { spec });
}

/** Every synthesized object of a site. */
export function synthObjects(site: EdgeSite): any[] {
  return Testing.synth(site);
}

/** The object of a kind and name. */
export function findObject(objects: any[], kind: string, name: string, namespace?: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ''}${name} in ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found;
}

/** A new empty App, for tests that build constructs by hand. */
export function newApp(): App {
  return Testing.app();
}
