import { homedir, tmpdir } from 'node:os';
import { EdgeValidationError } from '../../lib';
import * as fc from 'fast-check';
import {
  ClusterPlatform, HELM_PROVIDER, HELM_PROVIDER_BINDINGS, NAME_PLACEHOLDER, platformFromSite, SiteStackTemplates, terraformFiles, TerraformFilesOptions, TerraformSettings,
} from '../../lib/terraform';
import { interfaceSchema, META_ARGUMENTS, releaseSynthesizedAttributes, schemaProblems } from './support/helm-schema';
import { fullPlatform, releasesOf, site } from './support/stacks';

/** Sites shaped like the example fleet's (apps/fleet.yaml), every platform option in use. */
const exampleSites = [
  site({ name: 'factory-floor-01', tier: 'micro', region: 'eu-central', connectivity: { offlineTolerance: '72h' } }, 2),
  site({ name: 'retail-store-01', tier: 'mini', region: 'eu-west', network: { cni: 'cilium' } }, 2),
  site({ name: 'beijing-mec-01', tier: 'mec', region: 'cn-north', network: { cni: 'cilium' } }, 2),
  site({ name: 'vision-01', tier: 'standard', connectivity: { syncInterval: '10m' } }, 2),
];

const options: TerraformFilesOptions = {
  settings: {
    access: { kubeconfig: '~/.kube/edge-fleet.yaml', context: '{site}-admin' },
    gitopsAgent: { kind: 'flux', flux: { url: 'https://git.example.com/acme/edge-fleet.git', secretName: 'edge-fleet-git' } },
    hub: {
      access: { context: 'cloud-hub' }, certManager: true, fleetManager: true, apiServerUrl: 'https://hub.example.com:6443', openYurt: true,
      spireServer: { trustDomain: 'edge.example.com' }, metricsReceiver: {}, logReceiver: {},
      kubeEdge: { chartRepository: 'oci://registry.example.com/charts', advertiseAddresses: ['203.0.113.10'] },
    },
  },
  siteSettings: { 'vision-01': { access: { inCluster: true } } },
  platform: (s) => (s.name === 'retail-store-01' ? fullPlatform(2) : {
    ...platformFromSite(s),
    ...(s.name === 'beijing-mec-01' ? { spire: { trustDomain: 'edge.example.com' }, monitoring: { mode: 'kube-prometheus-stack' } } : {}),
  } as ClusterPlatform),
};

