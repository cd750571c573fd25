import type { ResolvedSiteSpec } from '../core/spec/site-spec';

/**
 * Resolved specs that arrived from another thread. The CLI's main thread validates the
 * whole inventory before any site is synthesized and sends the resolved specs to its
 * workers as structured clones, which nothing else holds; validating each again in the
 * worker (when EdgeSite resolves its spec) costs as much as a tenth of a site's synthesis
 * and gives the same spec (resolving is idempotent, which a test checks).
 */
const trusted = new WeakSet<object>();

/** Marks specs resolved in another thread, so `isTrustedResolvedSpec` knows them. */
export function trustResolvedSpecs(specs: readonly ResolvedSiteSpec[]): void {
  for (const spec of specs) trusted.add(spec);
}

/** Whether a spec was marked by `trustResolvedSpecs`. */
export function isTrustedResolvedSpec(spec: object): spec is ResolvedSiteSpec {
  return trusted.has(spec);
}
