import { EdgeFleet } from '../../lib';
import { checkGitOpsOutput, checkSiteBundle } from '../../lib/gitops/check-gitops-output';
import { gitOpsFiles } from '../../lib/gitops/gitops-output';
import type { GitOpsSettings } from '../../lib/gitops/gitops-settings';
import { resolveGitOpsSettings } from '../../lib/gitops/resolve-gitops-settings';
import type { OutputFile } from '../../lib/core/manifests';
import { microSite } from '../support/fixtures';

const repository = { url: 'https://git.example.com/edge/fleet.git' };

function settingsWith(extra: Partial<GitOpsSettings> = {}) {
  return resolveGitOpsSettings({ engines: ['fleet', 'flux'], repository, ...extra });
}

/** The whole output of a fleet: the sites' folders, node files and GitOps files. */
function outputOf(names: string[], settings = settingsWith()): OutputFile[] {
  const fleet = new EdgeFleet({ sites: names.map((name) => microSite({ name })) });
  const synthesis = fleet.synth();
  const sites = synthesis.sites.map((s) => ({ name: s.site, tier: 'micro' as const, connectivity: { offlineTolerance: '24h', syncInterval: '5m' } }));
  return [...synthesis.files, ...gitOpsFiles(settings, sites)];
}

function problemsOf(files: readonly OutputFile[], settings = settingsWith()): string[] {
  return checkGitOpsOutput(files, settings).map((p) => `${p.path}: ${p.message}`);
}

const without = (files: readonly OutputFile[], drop: (path: string) => boolean) => files.filter((f) => !drop(f.path));
const replaced = (files: readonly OutputFile[], path: string, edit: (content: string) => string) =>
  files.map((f) => (f.path === path ? { path, content: edit(f.content) } : f));

const GITREPO = 'gitops/fleet/gitrepo-edge-sites.yaml';

describe('checkGitOpsOutput: every referenced path exists', () => {
  test('WHEN the output of a fleet is complete THEN there is no problem', () => {
    expect(problemsOf(outputOf(['store-01', 'store-02']))).toEqual([]);
  });

  test('WHEN a site folder lacks its fleet.yaml THEN the GitRepo is reported: the folder would go to every cluster it targets', () => {
    const files = without(outputOf(['store-01', 'store-02']), (p) => p === 'sites/store-02/fleet.yaml');
    expect(problemsOf(files)).toEqual([
      `${GITREPO}: GitRepo path dist/sites/* makes a bundle of sites/store-02, which has no fleet.yaml: it would go to every cluster the GitRepo targets`,
    ]);
  });

  test('WHEN a site folder lacks its kustomization.yaml THEN both the GitRepo and the site\'s Flux Kustomization are reported', () => {
    const files = without(outputOf(['store-01']), (p) => p === 'sites/store-01/kustomization.yaml');
    expect(problemsOf(files)).toEqual([
      `${GITREPO}: GitRepo path dist/sites/* makes a bundle of sites/store-01, which has no kustomization.yaml`,
      'gitops/flux/store-01/kustomization-store-01.yaml: path ./dist/sites/store-01 has no kustomization.yaml in the output',
    ]);
  });

  test('WHEN a GitRepo path lies outside the repository folder of the output THEN it is reported', () => {
    const files = replaced(outputOf(['store-01']), GITREPO, (c) => c.replace('dist/sites/*', 'manifests/sites/*'));
    expect(problemsOf(files)).toContain(`${GITREPO}: GitRepo path manifests/sites/* is outside the repository folder dist that holds the output`);
  });

  test('WHEN a GitRepo path names a folder that is not in the output THEN it is reported', () => {
    const files = replaced(outputOf(['store-01']), GITREPO, (c) => c.replace('dist/sites/*', 'dist/sites/store-09'));
    expect(problemsOf(files)).toContain(`${GITREPO}: GitRepo path dist/sites/store-09 is not a folder of the output`);
  });

  test('WHEN the GitRepo glob matches no folder THEN it is reported', () => {
    const files = replaced(outputOf(['store-01']), GITREPO, (c) => c.replace('dist/sites/*', 'dist/sites/kiosk-*'));
    expect(problemsOf(files)).toContain(`${GITREPO}: GitRepo path dist/sites/kiosk-* matches no folder of the output`);
  });

  test('WHEN a GitRepo names one site folder without a glob THEN that folder is checked and reached', () => {
    const files = replaced(outputOf(['store-01']), GITREPO, (c) => c.replace('dist/sites/*', 'dist/sites/store-01'));
    expect(problemsOf(files)).toEqual([]);
  });

  test('WHEN a Flux Kustomization points at a site folder that is not in the output THEN it is reported', () => {
    const files = without(outputOf(['store-01']), (p) => p.startsWith('sites/store-01/'));
    expect(problemsOf(files)).toEqual([
      `${GITREPO}: GitRepo path dist/sites/* matches no folder of the output`,
      'gitops/flux/store-01/kustomization-store-01.yaml: path ./dist/sites/store-01 has no kustomization.yaml in the output',
    ]);
  });

  test('WHEN a Flux Kustomization path lies outside the repository folder THEN it is reported', () => {
    const path = 'gitops/flux/store-01/kustomization-store-01.yaml';
    const files = replaced(outputOf(['store-01']), path, (c) => c.replace('./dist/sites/store-01', './sites/store-01'));
    expect(problemsOf(files)).toContain(`${path}: path ./sites/store-01 is outside the repository folder dist that holds the output`);
  });

  test('WHEN a Flux Kustomization\'s GitRepository is missing THEN the Kustomization and the list naming it are reported', () => {
    const files = without(outputOf(['store-01']), (p) => p === 'gitops/flux/store-01/gitrepository-store-01.yaml');
    expect(problemsOf(files)).toEqual([
      'gitops/flux/store-01/kustomization.yaml: lists gitrepository-store-01.yaml, which is not in the output',
      'gitops/flux/store-01/kustomization-store-01.yaml: sourceRef GitRepository flux-system/store-01 is not in the output',
    ]);
  });

  test('WHEN a site has no Flux objects THEN the site is reported as never applied', () => {
    const files = without(outputOf(['store-01', 'store-02']), (p) => p.startsWith('gitops/flux/store-02/'));
    expect(problemsOf(files)).toEqual(['sites/store-02: no Flux Kustomization applies this site (expected one in gitops/flux/store-02/)']);
  });

  test('WHEN Fleet is chosen but the GitRepo is missing THEN that and every unreached site are reported', () => {
    const files = without(outputOf(['store-01']), (p) => p.startsWith('gitops/fleet/'));
    expect(problemsOf(files)).toEqual([
      'gitops/fleet: holds no GitRepo, but gitops.engines lists fleet',
      'sites/store-01: no Fleet GitRepo path reaches this site',
    ]);
  });

  test('WHEN a GitOps file is not valid YAML THEN it is reported, not thrown', () => {
    const files = replaced(outputOf(['store-01']), GITREPO, () => 'spec: [unclosed\n');
    expect(problemsOf(files)[0]).toMatch(/^gitops\/fleet\/gitrepo-edge-sites\.yaml: is not valid YAML: /);
  });

  test('WHEN the output is the repository root THEN the paths are resolved from the root', () => {
    const settings = settingsWith({ repository: { ...repository, path: '.' } });
    expect(problemsOf(outputOf(['store-01'], settings), settings)).toEqual([]);
  });
});

