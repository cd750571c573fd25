import { EdgeValidationError } from '../../lib/core/validation/validation-error';
import type { GitOpsSettings } from '../../lib/gitops/gitops-settings';
import { resolveGitOpsSettings } from '../../lib/gitops/resolve-gitops-settings';
import { readGitOpsSettings } from '../../lib/gitops/private/read-gitops-settings';
import { Problems } from '../../lib/core/validation/problems';

const repository = { url: 'https://git.example.com/edge/fleet.git' };

/** Reads a raw `gitops:` block the way the inventory does. */
function read(raw: unknown) {
  const problems = new Problems();
  const settings = readGitOpsSettings(raw, 'gitops', problems);
  return { settings, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
}

function gitops(extra: Record<string, unknown> = {}, repo: Record<string, unknown> = {}): Record<string, unknown> {
  return { engines: ['fleet', 'flux'], repository: { ...repository, ...repo }, ...extra };
}

describe('reading the gitops block', () => {
  test('WHEN only the engines and the repository URL are given THEN every default is applied', () => {
    expect(read(gitops())).toEqual({
      problems: [],
      settings: {
        engines: ['fleet', 'flux'],
        repository: { url: repository.url, branch: 'main', path: 'dist' },
        bundleSizeLimit: '1Mi',
        fleet: { namespace: 'fleet-default', gitRepoName: 'edge-sites', targetLabels: [], dependsOn: [] },
        flux: { namespace: 'flux-system', sourceTimeout: '2m', interval: '10m', retryInterval: '2m', timeout: '5m', prune: true, wait: true, dependsOn: [] },
      },
    });
  });

  test('WHEN one engine is chosen THEN only its settings are resolved', () => {
    expect(read(gitops({ engines: ['flux'] })).settings).not.toHaveProperty('fleet');
    expect(read(gitops({ engines: ['fleet'] })).settings).not.toHaveProperty('flux');
  });

  test('WHEN every field is set THEN each value is kept and engines come in a fixed order', () => {
    const raw = gitops({
      engines: ['flux', 'fleet'],
      bundleSizeLimit: '512Ki',
      fleet: { namespace: 'fleet-edge', gitRepoName: 'stores', pollingInterval: '1m', targetLabels: ['region', 'tier'], dependsOn: ['edge-platform'] },
      flux: { namespace: 'gitops', sourceInterval: '15m', sourceTimeout: '5m', interval: '1h', retryInterval: '5m', timeout: '10m', prune: false, wait: false, dependsOn: ['platform'] },
    }, { branch: 'release/edge', path: 'out/dist', secretName: 'edge-git' });
    const { settings, problems } = read(raw);
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      engines: ['fleet', 'flux'],
      repository: { url: repository.url, branch: 'release/edge', path: 'out/dist', secretName: 'edge-git' },
      bundleSizeLimit: '512Ki',
      fleet: { namespace: 'fleet-edge', gitRepoName: 'stores', pollingInterval: '1m', targetLabels: ['tier', 'region'], dependsOn: ['edge-platform'] },
      flux: { namespace: 'gitops', sourceInterval: '15m', sourceTimeout: '5m', interval: '1h', retryInterval: '5m', timeout: '10m', prune: false, wait: false, dependsOn: ['platform'] },
    });
  });

  test.each([
    ['defaults only', gitops()],
    ['fleet only, with a polling interval', gitops({ engines: ['fleet'], fleet: { pollingInterval: '30s' } })],
    ['flux only, with a source interval', gitops({ engines: ['flux'], flux: { sourceInterval: '1m' } }, { path: '.', secretName: 's' })],
  ])('WHEN the resolved settings (%s) are read again THEN they come back unchanged', (_what, raw) => {
    const first = read(raw).settings;
    expect(read(first)).toEqual({ settings: first, problems: [] });
  });

  test('WHEN the repository is the output itself THEN path "." is accepted', () => {
    expect(read(gitops({}, { path: '.' })).settings?.repository.path).toBe('.');
  });

  test('WHEN an ssh URL names the ssh user THEN it is accepted (the user is no secret)', () => {
    expect(read(gitops({}, { url: 'ssh://git@git.example.com/edge/fleet.git' })).problems).toEqual([]);
  });
});

