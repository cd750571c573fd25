import { hubWithSharedControlPlaneSites, hubWithSiteFlavors } from '../cluster/hub-flavors';
import { hubWithSpireSites } from '../security/spire-hub';
import type { CloudHubOptions } from '../terraform/cloud-hub-options';
import type { ResolvedSiteSpec, SiteSpec } from '../core/spec/site-spec';

/**
 * The hub as the fleet's sites need it: yurt-manager for OpenYurt sites, the hub-mode SPIRE
 * sites' clusters on its server, and the sites that join its control plane, whose platform
 * layer its stack installs. What the hub's options say already is kept, so a hub derived
 * once (from the whole inventory) stays as it is when built again for some of its sites.
 */
export function hubForSites(hub: CloudHubOptions, sites: readonly (SiteSpec | ResolvedSiteSpec)[]): CloudHubOptions {
  return hubWithSharedControlPlaneSites(hubWithSpireSites(hubWithSiteFlavors(hub, sites), sites), sites);
}