describe('checkSiteBundle: each site\'s bundle', () => {
  const big = (bytes: number): OutputFile => ({ path: 'sites/store-01/edge-system/configmap-big.yaml', content: 'x'.repeat(bytes) });

  test('WHEN a site folder is over the default limit of 1 MiB THEN the site is reported with its size and the limit', () => {
    const files = [...outputOf(['store-01']), big(1024 * 1024)];
    const problems = problemsOf(files);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^sites\/store-01: the site's bundle is \d+ bytes \(\d+ files\), over the limit of 1Mi \(gitops\.bundleSizeLimit\); Fleet stores each bundle in etcd/);
  });

  test('WHEN a site folder is exactly at the limit THEN it passes, and one byte more does not', () => {
    const settings = settingsWith({ bundleSizeLimit: '4Ki' });
    const site = [{ path: 'sites/s/kustomization.yaml', content: 'resources: []\n' }];
    const fill = (bytes: number) => [...site, { path: 'sites/s/x.yaml', content: 'x'.repeat(bytes) }];
    expect(checkSiteBundle('s', fill(4096 - 14), settings)).toEqual([]);
    expect(checkSiteBundle('s', fill(4096 - 13), settings).map((p) => p.message)).toEqual([expect.stringContaining('the site\'s bundle is 4097 bytes (2 files), over the limit of 4Ki')]);
  });

  test('WHEN the size limit is lowered THEN a normal site past it is reported', () => {
    const settings = settingsWith({ bundleSizeLimit: '1Ki' });
    expect(problemsOf(outputOf(['store-01'], settings), settings)).toEqual([expect.stringMatching(/^sites\/store-01: the site's bundle is \d+ bytes .* over the limit of 1Ki/)]);
  });

  test('WHEN a site\'s kustomization.yaml lists fleet.yaml THEN it is reported: fleet.yaml is not a Kubernetes object', () => {
    const files = [{ path: 'sites/s/kustomization.yaml', content: 'resources:\n  - fleet.yaml\n' }];
    expect(checkSiteBundle('s', files, settingsWith())).toEqual([
      { path: 'sites/s/kustomization.yaml', message: 'lists fleet.yaml, which holds Fleet\'s bundle options, not a Kubernetes object' },
    ]);
  });

  test('WHEN a site name is longer than a Helm release name and Fleet is chosen THEN the site is reported', () => {
    const name = `store-${'a'.repeat(48)}`;
    expect(checkSiteBundle(name, [], settingsWith()).map((p) => `${p.path}: ${p.message}`)).toEqual([
      `sites/${name}: "${name}" is 54 characters; Rancher Fleet installs each site as a Helm release named after it, and Helm release names are at most 53 characters (shorten the name, or use only flux in gitops.engines)`,
    ]);
  });

  test('WHEN a long site name is rolled out by Flux only THEN it is accepted', () => {
    expect(checkSiteBundle(`store-${'a'.repeat(48)}`, [], settingsWith({ engines: ['flux'] }))).toEqual([]);
  });
});