describe('terraformFiles', () => {
  const allFiles = terraformFiles(exampleSites, options);
  /** The stacks' JSON (every other file is a stack's lock file). */
  const files = allFiles.filter((f) => f.path.endsWith('/cdk.tf.json'));

  test('WHEN the fleet has sites and a hub THEN each gets terraform/<stack>/cdk.tf.json and its lock file, the hub last', () => {
    const stacks = ['factory-floor-01', 'retail-store-01', 'beijing-mec-01', 'vision-01', '_hub'];
    expect(allFiles.map((f) => f.path)).toEqual(stacks.flatMap((s) => [`terraform/${s}/cdk.tf.json`, `terraform/${s}/.terraform.lock.hcl`]));
  });

  test('WHEN the stacks are synthesized twice THEN the files are byte-identical', () => {
    expect(terraformFiles(exampleSites, options)).toEqual(allFiles);
  });

  // Regression: no stack said which Terraform it needs, and `init` picked whatever provider build the constraint admitted.
  test('WHEN any stack is written THEN it requires Terraform 1.11+ and its lock file pins hashicorp/helm 3.1.1 with published hashes', () => {
    for (const file of files) expect(JSON.parse(file.content).terraform.required_version).toBe('>= 1.11.0');
    for (const lock of allFiles.filter((f) => f.path.endsWith('/.terraform.lock.hcl'))) {
      expect(lock.content).toContain('provider "registry.terraform.io/hashicorp/helm" {\n  version     = "3.1.1"\n  constraints = "~> 3.1.1"\n');
      expect(lock.content.match(/"zh:[0-9a-f]{64}"/g)).toHaveLength(12);
      expect(lock.content.match(/"h1:[A-Za-z0-9+/]{43}="/g)).toHaveLength(3);
    }
  });

  test('WHEN a stack is written THEN it holds no machine path, no cdktf metadata or version and ends with a newline', () => {
    const machinePaths = [process.cwd(), homedir(), tmpdir(), __dirname].filter((p) => p.length > 1);
    for (const file of files) {
      for (const path of machinePaths) expect(file.content).not.toContain(path);
      expect(file.content).not.toContain('"//"');
      expect(file.content).not.toContain('0.21.0');
      expect(file.content.endsWith('}\n')).toBe(true);
    }
  });

  test('WHEN a stack is written THEN its keys are sorted at every level', () => {
    const sorted = (value: unknown): boolean => {
      if (Array.isArray(value)) return value.every(sorted);
      if (value === null || typeof value !== 'object') return true;
      const keys = Object.keys(value);
      return keys.every((k, i) => i === 0 || keys[i - 1] < k) && Object.values(value).every(sorted);
    };
    for (const file of files) expect(sorted(JSON.parse(file.content))).toBe(true);
  });

  test('WHEN the access is a template THEN {site} becomes the site name, and a site\'s own access replaces it', () => {
    const [factory, , , vision] = files.map((f) => JSON.parse(f.content));
    expect(factory.provider.helm).toEqual([{ kubernetes: { config_context: 'factory-floor-01-admin', config_path: '~/.kube/edge-fleet.yaml' } }]);
    expect(vision.provider.helm).toEqual([{}]);
  });

  test('WHEN a site syncs every 10 minutes THEN its Flux fetches every 10 minutes', () => {
    const vision = JSON.parse(files[3].content);
    expect(JSON.parse(releasesOf(vision)['edge-bootstrap'].values[0]).gitRepository.spec.interval).toBe('10m');
  });

  test('WHEN the platform comes from the site spec THEN cni cilium installs Cilium, kubernetes keeps flannel, cert-manager is always there', () => {
    expect(platformFromSite(exampleSites[1])).toEqual({ cni: 'cilium', certManager: true, nodeCount: 2 });
    expect(platformFromSite(exampleSites[0])).toEqual({ cni: 'flannel', certManager: true, nodeCount: 2 });
  });

  test('WHEN any stack is written THEN every provider requirement is hashicorp/helm with the constraint', () => {
    for (const file of files) expect(JSON.parse(file.content).terraform.required_providers).toEqual({ helm: { ...HELM_PROVIDER } });
  });

  test('WHEN the helm provider bindings are read THEN the constraint admits the provider release they were generated from', () => {
    const generatedFrom: string = require(`${HELM_PROVIDER_BINDINGS}/package.json`).cdktf.provider.version;
    const [, major, minor, patch] = /^~> (\d+)\.(\d+)\.(\d+)$/.exec(HELM_PROVIDER.version)!;
    const [gMajor, gMinor, gPatch] = generatedFrom.split('.').map(Number);
    expect(gMajor).toBe(Number(major));
    expect(gMinor).toBe(Number(minor));
    expect(gPatch).toBeGreaterThanOrEqual(Number(patch));
  });

  describe('structure against the helm provider schema of the bindings', () => {
    const release = interfaceSchema('release', 'ReleaseConfig');
    const nested = {
      set: interfaceSchema('release', 'ReleaseSet'),
      set_sensitive: interfaceSchema('release', 'ReleaseSetSensitive'),
      set_wo: interfaceSchema('release', 'ReleaseSetWo'),
    };
    const kubernetes = interfaceSchema('provider', 'HelmProviderKubernetes');
    const provider = interfaceSchema('provider', 'HelmProviderConfig');

    test('WHEN the bindings are parsed THEN they agree with what Release synthesizes and require name and chart', () => {
      expect([...release.attributes].sort()).toEqual([...releaseSynthesizedAttributes()].sort());
      expect([...release.required].sort()).toEqual(['chart', 'name']);
    });

    test('WHEN any helm_release is written THEN each attribute exists in the schema and every required one is present', () => {
      const problems: string[] = [];
      for (const file of files) {
        for (const [name, r] of Object.entries(releasesOf(JSON.parse(file.content)))) {
          const where = `${file.path} helm_release.${name}`;
          problems.push(...schemaProblems(r, release, where, META_ARGUMENTS));
          for (const [block, schema] of Object.entries(nested)) {
            for (const [i, item] of (r[block] ?? []).entries()) problems.push(...schemaProblems(item, schema, `${where}.${block}[${i}]`));
          }
          for (const values of r.values ?? []) expect(typeof JSON.parse(values)).toBe('object');
        }
      }
      expect(problems).toEqual([]);
    });

    test('WHEN any provider block is written THEN its attributes exist in the schema', () => {
      const problems: string[] = [];
      for (const file of files) {
        for (const block of JSON.parse(file.content).provider.helm) {
          problems.push(...schemaProblems(block, provider, `${file.path} provider.helm`, new Set(['alias'])));
          if (block.kubernetes) problems.push(...schemaProblems(block.kubernetes, kubernetes, `${file.path} provider.helm.kubernetes`));
        }
      }
      expect(problems).toEqual([]);
    });
  });

  test('WHEN several stacks are invalid THEN one error lists the problems of all of them', () => {
    const act = () => terraformFiles([site({ name: 'site-a' }), site({ name: 'site-b' })], {
      platform: (s) => ({ ...platformFromSite(s), longhorn: { replicaCount: 4 } }),
    });
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/site-a\.platform\.longhorn\.replicaCount(.|\n)*site-a\.access\.context: is required(.|\n)*site-b\.access\.context: is required/);
  });

  test('WHEN the fleet-wide settings are invalid THEN they are reported once at terraform.*', () => {
    const act = () => terraformFiles([site({ name: 'site-a' }), site({ name: 'site-b' })], { settings: { access: { context: 'x' }, backend: { path: '/abs/state' } } });
    try {
      act();
      throw new Error('no error');
    } catch (error) {
      expect((error as EdgeValidationError).problems).toEqual([
        { path: 'terraform.backend.path', message: expect.stringMatching(/must be a path relative to the stack folder/) },
      ]);
    }
  });

  test('WHEN the example stacks are synthesized THEN they match the reviewed snapshot', () => {
    for (const file of files) expect(file.content).toMatchSnapshot(file.path);
  });
});

