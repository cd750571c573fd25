import { EdgeFleet, EdgeValidationError } from '../../lib';
import { microSite } from '../support/fixtures';

describe('EdgeFleet', () => {
  test('WHEN a site is synthesized THEN its manifests, kustomization, image list and node files are returned, sorted', () => {
    const site = new EdgeFleet({ sites: [microSite()] }).synthSite(microSite());
    const paths = site.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toEqual(expect.arrayContaining([
      'sites/test-site/kustomization.yaml', 'sites/test-site/_cluster/namespace-edge-system.yaml',
      'nodes/test-site/images.txt', 'nodes/test-site/node-1/config.yaml.d/10-tier.yaml',
    ]));
    expect(site.warnings).toEqual([]);
  });

  test('WHEN two sites share a name THEN the fleet refuses them', () => {
    expect(() => new EdgeFleet({ sites: [microSite(), microSite()] })).toThrow('site name "test-site" is used more than once');
  });

  test('WHEN isolation allows a scrape of something the site does not run THEN the synth warns with the construct path but succeeds', () => {
    const spec = microSite({ components: { isolation: {} } });
    const site = new EdgeFleet({ sites: [spec] }).synthSite(spec);
    expect(site.warnings.length).toBeGreaterThan(0);
    expect(site.warnings[0]).toMatch(/^test-site\//);
  });

  test('WHEN a site bundle passes the size limit THEN the synth fails at the site folder', () => {
    const spec = microSite({ apps: [{ name: 'big', namespace: 'apps', image: 'ghcr.io/acme/big:1.0.0', ports: [{ name: 'http', port: 80 }], env: Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`BLOB_${i}`, 'x'.repeat(8 * 1024)])) }] });
    const act = () => new EdgeFleet({ sites: [spec] }).synthSite(spec);
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/sites\/test-site: the site's bundle is \d+ bytes \(\d+ files\), over the limit of 1Mi/);
  });

  test('WHEN one value is megabytes long and js-yaml must judge its style THEN the synth fails at its file instead of crashing', () => {
    // js-yaml's scalar checks recurse per character of a long run without spaces; a trailing space makes it check this one.
    const spec = microSite({ apps: [{ name: 'huge', namespace: 'apps', image: 'ghcr.io/acme/huge:1.0.0', ports: [{ name: 'http', port: 80 }], env: { BLOB: `${'x'.repeat(2 * 1024 * 1024)} ` } }] });
    expect(() => new EdgeFleet({ sites: [spec] }).synthSite(spec)).toThrow(/sites\/test-site\/apps\/deployment-huge.yaml: Deployment huge holds a value too large to write as YAML/);
  });

  test('WHEN the fleet has GitOps settings THEN each site carries its fleet.yaml and Flux objects, and the fleet its GitRepo', () => {
    const fleet = new EdgeFleet({ sites: [microSite()], gitOps: { engines: ['fleet', 'flux'], repository: { url: 'https://git.example.com/edge.git' } } });
    const paths = fleet.synthSite(microSite()).files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['sites/test-site/fleet.yaml', 'gitops/flux/test-site/kustomization.yaml']));
    expect(fleet.fleetFiles().map((f) => f.path)).toEqual(['gitops/fleet/gitrepo-edge-sites.yaml', 'gitops/fleet/kustomization.yaml']);
  });

  test('WHEN the fleet has Terraform settings THEN each site gets its stack, with the Flux agent from the GitOps repository', () => {
    const fleet = new EdgeFleet({
      sites: [microSite()],
      gitOps: { engines: ['flux'], repository: { url: 'https://git.example.com/edge.git' } },
      terraform: { access: { kubeconfig: '~/.kube/config', context: '{site}' } },
    });
    const stack = fleet.synthSite(microSite()).files.find((f) => f.path === 'terraform/test-site/cdk.tf.json');
    expect(stack).toBeDefined();
    const json = JSON.parse(stack!.content);
    expect(json.provider.helm[0].kubernetes.config_context).toBe('test-site');
    expect(Object.keys(json.resource.helm_release)).toEqual(expect.arrayContaining(['cert-manager', 'flux2', 'edge-bootstrap']));
  });
});
