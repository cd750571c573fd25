import { resolveSiteSpec, SiteSpec } from '../../lib';
import { hubFlavorProblems, hubWithSiteFlavors } from '../../lib/cluster/hub-flavors';
import type { CloudHubOptions } from '../../lib/terraform/cloud-hub-options';
import { microSite } from '../support/fixtures';

const hub: CloudHubOptions = { access: { context: 'cloud-hub' } };
const kubeEdgeHub: CloudHubOptions = { ...hub, kubeEdge: { chartRepository: 'oci://registry.example.com/charts', advertiseAddresses: ['203.0.113.20'], dnsNames: ['cloudcore.example.com'] } };
const openYurtSite: SiteSpec = microSite({ name: 'yurt-site', cluster: { flavor: 'openyurt' } });
const kubeEdgeSite = (address = 'cloudcore.example.com'): SiteSpec => microSite({
  name: 'edge-site', cluster: { flavor: 'kubeedge', kubeEdge: { cloudCoreAddress: address } },
  nodes: [{ name: 'gw-1', capacity: { cpu: '4', memory: '4Gi' } }, { name: 'gw-2', capacity: { cpu: '4', memory: '4Gi' } }],
});
const sites = (...specs: SiteSpec[]) => specs.map((s, i) => ({ spec: resolveSiteSpec(s), path: `sites[${i}]` }));

describe('the hub and the sites\' flavors', () => {
  test('WHEN a site runs OpenYurt and the hub does not mention yurt-manager THEN the hub runs it', () => {
    expect(hubWithSiteFlavors(hub, [microSite(), openYurtSite]).openYurt).toBe(true);
    expect(hubWithSiteFlavors(hub, [microSite()]).openYurt).toBeUndefined();
    expect(hubWithSiteFlavors({ ...hub, openYurt: false }, [openYurtSite]).openYurt).toBe(false);
  });

  test('WHEN the hub turns yurt-manager off under OpenYurt sites THEN the problem names the hub setting and the sites', () => {
    expect(hubFlavorProblems({ ...hub, openYurt: false }, sites(openYurtSite))).toEqual([
      { path: 'terraform.hub.openYurt', message: 'is false, but sites yurt-site run OpenYurt node pools, which the hub\'s yurt-manager reconciles' },
    ]);
  });

  test('WHEN KubeEdge sites have EdgeCore nodes and the hub has no CloudCore THEN the hub\'s kubeEdge is required', () => {
    expect(hubFlavorProblems(hub, sites(kubeEdgeSite()))).toEqual([
      { path: 'terraform.hub.kubeEdge', message: 'is required: the EdgeCore nodes of sites edge-site join the hub\'s CloudCore' },
    ]);
  });

  test('WHEN a KubeEdge site dials an address CloudCore does not answer for THEN the problem is at the site\'s cloudCoreAddress', () => {
    expect(hubFlavorProblems(kubeEdgeHub, sites(microSite(), kubeEdgeSite('10.9.9.9')))).toEqual([{
      path: 'sites[1].cluster.kubeEdge.cloudCoreAddress',
      message: '"10.9.9.9" is not in the hub\'s CloudCore certificate, so EdgeCore would refuse it; use one of 203.0.113.20, cloudcore.example.com or add it to terraform.hub.kubeEdge',
    }]);
  });

  test('WHEN the hub answers for every site\'s address THEN there is no problem', () => {
    expect(hubFlavorProblems(kubeEdgeHub, sites(kubeEdgeSite(), kubeEdgeSite('203.0.113.20')))).toEqual([]);
  });
});
