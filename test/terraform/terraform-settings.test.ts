import { Problems } from '../../lib/core/validation/problems';
import { readSiteTerraformSettings, readTerraformInventory, readTerraformSettings, terraformFiles } from '../../lib/terraform';
import { rawInventory } from '../support/fixtures';

function read(value: unknown): { settings: unknown; problems: readonly { path: string; message: string }[] } {
  const problems = new Problems();
  const settings = readTerraformSettings(value, 'terraform', problems);
  return { settings, problems: problems.list };
}

function problemAt(value: unknown, path: string): string | undefined {
  return read(value).problems.find((p) => p.path === path)?.message;
}

describe('terraform inventory blocks', () => {
  test('WHEN the fleet block is complete THEN it reads into the settings terraformFiles takes', () => {
    const { settings, problems } = read({
      access: { kubeconfig: '~/.kube/fleet.yaml', context: '{site}' },
      backend: { kind: 's3', bucket: 'edge-state', region: 'eu-central-1' },
      releases: { timeoutSeconds: 3600 },
      chartVersions: { cilium: '1.18.7' },
      gitopsAgent: { kind: 'fleet', fleet: { apiServerUrl: 'https://hub.example.com:6443' } },
      hub: { access: { context: 'cloud-hub' }, fleetManager: true, apiServerUrl: 'https://hub.example.com:6443', metricsReceiver: { retention: '90d' } },
    });
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      access: { kubeconfig: '~/.kube/fleet.yaml', context: '{site}' },
      backend: { kind: 's3', bucket: 'edge-state', region: 'eu-central-1' },
      releases: { timeoutSeconds: 3600 },
      chartVersions: { cilium: '1.18.7' },
      gitopsAgent: { kind: 'fleet', fleet: { apiServerUrl: 'https://hub.example.com:6443' } },
      hub: { access: { context: 'cloud-hub' }, fleetManager: true, apiServerUrl: 'https://hub.example.com:6443', metricsReceiver: { retention: '90d' } },
    });
  });

  test('WHEN a key is unknown THEN it is an error listing the allowed keys', () => {
    expect(problemAt({ acess: {} }, 'terraform.acess')).toMatch(/unknown key; allowed keys here: access, backend, releases, chartVersions, gitopsAgent, hub/);
    expect(problemAt({ hub: { access: { context: 'h' }, spire: {} } }, 'terraform.hub.spire')).toMatch(/unknown key/);
  });

  test('WHEN the backend kind is unknown THEN it is an error listing the kinds', () => {
    expect(problemAt({ backend: { kind: 'consul' } }, 'terraform.backend.kind')).toBe('"consul" is not one of local, s3, gcs, http');
  });

  test('WHEN the local state path is absolute THEN it is an error at backend.path', () => {
    expect(problemAt({ backend: { path: '/srv/state.tfstate' } }, 'terraform.backend.path')).toMatch(/must be a path relative to the stack folder/);
  });

  test('WHEN a chart version is not exact THEN it is an error at chartVersions.<chart>', () => {
    expect(problemAt({ chartVersions: { longhorn: '1.11.x' } }, 'terraform.chartVersions.longhorn')).toMatch(/is not an exact chart version like 1\.11\.0/);
  });

  test('WHEN a chart is unknown THEN it is an error listing the known charts', () => {
    expect(problemAt({ chartVersions: { istio: '1.0.0' } }, 'terraform.chartVersions.istio')).toMatch(/is not a chart of the platform layer; known charts: cilium, cert-manager/);
  });

  test('WHEN the context template holds another placeholder THEN it is an error at access.context', () => {
    expect(problemAt({ access: { context: '{region}-{site}' } }, 'terraform.access.context')).toBe('"{region}-{site}" may hold only the placeholder {site}');
  });

  test('WHEN the GitOps agent kind is unknown THEN it is an error at gitopsAgent.kind', () => {
    expect(problemAt({ gitopsAgent: { kind: 'argocd' } }, 'terraform.gitopsAgent.kind')).toBe('"argocd" is not one of fleet, flux');
  });

  test('WHEN the Flux agent has no URL THEN it is an error at gitopsAgent.flux.url', () => {
    expect(problemAt({ gitopsAgent: { kind: 'flux', flux: { branch: 'main' } } }, 'terraform.gitopsAgent.flux.url')).toMatch(/is required/);
  });

  test('WHEN the hub has no access THEN it is an error at hub.access', () => {
    expect(problemAt({ hub: { openYurt: true } }, 'terraform.hub.access')).toMatch(/is required: how Terraform reaches the hub cluster/);
  });

  test('WHEN the hub KubeEdge block has no repository THEN it is an error at hub.kubeEdge.chartRepository', () => {
    expect(problemAt({ hub: { access: { context: 'h' }, kubeEdge: { advertiseAddresses: ['10.0.0.1'] } } }, 'terraform.hub.kubeEdge.chartRepository')).toMatch(/KubeEdge does not publish it/);
  });

  test('WHEN a site gives no access and the fleet has none THEN the context is required at the site\'s terraform.access.context', () => {
    const problems = new Problems();
    readSiteTerraformSettings(undefined, 'sites[3].terraform', problems, 'vision-01');
    expect(problems.list).toEqual([{ path: 'sites[3].terraform.access.context', message: expect.stringMatching(/^is required/) }]);
  });

  test('WHEN a site has no block THEN it takes the fleet access with {site} replaced', () => {
    const problems = new Problems();
    const own = readSiteTerraformSettings(undefined, 'sites[0].terraform', problems, 'store-01', { access: { context: 'edge-{site}' } });
    expect(problems.list).toEqual([]);
    expect(own).toEqual({ access: { context: 'edge-store-01' } });
  });

  test('WHEN a site access is in-cluster with a kubeconfig THEN it is an error at the site\'s access.kubeconfig', () => {
    const problems = new Problems();
    readSiteTerraformSettings({ access: { inCluster: true, kubeconfig: 'x' } }, 'sites[0].terraform', problems, 'store-01');
    expect(problems.list).toEqual([{ path: 'sites[0].terraform.access.kubeconfig', message: expect.stringMatching(/is not allowed with inCluster: true/) }]);
  });

  test('WHEN an inventory carries terraform blocks THEN its sites and blocks read together and synthesize', () => {
    const raw = rawInventory({ terraform: { access: { context: 'site-a-ctx' } } }, { terraform: { backend: { path: 'state/terraform.tfstate' } } });
    const { sites, options } = readTerraformInventory(raw);
    const stack = JSON.parse(terraformFiles(sites, options)[0].content);
    expect(stack.provider.helm[0].kubernetes.config_context).toBe('site-a-ctx');
    expect(stack.terraform.backend).toEqual({ local: { path: 'state/terraform.tfstate' } });
  });

  test('WHEN an inventory has errors in the site and in its terraform block THEN both are reported at inventory paths', () => {
    expect(() => readTerraformInventory(rawInventory({ terraform: { access: { contxt: 'a' } } }))).toThrow(/sites\[0\]\.terraform\.access\.contxt: unknown key(.|\n)*sites\[0\]\.terraform\.access\.context: is required/);
  });
});
