import type { EdgeSite } from '../site/edge-site';
import type { SiteComponentsSpec } from '../site/site-components';
import type { ResolvedSiteSpec } from '../site/site-spec';
import { Problems } from './problems';

/**
 * How the inventory and EdgeSite know a component: how to read its block under
 * `components:` (shape and rules, every problem with its path), and how to add it
 * to a site. `read` must accept what it returned before, because a resolved site
 * is validated again when its EdgeSite is built.
 */
export interface ComponentDefinition<K extends keyof SiteComponentsSpec = keyof SiteComponentsSpec> {
  /** The key under `components:`. */
  readonly key: K;
  /**
   * Reads and checks the block. `site` has every other field of the site resolved
   * (nodes, network, apps), so cross-field rules can be checked here.
   */
  read(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): SiteComponentsSpec[K] | undefined;
  /** Adds the component to the site. */
  build(site: EdgeSite, options: NonNullable<SiteComponentsSpec[K]>): void;
}

/**
 * Every component, in the order EdgeSite builds them (a component that others
 * reference comes first).
 */
export const COMPONENTS: readonly ComponentDefinition[] = [];