describe('SiteStackTemplates', () => {
  /** Every setting that puts the site's name into a stack: kube context, state key, Fleet client ID and labels, Flux path, SPIRE cluster name. */
  const variants: Record<string, TerraformSettings> = {
    flux: { access: { kubeconfig: '~/.kube/edge-fleet.yaml', context: '{site}-admin' }, gitopsAgent: options.settings!.gitopsAgent },
    fleet: {
      access: { context: '{site}' }, backend: { kind: 's3', bucket: 'state', region: 'eu-central-1', prefix: 'edge/' },
      gitopsAgent: { kind: 'fleet', fleet: { apiServerUrl: 'https://rancher.example.com' } },
    },
    http: { access: { context: 'ctx-{site}' }, backend: { kind: 'http', address: 'https://state.example.com/tf' }, releases: { timeoutSeconds: 600, atomic: false } },
  };
  const shapes = [
    site({ name: 'a', tier: 'micro', region: 'eu-central', connectivity: { offlineTolerance: '72h' } }, 2),
    site({ name: 'a', tier: 'mec', region: 'cn-north', network: { cni: 'cilium' }, components: { spire: { trustDomain: 'edge.example.com' }, monitoring: { mode: 'server' } } } as any, 3),
    site({ name: 'a', tier: 'standard', connectivity: { syncInterval: '10m' }, components: { localStorage: { provisioner: 'longhorn' } } } as any, 3),
  ];

  test('WHEN sites of every shape and setting get their stacks from templates THEN each is byte-identical to its own build', () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[a-z]([a-z0-9-]{0,50}[a-z0-9])?$/), fc.constantFrom(...shapes), fc.constantFrom(...Object.keys(variants)),
      (name, shape, variant) => {
        const spec = { ...shape, name };
        const settings = variants[variant];
        const templates = new SiteStackTemplates();
        expect(terraformFiles([spec], { settings, templates })).toEqual(terraformFiles([spec], { settings }));
        expect(templates.shapes).toBe(1);
      },
    ), { numRuns: 60 });
  });

  test('WHEN many sites share a shape THEN its stack is built once and each site has its own name in it', () => {
    const templates = new SiteStackTemplates();
    const sites = ['store-001', 'store-002', 'store-003'].map((name) => ({ ...shapes[0], name }));
    const files = terraformFiles(sites, { settings: variants.fleet, templates }).filter((f) => f.path.endsWith('/cdk.tf.json'));
    expect(templates.shapes).toBe(1);
    for (const [i, file] of files.entries()) {
      expect(file.content).toContain(`"clientID\\":\\"${sites[i].name}\\"`);
      expect(file.content).not.toContain(NAME_PLACEHOLDER);
    }
  });

  test('WHEN each site carries the fleet\'s access template filled in with its name (as the inventory resolves it) THEN the sites still share one shape', () => {
    const templates = new SiteStackTemplates();
    const sites = ['store-001', 'store-002'].map((name) => ({ ...shapes[0], name }));
    const siteSettings = Object.fromEntries(sites.map((s) => [s.name, { access: { context: `ctx-${s.name}` } }]));
    const files = terraformFiles(sites, { settings: variants.http, siteSettings, templates });
    expect(templates.shapes).toBe(1);
    expect(files).toEqual(terraformFiles(sites, { settings: variants.http, siteSettings }));
    const own = { ...siteSettings, 'store-002': { access: { context: 'somewhere-else' } } };
    expect(terraformFiles(sites, { settings: variants.http, siteSettings: own, templates: new SiteStackTemplates() }))
      .toEqual(terraformFiles(sites, { settings: variants.http, siteSettings: own }));
  });

  test('WHEN a site\'s shape does not build THEN the problems name the site, not the stand-in', () => {
    const invalid = { ...shapes[0], name: 'store-009' };
    const act = () => terraformFiles([invalid], { settings: { backend: { kind: 'local' } }, templates: new SiteStackTemplates() });
    expect(act).toThrow(/store-009\.access\.context: is required/);
    expect(act).not.toThrow(new RegExp(NAME_PLACEHOLDER));
  });

  test('WHEN the options have a platform function THEN no template is used (it may read the name)', () => {
    const templates = new SiteStackTemplates();
    terraformFiles([{ ...shapes[0], name: 'store-001' }], { settings: variants.flux, templates, platform: platformFromSite });
    expect(templates.shapes).toBe(0);
  });
});
