import { ApiObject } from 'cdk8s';
import { EdgeFleet, EdgeValidationError } from '../../lib';
import { releaseNamespacesOf } from '../../lib/terraform';
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

  describe('namespace ownership', () => {
    const terraform = { access: { kubeconfig: '~/.kube/config', context: '{site}' } };
    const stackNamespaces = (files: readonly { path: string; content: string }[]) => files
      .filter((f) => f.path.endsWith('/cdk.tf.json')).flatMap((f) => releaseNamespacesOf(f.path, f.content)).map((r) => r.namespace);

    // Regression: kube-prometheus-stack and SPIRE were installed into `monitoring` and `spire-system`, which the site folder also writes.
    test('WHEN a site runs monitoring and SPIRE with Terraform THEN no Namespace of its folder is one a release creates', () => {
      const spec = microSite({ components: { spire: { trustDomain: 'edge.example.com' }, monitoring: { mode: 'server' } } });
      const files = new EdgeFleet({ sites: [spec], terraform }).synthSite(spec).files;
      const folder = files.filter((f) => /^sites\/test-site\/_cluster\/namespace-/.test(f.path)).map((f) => /namespace-(.+)\.yaml$/.exec(f.path)![1]);
      expect(folder).toEqual(expect.arrayContaining(['monitoring', 'spire-system']));
      expect(stackNamespaces(files)).toEqual(expect.arrayContaining(['spire-platform']));
      expect(folder.filter((ns) => stackNamespaces(files).includes(ns))).toEqual([]);
    });

    test('WHEN a site folder writes a Namespace a release of its stack creates THEN the synth fails at the Namespace', () => {
      const spec = microSite({ namespaces: ['cert-manager'] });
      const act = () => new EdgeFleet({ sites: [spec], terraform }).synthSite(spec);
      expect(act).toThrow(EdgeValidationError);
      expect(act).toThrow('test-site/Namespace-cert-manager/Namespace: Namespace "cert-manager" is also created by the Terraform release "cert-manager" (terraform/test-site/cdk.tf.json)');
    });

    test('WHEN a hand-written Namespace of a site whose nodes join the hub is a hub release namespace THEN the synth fails naming the hub stack', () => {
      const spec = microSite({ cluster: { flavor: 'kubeedge', kubeEdge: { cloudCoreAddress: '203.0.113.10' } } });
      const fleet = new EdgeFleet({
        sites: [spec],
        terraform: { ...terraform, hub: { access: { context: 'hub' }, logReceiver: {}, kubeEdge: { chartRepository: 'https://charts.example.com', advertiseAddresses: ['203.0.113.10'] } } },
        configureSite: (site) => { new ApiObject(site, 'Logging', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'logging' } }); },
      });
      expect(() => fleet.synthSite(spec)).toThrow('test-site/Logging: Namespace "logging" is also created by the Terraform release "victoria-logs" (terraform/_hub/cdk.tf.json)');
    });
  });
});
