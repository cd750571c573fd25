import * as yaml from 'js-yaml';
import { EdgeFleet, EdgeValidationError, ResolvedSiteSpec, resolveSiteSpec, SiteSpec, validateInventory } from '../../lib';
import { checkGitOpsOutput } from '../../lib/gitops/check-gitops-output';
import { resolveGitOpsSettings } from '../../lib/gitops/resolve-gitops-settings';
import { hubWithSharedControlPlaneSites, sharedControlPlaneSiteProblems } from '../../lib/cluster/hub-flavors';
import { CloudHubOptions, CloudHubStack, terraformFiles, TerraformSettings } from '../../lib/terraform';
import { InMemoryRoot } from '../../lib/terraform/private/stack-json';
import { microSite, rawInventory } from '../support/fixtures';
import { releasesOf, valuesOf } from './support/stacks';

const node = (name: string, extra: Record<string, unknown> = {}) => ({ name, capacity: { cpu: '4', memory: '4Gi' }, ...extra });
const yurtSite = (name: string, extra: Partial<SiteSpec> = {}): SiteSpec => microSite({
  name, cluster: { flavor: 'openyurt', serverUrl: 'https://10.0.0.1:6443' }, nodes: [node(`${name}-1`), node(`${name}-2`)], ...extra,
});
const ownSite = microSite({ name: 'store-01', nodes: [node('store-01-1')] });
const hub: CloudHubOptions = { access: { context: 'cloud-hub' }, openYurt: true };
const flux = { kind: 'flux' as const, flux: { url: 'https://git.example.com/acme/edge-fleet.git', secretName: 'edge-fleet-git' } };

