import * as yaml from 'js-yaml';
import { EdgeFleet, ResolvedSiteSpec, resolveSiteSpec } from '../../lib';
import { GitOpsSite, fleetClusterLabels, fleetGitOpsFiles, gitOpsFiles, siteGitOpsFiles } from '../../lib/gitops/gitops-output';
import type { GitOpsSettings } from '../../lib/gitops/gitops-settings';
import { resolveGitOpsSettings } from '../../lib/gitops/resolve-gitops-settings';
import { globToRegExp } from '../../lib/gitops/private/gitops-paths';
import type { OutputFile } from '../../lib/core/manifests';
import { microSite } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

const repository = { url: 'https://git.example.com/edge/fleet.git' };
const both = resolveGitOpsSettings({ engines: ['fleet', 'flux'], repository });

function site(name: string, extra: Partial<GitOpsSite> = {}): GitOpsSite {
  return { name, tier: 'micro', connectivity: { offlineTolerance: '24h', syncInterval: '5m' }, ...extra };
}

function settingsWith(extra: Partial<GitOpsSettings>, repo: Partial<GitOpsSettings['repository']> = {}) {
  return resolveGitOpsSettings({ engines: ['fleet', 'flux'], ...extra, repository: { ...repository, ...repo } });
}

function fileOf(files: readonly OutputFile[], path: string): OutputFile {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in ${files.map((f) => f.path).join(', ')}`);
  return file;
}

function yamlOf(files: readonly OutputFile[], path: string): any {
  return yaml.load(fileOf(files, path).content);
}

/**
 * Whether Flux leaves a path out of a GitRepository artifact: go-git's gitignore matcher,
 * which source-controller uses (last matching rule wins; a rule also matches everything
 * below the folder it names; a trailing '/' matches folders only).
 */
function ignoredByFlux(rules: string, path: string, isDir: boolean): boolean {
  const parts = path.split('/');
  const lines = rules.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  for (let i = lines.length - 1; i >= 0; i--) {
    const include = lines[i].startsWith('!');
    let pattern = include ? lines[i].slice(1) : lines[i];
    const dirOnly = pattern.endsWith('/');
    if (dirOnly) pattern = pattern.slice(0, -1);
    const segments = pattern.replace(/^\//, '').split('/');
    if (segments.length > parts.length || !segments.every((s, k) => globToRegExp(s).test(parts[k]))) continue;
    if (dirOnly && !isDir && segments.length === parts.length) continue;
    return !include;
  }
  return false;
}

/** What Fleet makes of a fleet.yaml: the Bundle object (as fleet's bundlereader builds it). */
function bundleOf(fleetYaml: any): any {
  const { name, labels, overrideTargets, ...spec } = fleetYaml;
  return {
    apiVersion: 'fleet.cattle.io/v1alpha1', kind: 'Bundle', metadata: { name, namespace: 'fleet-default', labels },
    spec: { ...spec, targets: overrideTargets, targetRestrictions: overrideTargets },
  };
}

describe('Rancher Fleet: the fleet.yaml of each site', () => {
  test('WHEN a site is written for Fleet THEN its fleet.yaml names the bundle, targets its cluster and lets Helm adopt its Nodes', () => {
    expect(yamlOf(gitOpsFiles(both, [site('store-01')]), 'sites/store-01/fleet.yaml')).toEqual({
      name: 'store-01',
      labels: { 'app.kubernetes.io/part-of': 'cdk8s-edge', 'app.kubernetes.io/managed-by': 'cdk8s', 'edge.site': 'store-01', 'edge.tier': 'micro' },
      defaultNamespace: 'edge-system',
      helm: { releaseName: 'store-01', takeOwnership: true },
      overrideTargets: [{ name: 'store-01', clusterSelector: { matchLabels: { 'edge.site': 'store-01' } } }],
    });
  });

  test('WHEN the fleet.yaml is written THEN it opens with a comment saying it is not applied to the cluster', () => {
    expect(fileOf(gitOpsFiles(both, [site('store-01')]), 'sites/store-01/fleet.yaml').content.split('\n')[0])
      .toBe('# Rancher Fleet options for the bundle of site store-01: read by Fleet, not applied to the cluster.');
  });

  test('WHEN bundles depend on the platform bundle THEN every fleet.yaml lists it in dependsOn', () => {
    const settings = settingsWith({ fleet: { dependsOn: ['edge-platform', 'edge-crds'] } });
    expect(yamlOf(gitOpsFiles(settings, [site('store-01')]), 'sites/store-01/fleet.yaml').dependsOn).toEqual([{ name: 'edge-platform' }, { name: 'edge-crds' }]);
  });

  test('WHEN tier and region are target labels THEN the cluster selector also requires them, and a site without a region is matched by the rest', () => {
    const settings = settingsWith({ fleet: { targetLabels: ['tier', 'region'] } });
    const files = gitOpsFiles(settings, [site('store-01', { tier: 'mini', region: 'eu-central' }), site('kiosk-07')]);
    expect(yamlOf(files, 'sites/store-01/fleet.yaml').overrideTargets[0].clusterSelector.matchLabels)
      .toEqual({ 'edge.site': 'store-01', 'edge.tier': 'mini', 'topology.kubernetes.io/region': 'eu-central' });
    expect(yamlOf(files, 'sites/kiosk-07/fleet.yaml').overrideTargets[0].clusterSelector.matchLabels).toEqual({ 'edge.site': 'kiosk-07', 'edge.tier': 'micro' });
  });

  test('WHEN a cluster registers with Fleet THEN fleetClusterLabels gives exactly the labels its bundle selects', () => {
    const settings = settingsWith({ fleet: { targetLabels: ['tier'] } });
    const store = site('store-01', { tier: 'mini', region: 'eu' });
    const selector = yamlOf(gitOpsFiles(settings, [store]), 'sites/store-01/fleet.yaml').overrideTargets[0].clusterSelector.matchLabels;
    expect(fleetClusterLabels(settings, store)).toEqual({ 'edge.site': 'store-01', 'edge.tier': 'mini' });
    expect(fleetClusterLabels(settings, store)).toEqual(selector);
    expect(fleetClusterLabels(settingsWith({ engines: ['flux'] }), store)).toEqual({});
  });

  test('WHEN a site has a region THEN its bundle carries it as a label, for selecting bundles by region', () => {
    expect(yamlOf(gitOpsFiles(both, [site('store-01', { region: 'eu' })]), 'sites/store-01/fleet.yaml').labels['topology.kubernetes.io/region']).toBe('eu');
  });

  test('WHEN a real site is synthesized THEN its kustomization.yaml does not list the fleet.yaml next to it', () => {
    const files = [...new EdgeFleet({ sites: [microSite({ name: 'store-01' })] }).synth().files, ...gitOpsFiles(both, [site('store-01')])];
    expect(yamlOf(files, 'sites/store-01/kustomization.yaml').resources).not.toContain('fleet.yaml');
    expect(files.map((f) => f.path)).toContain('sites/store-01/fleet.yaml');
  });
});

describe('Rancher Fleet: the GitRepo', () => {
  test('WHEN the fleet is written for Fleet THEN one GitRepo globs every site folder of the repository', () => {
    expect(yamlOf(gitOpsFiles(both, [site('a'), site('b')]), 'gitops/fleet/gitrepo-edge-sites.yaml')).toEqual({
      apiVersion: 'fleet.cattle.io/v1alpha1',
      kind: 'GitRepo',
      metadata: { name: 'edge-sites', namespace: 'fleet-default', labels: { 'app.kubernetes.io/managed-by': 'cdk8s', 'app.kubernetes.io/part-of': 'cdk8s-edge' } },
      spec: {
        repo: repository.url,
        branch: 'main',
        paths: ['dist/sites/*'],
        targets: [{ name: 'edge-clusters', clusterSelector: { matchExpressions: [{ key: 'edge.site', operator: 'Exists' }] } }],
      },
    });
  });

  test('WHEN a secret, a polling interval, a name and a namespace are set THEN the GitRepo uses them', () => {
    const settings = settingsWith({ fleet: { pollingInterval: '1m', gitRepoName: 'stores', namespace: 'fleet-edge' } }, { secretName: 'edge-git', branch: 'prod' });
    const repo = yamlOf(fleetGitOpsFiles(settings), 'gitops/fleet/gitrepo-stores.yaml');
    expect(repo.metadata).toMatchObject({ name: 'stores', namespace: 'fleet-edge' });
    expect(repo.spec).toMatchObject({ branch: 'prod', clientSecretName: 'edge-git', pollingInterval: '1m' });
  });

  test('WHEN the output is the repository root THEN the GitRepo globs sites/* at the root', () => {
    expect(yamlOf(fleetGitOpsFiles(settingsWith({}, { path: '.' })), 'gitops/fleet/gitrepo-edge-sites.yaml').spec.paths).toEqual(['sites/*']);
  });

  test('WHEN the GitRepo folder is applied with kustomize THEN its kustomization.yaml lists the GitRepo', () => {
    expect(yamlOf(fleetGitOpsFiles(both), 'gitops/fleet/kustomization.yaml')).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['gitrepo-edge-sites.yaml'],
    });
  });
});

describe('Flux: a GitRepository and a Kustomization per site', () => {
  const files = gitOpsFiles(both, [site('store-01', { connectivity: { offlineTolerance: '72h', syncInterval: '15m' } })]);

  test('WHEN a site is written for Flux THEN its GitRepository fetches at the site\'s sync interval and keeps only its folder', () => {
    expect(yamlOf(files, 'gitops/flux/store-01/gitrepository-store-01.yaml')).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'store-01', namespace: 'flux-system', labels: { 'app.kubernetes.io/managed-by': 'cdk8s', 'app.kubernetes.io/part-of': 'cdk8s-edge', 'edge.site': 'store-01' } },
      spec: {
        url: repository.url,
        ref: { branch: 'main' },
        interval: '15m',
        timeout: '2m',
        ignore: '/*\n!/dist/\n/dist/*\n!/dist/sites/\n/dist/sites/*\n!/dist/sites/store-01/\n',
      },
    });
  });

  test('WHEN a site is written for Flux THEN its Kustomization applies its folder with prune, wait, retry and timeout', () => {
    expect(yamlOf(files, 'gitops/flux/store-01/kustomization-store-01.yaml')).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'store-01', namespace: 'flux-system', labels: { 'app.kubernetes.io/managed-by': 'cdk8s', 'app.kubernetes.io/part-of': 'cdk8s-edge', 'edge.site': 'store-01' } },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'store-01' },
        path: './dist/sites/store-01',
        interval: '10m',
        retryInterval: '2m',
        timeout: '5m',
        prune: true,
        wait: true,
      },
    });
  });

  test('WHEN the site folder of Flux objects is bootstrapped with kustomize THEN its kustomization.yaml lists both objects', () => {
    expect(yamlOf(files, 'gitops/flux/store-01/kustomization.yaml').resources).toEqual(['gitrepository-store-01.yaml', 'kustomization-store-01.yaml']);
  });

  test('WHEN Flux settings are given THEN they replace the defaults, and a secret is referenced by name only', () => {
    const settings = settingsWith(
      { engines: ['flux'], flux: { namespace: 'gitops', sourceInterval: '30m', sourceTimeout: '5m', interval: '1h', retryInterval: '10m', timeout: '15m', prune: false, wait: false, dependsOn: ['platform'] } },
      { secretName: 'edge-git', path: 'out', branch: 'edge' },
    );
    const out = gitOpsFiles(settings, [site('store-01')]);
    const source = yamlOf(out, 'gitops/flux/store-01/gitrepository-store-01.yaml');
    const sync = yamlOf(out, 'gitops/flux/store-01/kustomization-store-01.yaml');
    expect(source.metadata.namespace).toBe('gitops');
    expect(source.spec).toMatchObject({ interval: '30m', timeout: '5m', ref: { branch: 'edge' }, secretRef: { name: 'edge-git' } });
    expect(sync.spec).toMatchObject({ path: './out/sites/store-01', interval: '1h', retryInterval: '10m', timeout: '15m', prune: false, wait: false, dependsOn: [{ name: 'platform' }] });
  });

  test.each([
    ['dist', 'dist/sites/store-01/kustomization.yaml', false, false],
    ['dist', 'dist/sites/store-01/_cluster/node-n1.yaml', false, false],
    ['dist', 'dist/sites/store-01', true, false],
    ['dist', 'dist/sites/store-02/kustomization.yaml', false, true],
    ['dist', 'dist/sites/store-010/kustomization.yaml', false, true],
    ['dist', 'dist/nodes/store-01/n1/registries.yaml', false, true],
    ['dist', 'dist/gitops/flux/store-01/kustomization.yaml', false, true],
    ['dist', 'README.md', false, true],
    ['.', 'sites/store-01/line-a/deployment-collector.yaml', false, false],
    ['.', 'sites/other/kustomization.yaml', false, true],
    ['.', 'gitops/fleet/gitrepo-edge-sites.yaml', false, true],
  ])('WHEN the output is at %s and Flux archives %s (a folder: %s) THEN it leaves it out: %s', (path, file, isDir, expected) => {
    const out = gitOpsFiles(settingsWith({ engines: ['flux'] }, { path }), [site('store-01')]);
    expect(ignoredByFlux(yamlOf(out, 'gitops/flux/store-01/gitrepository-store-01.yaml').spec.ignore, file, isDir)).toBe(expected);
  });
});

describe('engines and determinism', () => {
  test('WHEN only Flux is chosen THEN there is no fleet.yaml and no GitRepo', () => {
    const paths = gitOpsFiles(settingsWith({ engines: ['flux'] }), [site('a')]).map((f) => f.path);
    expect(paths).toEqual(['gitops/flux/a/gitrepository-a.yaml', 'gitops/flux/a/kustomization-a.yaml', 'gitops/flux/a/kustomization.yaml']);
  });

  test('WHEN only Fleet is chosen THEN there are no Flux objects', () => {
    const paths = gitOpsFiles(settingsWith({ engines: ['fleet'] }), [site('a')]).map((f) => f.path);
    expect(paths).toEqual(['gitops/fleet/gitrepo-edge-sites.yaml', 'gitops/fleet/kustomization.yaml', 'sites/a/fleet.yaml']);
  });

  test('WHEN the same fleet is written twice, or with its sites in another order THEN the files are byte-identical', () => {
    const sites = [site('b', { region: 'eu' }), site('a'), site('c', { tier: 'mec' })];
    const first = gitOpsFiles(both, sites);
    expect(gitOpsFiles(both, sites)).toEqual(first);
    expect(gitOpsFiles(both, [...sites].reverse())).toEqual(first);
  });

  test('WHEN sites are written one at a time THEN together with the fleet files they equal the whole fleet\'s files', () => {
    const sites = [site('a'), site('b')];
    const streamed = [...fleetGitOpsFiles(both), ...sites.flatMap((s) => siteGitOpsFiles(both, s))].sort((x, y) => (x.path < y.path ? -1 : 1));
    expect(streamed).toEqual(gitOpsFiles(both, sites));
  });

  test('WHEN a fleet has more sites than one throwaway App holds THEN every site gets its files', () => {
    const sites = Array.from({ length: 250 }, (_, i) => site(`site-${String(i).padStart(3, '0')}`));
    const files = gitOpsFiles(both, sites);
    expect(files).toHaveLength(2 + 250 * 4);
    expect(files.filter((f) => f.path.endsWith('/fleet.yaml'))).toHaveLength(250);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
  });

  test('WHEN the sites come from resolved site specs THEN they are accepted as they are', () => {
    const spec: ResolvedSiteSpec = resolveSiteSpec(microSite({ name: 'store-01', region: 'eu', connectivity: { syncInterval: '1m' } }));
    expect(yamlOf(gitOpsFiles(both, [spec]), 'gitops/flux/store-01/gitrepository-store-01.yaml').spec.interval).toBe('1m');
  });
});

requireSchemasInCi();

describeWithSchemas('the GitOps objects are valid against their CRDs', () => {
  const settings = settingsWith({ fleet: { pollingInterval: '1m', dependsOn: ['edge-platform'], targetLabels: ['tier', 'region'] }, flux: { dependsOn: ['platform'] } }, { secretName: 'edge-git' });
  const files = gitOpsFiles(settings, [site('store-01', { region: 'eu' }), site('store-02')]);
  const objects = files.filter((f) => f.path.startsWith('gitops/') && !f.path.endsWith('/kustomization.yaml')).map((f) => yaml.load(f.content) as any);

  test('WHEN the GitRepo, GitRepositories and Kustomizations are validated THEN each is a custom resource valid against its CRD', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['GitRepo', 'GitRepository', 'GitRepository', 'Kustomization', 'Kustomization']);
    expect(validateObjects(objects, conformanceValidators())).toEqual([]);
    expect(objects.every((o) => conformanceValidators().crds.has(o.apiVersion, o.kind))).toBe(true);
  });

  test('WHEN each fleet.yaml is read the way Fleet reads it THEN the Bundle it makes is valid against the Fleet v0.16 Bundle CRD', () => {
    const bundles = files.filter((f) => f.path.endsWith('/fleet.yaml')).map((f) => bundleOf(yaml.load(f.content)));
    expect(bundles).toHaveLength(2);
    expect(validateObjects(bundles, conformanceValidators())).toEqual([]);
  });

  test('WHEN a fleet.yaml field is misspelt THEN the Bundle check rejects it (the check can fail)', () => {
    const fleetYaml = yaml.load(fileOf(files, 'sites/store-01/fleet.yaml').content) as any;
    const broken = bundleOf({ ...fleetYaml, helm: { ...fleetYaml.helm, takeOwnerShip: true } });
    expect(validateObjects([broken], conformanceValidators()).join('\n')).toMatch(/takeOwnerShip/);
  });
});
