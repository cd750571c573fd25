import { AI_INFERENCE_COMPONENT } from '../ai/ai-component';
import { databaseComponent, localStorageComponent, registryCacheComponent } from '../data/data-components';
import { DEVICES_COMPONENT } from '../devices/devices-component';
import { EDGE_APPLICATIONS_COMPONENT, YURT_APP_SETS_COMPONENT } from '../flavors/flavor-components';
import { MEC_SERVICES_COMPONENT } from '../mec/mec-component';
import { MONITORING_COMPONENT } from '../monitoring/monitoring-component';
import { dataSyncComponent, offlineAgentComponent } from '../offline/offline-components';
import { EDGE_CERTIFICATES_COMPONENT } from '../security/edge-certificates';
import { EDGE_ISOLATION_COMPONENT } from '../security/edge-isolation';
import { RUNTIME_SECURITY_COMPONENT } from '../security/runtime-security';
import { SPIRE_EDGE_COMPONENT } from '../security/spire-edge';
import type { EdgeSite } from './edge-site';
import type { SiteComponentsSpec } from '../core/spec/site-components';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { Problems } from '../core/validation/problems';

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

let components: readonly ComponentDefinition[] | undefined;

/**
 * Every component, in the order EdgeSite builds them (a component that others
 * reference comes first). Isolation is last: it reads the ports of everything
 * built before it. Built on first use: the component modules import EdgeSite,
 * which imports this registry, so a list built at load time could hold modules
 * that are not loaded yet.
 */
export function siteComponents(): readonly ComponentDefinition[] {
  components ??= [
    MONITORING_COMPONENT,
    localStorageComponent,
    databaseComponent,
    registryCacheComponent,
    dataSyncComponent,
    offlineAgentComponent,
    MEC_SERVICES_COMPONENT,
    AI_INFERENCE_COMPONENT,
    DEVICES_COMPONENT,
    YURT_APP_SETS_COMPONENT,
    EDGE_APPLICATIONS_COMPONENT,
    SPIRE_EDGE_COMPONENT,
    EDGE_CERTIFICATES_COMPONENT,
    RUNTIME_SECURITY_COMPONENT,
    EDGE_ISOLATION_COMPONENT,
  ] as readonly ComponentDefinition<any>[];
  return components;
}