describe('the hub and the sites that join its control plane', () => {
  test('WHEN sites join the hub THEN the hub names them, in fleet order, and runs the device plugin only when one has NVIDIA GPUs', () => {
    expect(hubWithSharedControlPlaneSites(hub, [yurtSite('paris'), ownSite, yurtSite('lyon')]).sharedControlPlane).toEqual({ sites: ['paris', 'lyon'] });
    const gpu = yurtSite('paris', { nodes: [node('paris-1'), node('paris-2', { accelerator: { kind: 'nvidia-gpu', count: 1 } })] });
    expect(hubWithSharedControlPlaneSites(hub, [gpu]).sharedControlPlane).toEqual({ sites: ['paris'], nvidiaDevicePlugin: true });
    expect(hubWithSharedControlPlaneSites(hub, [ownSite]).sharedControlPlane).toBeUndefined();
  });

  test('WHEN the hub names its sites already (a fleet built from some of its sites) THEN they are kept', () => {
    const named = { ...hub, sharedControlPlane: { sites: ['paris', 'lyon'] } };
    expect(hubWithSharedControlPlaneSites(named, [yurtSite('paris')])).toBe(named);
  });

  test('WHEN the fleet has two hub-joined sites THEN neither gets a stack of its own and the hub\'s installs their platform layer once (regression: both stacks installed flux2 and cert-manager into the hub\'s cluster)', () => {
    const settings: TerraformSettings = { access: { context: '{site}' }, gitopsAgent: flux, hub: hubWithSharedControlPlaneSites(hub, [yurtSite('paris'), yurtSite('lyon')]) };
    const sites = [yurtSite('paris'), ownSite, yurtSite('lyon')].map((s) => resolveSiteSpec(s));
    const files = terraformFiles(sites, { settings });
    expect(files.filter((f) => f.path.endsWith('cdk.tf.json')).map((f) => f.path)).toEqual(['terraform/store-01/cdk.tf.json', 'terraform/_hub/cdk.tf.json']);
    const releases = releasesOf(JSON.parse(files.find((f) => f.path === 'terraform/_hub/cdk.tf.json')!.content));
    expect(Object.keys(releases).sort()).toEqual(['cert-manager', 'edge-hub-sites', 'flux2', 'yurt-manager']);
    expect(releases.flux2.depends_on).toEqual(['helm_release.cert-manager', 'helm_release.yurt-manager']);
    expect(releases['edge-hub-sites']).toMatchObject({ chart: 'flux2-sync', namespace: 'flux-system', depends_on: ['helm_release.flux2'] });
    expect(valuesOf(releases['edge-hub-sites']).kustomization.spec.path).toBe('./dist/gitops/flux/_hub');
    expect(valuesOf(releases['edge-hub-sites']).gitRepository.spec.secretRef).toEqual({ name: 'edge-fleet-git' });
  });

  test('WHEN the hub says certManager: false THEN it installs none, and a GPU site gets the device plugin', () => {
    const stack = new CloudHubStack(new InMemoryRoot(), '_hub', { ...hub, certManager: false, sharedControlPlane: { sites: ['paris'], nvidiaDevicePlugin: true } });
    expect(Object.keys(stack.releases).sort()).toEqual(['nvidia-device-plugin', 'yurt-manager']);
  });

  test('WHEN the fleet\'s agent is Fleet and sites join the hub THEN the hub stack fails at gitopsAgent.kind', () => {
    const build = () => new CloudHubStack(new InMemoryRoot(), '_hub', {
      ...hub, sharedControlPlane: { sites: ['paris'] }, gitopsAgent: { kind: 'fleet', fleet: { apiServerUrl: 'https://hub.example.com:6443' } },
    });
    expect(build).toThrow(EdgeValidationError);
    expect(build).toThrow(/_hub.gitopsAgent.kind: is fleet, but sites paris join the hub's control plane/);
  });

  test('WHEN the shared-control-plane list is empty or names no DNS label THEN each problem is at its path', () => {
    expect(() => new CloudHubStack(new InMemoryRoot(), '_hub', { ...hub, sharedControlPlane: { sites: [] } })).toThrow(/sharedControlPlane.sites: must list at least one site/);
    expect(() => new CloudHubStack(new InMemoryRoot(), '_hub', { ...hub, sharedControlPlane: { sites: ['Paris'] } })).toThrow(/sharedControlPlane.sites\[0\]: "Paris" is not a DNS-1123 label/);
  });
});

describe('what a hub-joined site cannot ask of its platform layer', () => {
  const joined = (site: Record<string, unknown>) => rawInventory({ name: 'paris', cluster: { flavor: 'openyurt', serverUrl: 'https://10.0.0.1:6443' }, nodes: [node('paris-1'), node('paris-2')], ...site });
  const problems = (raw: unknown) => validateInventory(raw).problems.map((p) => `${p.path}: ${p.message}`);

  test('WHEN it asks for Cilium, Longhorn or a Prometheus Operator THEN each is an error at its path', () => {
    expect(problems(joined({ network: { cni: 'cilium' } }))).toEqual([
      'sites[0].network.cni: is cilium, but site paris joins the hub\'s control plane (openyurt), whose cluster has one CNI for every site on it: leave cni out (kubernetes)',
    ]);
    expect(problems(joined({ components: { localStorage: { provisioner: 'longhorn' } } }))).toContainEqual(
      'sites[0].components.localStorage.provisioner: is longhorn, but site paris joins the hub\'s control plane (openyurt), whose cluster the hub\'s stack installs no Longhorn into; use local',
    );
    const monitoring = { remoteWrite: { url: 'https://metrics.example.com/api/v1/write' }, prometheusOperator: true };
    expect(problems(joined({ components: { monitoring } }))).toContainEqual(
      'sites[0].components.monitoring.prometheusOperator: is true, but site paris joins the hub\'s control plane (openyurt), whose cluster runs no Prometheus Operator of the site\'s; the site\'s own Prometheus scrapes its targets without one',
    );
  });

  test('WHEN its HPAs would scale on its own Prometheus server THEN aiInference is an error', () => {
    const site = resolveSiteSpec(yurtSite('paris'));
    const withInference = { ...site, components: { monitoring: { mode: 'server' }, aiInference: [{ name: 'detector' }] } } as unknown as ResolvedSiteSpec;
    expect(sharedControlPlaneSiteProblems(withInference, 'sites[0]')).toEqual([{
      path: 'sites[0].components.aiInference',
      message: 'scales on the Pods metric of the site\'s Prometheus, but site paris joins the hub\'s control plane (openyurt), whose cluster serves custom.metrics.k8s.io from one adapter for all sites; run inference on a site with a cluster of its own',
    }]);
    expect(sharedControlPlaneSiteProblems({ ...withInference, cluster: { ...site.cluster, flavor: 'k3s' } } as ResolvedSiteSpec, 'sites[0]')).toEqual([]);
  });

  test('WHEN it has a terraform block of its own THEN that is an error: the hub\'s stack is its platform layer', () => {
    expect(problems(joined({ terraform: { access: { context: 'paris' } } }))).toEqual([
      'sites[0].terraform: site paris joins the hub\'s control plane (openyurt), so it has no Terraform stack of its own: the hub\'s stack (terraform.hub) installs its platform layer',
    ]);
  });

  test('WHEN the fleet has Terraform settings without a hub, or a Fleet agent THEN the inventory says so', () => {
    expect(problems({ ...joined({}), terraform: { access: { context: '{site}' } } })).toEqual([
      'terraform.hub: is required: sites paris join the hub\'s control plane, and the hub\'s stack installs their platform layer',
    ]);
    const fleetAgent = { kind: 'fleet', fleet: { apiServerUrl: 'https://hub.example.com:6443' } };
    expect(problems({ ...joined({}), terraform: { access: { context: '{site}' }, gitopsAgent: fleetAgent, hub: { access: { context: 'cloud-hub' } } } })).toEqual([
      'terraform.gitopsAgent.kind: is fleet, but sites paris join the hub\'s control plane, where one Fleet agent would register the hub\'s one cluster as every one of them; use flux, whose one sync on the hub applies each such site\'s folder',
    ]);
  });
});

describe('the hub\'s Flux folder', () => {
  const gitOps = { engines: ['flux' as const], repository: { url: 'https://git.example.com/acme/edge-fleet.git', path: 'dist' } };
  const fleet = () => new EdgeFleet({ sites: [yurtSite('paris'), ownSite, yurtSite('lyon')], gitOps, terraform: { access: { context: '{site}' }, hub } });

  test('WHEN sites join the hub THEN gitops/flux/_hub lists their Flux folders, which kustomize resolves, and the whole output checks clean', () => {
    const files = fleet().synth().files;
    const listing = files.find((f) => f.path === 'gitops/flux/_hub/kustomization.yaml')!;
    expect(yaml.load(listing.content)).toEqual({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['../paris', '../lyon'] });
    expect(checkGitOpsOutput(files, resolveGitOpsSettings(gitOps))).toEqual([]);
    expect(files.some((f) => f.path.startsWith('terraform/paris/'))).toBe(false);
  });

  test('WHEN the listing names a folder the output lacks, or omits a hub-joined site THEN the checks fail (failing fixtures)', () => {
    const files = fleet().synth().files;
    const edited = files.map((f) => (f.path === 'gitops/flux/_hub/kustomization.yaml' ? { path: f.path, content: f.content.replace('../lyon', '../nantes') } : f));
    expect(checkGitOpsOutput(edited, resolveGitOpsSettings(gitOps)).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'gitops/flux/_hub/kustomization.yaml: lists ../nantes, which is not in the output',
    ]);
    const partial = new EdgeFleet({ sites: [yurtSite('paris'), yurtSite('lyon')], gitOps, sharedControlPlaneSites: ['paris'] });
    expect(() => partial.synthSite(yurtSite('lyon'))).toThrow(/gitops\/flux\/lyon: joins the hub's control plane, but gitops\/flux\/_hub\/kustomization.yaml does not list \.\.\/lyon/);
  });
});