describe('gitops validation rules', () => {
  test.each([
    ['a list instead of a mapping', ['fleet'], 'gitops: must be a mapping, got a list'],
    ['an unknown key', gitops({ engine: ['fleet'] }), 'gitops.engine: unknown key; allowed keys here: engines, repository, bundleSizeLimit, fleet, flux'],
    ['no engines', { repository }, 'gitops.engines: is required: the fleet engines to write objects for: fleet, flux or both'],
    ['no repository', { engines: ['fleet'] }, 'gitops.repository: is required: the Git repository the output is committed to, with its url'],
    ['an unknown engine', gitops({ engines: ['argocd'] }), 'gitops.engines[0]: "argocd" is not a fleet engine; allowed: fleet, flux'],
    ['an empty engines list', gitops({ engines: [] }), 'gitops.engines: must list at least one engine: fleet, flux'],
    ['an engine listed twice', gitops({ engines: ['flux', 'flux'] }), 'gitops.engines: lists flux more than once'],
    ['engines that are not a list', gitops({ engines: 'fleet' }), 'gitops.engines: must be a list, got "fleet"'],
    ['an unknown repository key', gitops({}, { token: 'x' }), 'gitops.repository.token: unknown key; allowed keys here: url, branch, path, secretName'],
    ['a repository without a URL', gitops({ repository: { branch: 'main' } }), 'gitops.repository.url: is required: the repository URL, e.g. https://git.example.com/edge/fleet.git'],
    ['an scp-style URL', gitops({}, { url: 'git@github.com:acme/edge-fleet.git' }), 'gitops.repository.url: "git@github.com:acme/edge-fleet.git" is an scp-style address, which Flux does not accept; write ssh://git@github.com/acme/edge-fleet.git'],
    ['a URL that does not parse', gitops({}, { url: 'github.com/acme/edge' }), 'gitops.repository.url: "github.com/acme/edge" is not a URL; use https://host/org/repo.git or ssh://git@host/org/repo.git'],
    ['a plain http URL', gitops({}, { url: 'http://git.example.com/edge.git' }), 'gitops.repository.url: "http://git.example.com/edge.git" must use https or ssh, not http'],
    ['a URL with a password', gitops({}, { url: 'https://bot:s3cret@git.example.com/edge.git' }), 'gitops.repository.url: "https://bot:s3cret@git.example.com/edge.git" carries credentials; put them in a Secret and name it in secretName'],
    ['an https URL with a token as user', gitops({}, { url: 'https://ghp_abc@github.com/acme/edge.git' }), 'gitops.repository.url: "https://ghp_abc@github.com/acme/edge.git" carries credentials'],
    ['a URL without a repository path', gitops({}, { url: 'https://git.example.com/' }), 'gitops.repository.url: "https://git.example.com/" names no repository (no path after the host)'],
    ['an empty branch', gitops({}, { branch: '' }), 'gitops.repository.branch: "" is not a Git branch name'],
    ['a branch with a space', gitops({}, { branch: 'edge sites' }), 'gitops.repository.branch: "edge sites" is not a Git branch name (no spaces'],
    ['a branch with ..', gitops({}, { branch: 'a..b' }), 'gitops.repository.branch: "a..b" is not a Git branch name'],
    ['a branch ending in .lock', gitops({}, { branch: 'main.lock' }), 'gitops.repository.branch: "main.lock" is not a Git branch name'],
    ['an absolute repository path', gitops({}, { path: '/dist' }), 'gitops.repository.path: "/dist" is not a folder of the repository: relative'],
    ['a repository path leaving the repository', gitops({}, { path: '../dist' }), 'gitops.repository.path: "../dist" is not a folder of the repository'],
    ['a repository path with a glob', gitops({}, { path: 'dist/*' }), 'gitops.repository.path: "dist/*" is not a folder of the repository'],
    ['a secret name that is not a Kubernetes name', gitops({}, { secretName: 'Git_Creds' }), 'gitops.repository.secretName: "Git_Creds" is not a DNS-1123 subdomain'],
    ['a bundle size limit that does not parse', gitops({ bundleSizeLimit: '1 MB' }), 'gitops.bundleSizeLimit: "1 MB" is not a size such as 512Ki or 1Mi'],
    ['a zero bundle size limit', gitops({ bundleSizeLimit: '0' }), 'gitops.bundleSizeLimit: "0" is not a size such as 512Ki or 1Mi'],
    ['a fleet block without the fleet engine', gitops({ engines: ['flux'], fleet: {} }), 'gitops.fleet: is set but engines does not list fleet; add fleet to engines or remove this block'],
    ['a flux block without the flux engine', gitops({ engines: ['fleet'], flux: {} }), 'gitops.flux: is set but engines does not list flux; add flux to engines or remove this block'],
    ['an unknown fleet key', gitops({ fleet: { rolloutStrategy: {} } }), 'gitops.fleet.rolloutStrategy: unknown key; allowed keys here: namespace, gitRepoName, pollingInterval, targetLabels, dependsOn'],
    ['a fleet namespace that is not DNS-1123', gitops({ fleet: { namespace: 'Fleet_Default' } }), 'gitops.fleet.namespace: "Fleet_Default" is not a DNS-1123 label'],
    ['a GitRepo name that is not DNS-1123', gitops({ fleet: { gitRepoName: 'edge.sites' } }), 'gitops.fleet.gitRepoName: "edge.sites" is not a DNS-1123 label'],
    ['a polling interval that is not a duration', gitops({ fleet: { pollingInterval: '1 minute' } }), 'gitops.fleet.pollingInterval: "1 minute" is not a duration such as 90s, 5m, 1h30m or 24h'],
    ['a zero polling interval', gitops({ fleet: { pollingInterval: '0s' } }), 'gitops.fleet.pollingInterval: "0s" is not a duration such as 90s'],
    ['an unknown target label', gitops({ fleet: { targetLabels: ['zone'] } }), 'gitops.fleet.targetLabels[0]: "zone" is not a target label; allowed: tier, region (edge.site is always required)'],
    ['a bundle dependency that is not a name', gitops({ fleet: { dependsOn: ['Edge Platform'] } }), 'gitops.fleet.dependsOn[0]: "Edge Platform" is not a DNS-1123 subdomain'],
    ['a bundle dependency listed twice', gitops({ fleet: { dependsOn: ['edge-platform', 'edge-platform'] } }), 'gitops.fleet.dependsOn: lists the bundle edge-platform more than once'],
    ['an unknown flux key', gitops({ flux: { suspend: true } }), 'gitops.flux.suspend: unknown key; allowed keys here: namespace, sourceInterval, sourceTimeout, interval, retryInterval, timeout, prune, wait, dependsOn'],
    ['a flux namespace that is not DNS-1123', gitops({ flux: { namespace: 'flux_system' } }), 'gitops.flux.namespace: "flux_system" is not a DNS-1123 label'],
    ['a source interval that is not a duration', gitops({ flux: { sourceInterval: '5 min' } }), 'gitops.flux.sourceInterval: "5 min" is not a duration'],
    ['a source timeout that is not a duration', gitops({ flux: { sourceTimeout: '2d' } }), 'gitops.flux.sourceTimeout: "2d" is not a duration'],
    ['an interval that is not a duration', gitops({ flux: { interval: 'hourly' } }), 'gitops.flux.interval: "hourly" is not a duration'],
    ['a retry interval that is not a duration', gitops({ flux: { retryInterval: '-1m' } }), 'gitops.flux.retryInterval: "-1m" is not a duration'],
    ['a timeout that is not a duration', gitops({ flux: { timeout: '5' } }), 'gitops.flux.timeout: "5" is not a duration'],
    ['an unquoted interval', gitops({ flux: { interval: 10 } }), 'gitops.flux.interval: must be a string, got 10 (quote it: "10")'],
    ['prune that is not a boolean', gitops({ flux: { prune: 'yes' } }), 'gitops.flux.prune: must be true or false, got "yes"'],
    ['wait that is not a boolean', gitops({ flux: { wait: 1 } }), 'gitops.flux.wait: must be true or false, got 1'],
    ['a Kustomization dependency that is not a name', gitops({ flux: { dependsOn: ['Platform!'] } }), 'gitops.flux.dependsOn[0]: "Platform!" is not a DNS-1123 subdomain'],
    ['a Kustomization dependency listed twice', gitops({ flux: { dependsOn: ['platform', 'platform'] } }), 'gitops.flux.dependsOn: lists the Kustomization platform more than once'],
  ])('WHEN the gitops block has %s THEN the problem names its path and what is allowed', (_what, raw, expected) => {
    expect(read(raw).problems).toContainEqual(expect.stringContaining(expected));
  });

  test('WHEN several fields are wrong THEN every problem is reported in one pass', () => {
    const { problems } = read(gitops({ engines: ['fleet', 'argo'], bundleSizeLimit: 'big', fleet: { pollingInterval: 'often' } }, { branch: 'a b' }));
    expect(problems).toEqual([
      'gitops.engines[1]: "argo" is not a fleet engine; allowed: fleet, flux',
      expect.stringMatching(/^gitops\.repository\.branch: /),
      'gitops.bundleSizeLimit: "big" is not a size such as 512Ki or 1Mi',
      'gitops.fleet.pollingInterval: "often" is not a duration such as 90s, 5m, 1h30m or 24h',
    ]);
  });
});

describe('resolveGitOpsSettings', () => {
  test('WHEN settings written in code are valid THEN they are resolved with the defaults', () => {
    const settings: GitOpsSettings = { engines: ['flux'], repository };
    expect(resolveGitOpsSettings(settings).flux?.interval).toBe('10m');
  });

  test('WHEN settings written in code are invalid THEN an EdgeValidationError lists every problem under the given path', () => {
    const settings: GitOpsSettings = { engines: ['fleet'], repository: { url: 'http://git.local/edge.git' }, fleet: { namespace: 'Fleet' } };
    let thrown: unknown;
    try {
      resolveGitOpsSettings(settings, 'fleet.gitOps');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EdgeValidationError);
    expect((thrown as EdgeValidationError).problems.map((p) => p.path)).toEqual(['fleet.gitOps.repository.url', 'fleet.gitOps.fleet.namespace']);
  });
});
