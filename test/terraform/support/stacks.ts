import type { SiteSpec } from '../../../lib';
import { resolveSiteSpec } from '../../../lib/fleet/inventory';
import type { ResolvedSiteSpec } from '../../../lib/core/spec/site-spec';
import { ClusterPlatform, terraformFiles, TerraformFilesOptions } from '../../../lib/terraform';

/** A resolved site with `count` nodes (the first a server). */
export function site(overrides: Partial<SiteSpec> = {}, count = 1): ResolvedSiteSpec {
  const nodes = Array.from({ length: count }, (_, i) => ({ name: `node-${i + 1}`, ...(i === 0 ? { role: 'server' as const } : {}), capacity: { cpu: '4', memory: '8Gi' } }));
  return resolveSiteSpec({
    name: 'site-a', tier: 'mini', nodes, ...(count > 1 ? { cluster: { serverUrl: 'https://10.0.0.10:6443' } } : {}), ...overrides,
  });
}

/** Every platform component on. */
export function fullPlatform(nodeCount = 2): ClusterPlatform {
  return {
    cni: 'cilium', certManager: true, nodeCount,
    spire: { trustDomain: 'edge.example.com' },
    monitoring: { mode: 'operator' }, longhorn: { replicaCount: Math.min(2, nodeCount) }, falco: true,
  };
}

/** Terraform JSON of one site's stack, parsed. */
export function siteStack(spec: ResolvedSiteSpec, options: TerraformFilesOptions = {}): any {
  const files = terraformFiles([spec], { settings: { access: { context: '{site}' }, ...options.settings }, ...(options.platform ? { platform: options.platform } : {}), ...(options.siteSettings ? { siteSettings: options.siteSettings } : {}) });
  return JSON.parse(files[0].content);
}

/** The helm_release resources of a stack. */
export function releasesOf(stack: any): Record<string, any> {
  return stack.resource?.helm_release ?? {};
}

/** The decoded values of a release. */
export function valuesOf(release: any): any {
  expect(release.values).toHaveLength(1);
  return JSON.parse(release.values[0]);
}
