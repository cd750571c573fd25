import { ApiObject } from 'cdk8s';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../lib/cli/main';
import { DEFAULT_KUBE_VERSIONS, parseKubeVersions, resolveSchemaOptions, SchemaOptions } from '../lib/cli/schema-options';
import { JobContext, runSiteJob } from '../lib/cli/site-job';
import { DirectoryMaker } from '../lib/cli/site-output';
import { checkSchemas, checkSiteSchemas, validatorsFor } from '../lib/cli/site-schemas';
import { EdgeFleet } from '../lib/fleet/edge-fleet';
import { parseInventory } from '../lib/fleet/inventory';
import { KUBERNETES_VERSIONS } from '../lib/core/spec/site-spec';
import { REPO_ROOT, RunResult, tempDir } from './support/cli';
import { describeWithSchemas, requireSchemasInCi } from './support/schema-gate';
import { schemaRoots } from './support/schemas';

const SITE = 'store-01';
const SCHEMA_VARS = ['EDGE_K8S_SCHEMAS_DIR', 'EDGE_CRDS_DIR'] as const;

/**
 * Runs the binary like runCli, with the schema environment variables set to `values` (unset when
 * absent there), so the outer environment cannot turn schema validation on. (Setting process.env
 * inside a jest test does not reach a child process: jest gives each test file its own copy.)
 */
function runCliWithSchemaEnv(args: string[], values: Partial<Record<(typeof SCHEMA_VARS)[number], string>>): RunResult {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SCHEMA_VARS) {
    if (values[name] === undefined) delete env[name];
    else env[name] = values[name];
  }
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'cdk8s-edge.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Collects what main() prints. */
function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    print: (t: string) => out.push(t),
    printError: (t: string) => err.push(t),
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
}

function schemaOptions(overrides: Partial<SchemaOptions> = {}): SchemaOptions {
  const roots = schemaRoots();
  return { k8sSchemas: roots.k8sSchemas, crds: roots.crds, kubeVersions: DEFAULT_KUBE_VERSIONS, ...overrides };
}

/** A site's output as synth produces it: one object per file, listed by the site's kustomization.yaml. */
function siteFiles(objects: Record<string, string>, unlisted: Record<string, string> = {}) {
  const prefix = `sites/${SITE}`;
  const kustomization = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${Object.keys(objects).map((f) => `  - ${f}\n`).join('')}`;
  return [
    ...Object.entries({ ...objects, ...unlisted }).map(([file, content]) => ({ path: `${prefix}/${file}`, content })),
    { path: `${prefix}/kustomization.yaml`, content: kustomization },
  ];
}

const GOOD_CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n  namespace: edge-system\ndata:\n  mode: "on"\n';
const BAD_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: edge-system
spec:
  replicas: "2"
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: registry.local/api:1.0.0
          imagePullPolcy: IfNotPresent
`;
// Unquoted `on` is a boolean to the API server (YAML 1.1), so this ConfigMap is not what it looks like.
const YAML11_CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  namespace: edge-system\ndata:\n  mode: on\n';
const BAD_CERTIFICATE = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: mqtt
  namespace: edge-system
spec:
  secretName: mqtt-tls
  issuerRef: { name: site-ca, kind: ClusterIssuer }
  dnsName: [mqtt.edge-system.svc]
`;

describe('--kube-versions and the schema folders', () => {
  test('WHEN --kube-versions is not given THEN the oldest and newest supported minors are checked', () => {
    expect(DEFAULT_KUBE_VERSIONS).toEqual([KUBERNETES_VERSIONS[0], KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1]]);
    expect(DEFAULT_KUBE_VERSIONS).toEqual(['1.25', '1.32']);
  });

  test('WHEN --kube-versions is a list or "all" THEN those minors are checked, in version order without repeats', () => {
    expect(parseKubeVersions('1.32,1.25,v1.28,1.25')).toEqual(['1.25', '1.28', '1.32']);
    expect(parseKubeVersions('all')).toEqual([...KUBERNETES_VERSIONS]);
  });

  test('WHEN --kube-versions names an unsupported minor THEN it is an error listing the allowed ones', () => {
    expect(parseKubeVersions('1.24,1.25')).toBe('--kube-versions "1.24,1.25" must be "all" or a comma-separated list of 1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, 1.32');
    expect(parseKubeVersions('')).toMatch(/^--kube-versions "" must be/);
  });

  test('WHEN neither folder is given by flag or environment THEN schema validation is off', () => {
    expect(resolveSchemaOptions({}, {})).toBeUndefined();
  });

  test('WHEN the environment names the folders THEN they are the defaults, and the flags win over them', () => {
    const roots = schemaRoots();
    expect(resolveSchemaOptions({}, { EDGE_K8S_SCHEMAS_DIR: roots.k8sSchemas, EDGE_CRDS_DIR: roots.crds }))
      .toEqual({ k8sSchemas: roots.k8sSchemas, crds: roots.crds, kubeVersions: ['1.25', '1.32'] });
    expect(resolveSchemaOptions({ crds: roots.crds, kubeVersions: '1.28' }, { EDGE_CRDS_DIR: '/elsewhere' }))
      .toEqual({ crds: roots.crds, kubeVersions: ['1.28'] });
  });

  test('WHEN a folder does not exist or lacks a minor THEN it is an error naming what is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-schemas-'));
    try {
      expect(resolveSchemaOptions({ k8sSchemas: empty, crds: join(empty, 'crds') }, {})).toBe([
        `--k8s-schemas ${empty}: missing ${join(empty, 'v1.25', '_definitions.json')}, ${join(empty, 'v1.32', '_definitions.json')}`,
        `--crds ${join(empty, 'crds')}: not a folder`,
      ].join('\n'));
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
});

describe('the per-site schema step', () => {
  requireSchemasInCi();

  test('WHEN the run checks no schemas THEN the step finds nothing and counts nothing', () => {
    expect(checkSiteSchemas(siteFiles({ 'edge-system/deployment-api.yaml': BAD_DEPLOYMENT }), undefined)).toEqual({ problems: [] });
  });

  describeWithSchemas('with the schema folders', () => {
    test('WHEN objects break their schemas THEN each error is a problem at the object\'s file, once for every minor it holds for', () => {
      const files = siteFiles({
        'edge-system/configmap-good.yaml': GOOD_CONFIGMAP,
        'edge-system/deployment-api.yaml': BAD_DEPLOYMENT,
        'edge-system/configmap-flags.yaml': YAML11_CONFIGMAP,
        'edge-system/certificate-mqtt.yaml': BAD_CERTIFICATE,
      });
      const result = checkSchemas(files, validatorsFor(schemaOptions()));
      expect(result.checked).toBe(4);
      expect(result.unchecked).toBe(0);
      expect(result.problems).toEqual([
        { path: `sites/${SITE}/edge-system/deployment-api.yaml`, message: 'Deployment edge-system/api: spec.replicas: must be integer (got string) (Kubernetes 1.25, 1.32)' },
        { path: `sites/${SITE}/edge-system/deployment-api.yaml`, message: 'Deployment edge-system/api: spec.template.spec.containers[0].imagePullPolcy: unknown field (Kubernetes 1.25, 1.32)' },
        { path: `sites/${SITE}/edge-system/configmap-flags.yaml`, message: 'ConfigMap edge-system/flags: data.mode: must be string (got boolean) (Kubernetes 1.25, 1.32)' },
        { path: `sites/${SITE}/edge-system/certificate-mqtt.yaml`, message: 'Certificate edge-system/mqtt: spec.dnsName: unknown field (CRD schema)' },
      ]);
    });

    test('WHEN an error holds for only one minor THEN the message names only that minor', () => {
      const pod = BAD_DEPLOYMENT.replace('replicas: "2"', 'replicas: 2').replace('imagePullPolcy', 'imagePullPolicy')
        .replace('    spec:\n      containers:', '    spec:\n      securityContext:\n        appArmorProfile: { type: RuntimeDefault }\n      containers:');
      const result = checkSchemas(siteFiles({ 'edge-system/deployment-api.yaml': pod }), validatorsFor(schemaOptions()));
      expect(result.problems).toEqual([{
        path: `sites/${SITE}/edge-system/deployment-api.yaml`,
        message: 'Deployment edge-system/api: spec.template.spec.securityContext.appArmorProfile: unknown field (Kubernetes 1.25)',
      }]);
    });

    test('WHEN a file is not listed by a kustomization.yaml THEN it is not an object and is not checked', () => {
      const result = checkSchemas(siteFiles({ 'edge-system/configmap-good.yaml': GOOD_CONFIGMAP }, { 'fleet.yaml': 'name: store-01\ndefaultNamespace: edge-system\n' }), validatorsFor(schemaOptions()));
      expect(result).toEqual({ problems: [], checked: 1, unchecked: 0 });
    });

    test('WHEN no CRD folder is given THEN custom resources are counted as not checked and built-in objects still are', () => {
      const { crds: _crds, ...withoutCrds } = schemaOptions();
      const files = siteFiles({ 'edge-system/deployment-api.yaml': BAD_DEPLOYMENT, 'edge-system/certificate-mqtt.yaml': BAD_CERTIFICATE });
      const result = checkSchemas(files, validatorsFor(withoutCrds));
      expect(result.checked).toBe(1);
      expect(result.unchecked).toBe(1);
      expect(result.problems.map((p) => p.path)).toEqual([`sites/${SITE}/edge-system/deployment-api.yaml`, `sites/${SITE}/edge-system/deployment-api.yaml`]);
    });

    test('WHEN a site job synthesizes a user object that breaks its schema THEN the site fails with the file and nothing is written', () => {
      const [spec] = parseInventory({ sites: [{ name: SITE, tier: 'micro', nodes: [{ name: 'node-1', capacity: { cpu: '4', memory: '4Gi' } }] }] }).sites;
      const fleet = new EdgeFleet({
        sites: [spec],
        configureSite: (site) => new ApiObject(site, 'Broken', {
          apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'broken', namespace: 'edge-system' }, data: { retries: 3 } as any,
        }),
      });
      const outdir = tempDir('schema-job');
      const context: JobContext = { mode: 'synth', outdir, tempSuffix: '.tmp', schemas: schemaOptions() };
      const report = runSiteJob(fleet, spec, context, new DirectoryMaker());
      expect(report.problems).toEqual([{
        path: `sites/${SITE}/edge-system/configmap-broken.yaml`,
        message: 'ConfigMap edge-system/broken: data.retries: must be string (got integer) (Kubernetes 1.25, 1.32)',
      }]);
      expect(report.changes).toEqual([]);
      expect(readdirSync(outdir)).toEqual([]);
      const valid = runSiteJob(new EdgeFleet({ sites: [spec] }), spec, { ...context, mode: 'validate' }, new DirectoryMaker());
      expect(valid.problems).toEqual([]);
      expect(valid.schemas).toEqual({ checked: valid.objectCount, unchecked: 0 });
    });
  });
});

describe('cdk8s-edge validate with schemas', () => {
  test('WHEN no schema folder is given THEN validate says in one stderr line that schemas were skipped, and still passes', () => {
    const result = runCliWithSchemaEnv(['validate', '--jobs', '1'], {});
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('Schema validation skipped: no --k8s-schemas or --crds (nor EDGE_K8S_SCHEMAS_DIR or EDGE_CRDS_DIR) given.\n');
    expect(result.stdout).not.toContain('Schemas:');
  });

  test('WHEN --kube-versions is invalid THEN it exits 2 before synthesizing', async () => {
    const io = captureIo();
    expect(await main(['validate', '--kube-versions', '1.20'], io)).toBe(2);
    expect(io.stderr()).toBe('--kube-versions "1.20" must be "all" or a comma-separated list of 1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, 1.32');
  });

  describeWithSchemas('with the schema folders', () => {
    test('WHEN the example fleet is validated with --k8s-schemas and --crds THEN it exits 0 and says how many objects were checked', () => {
      const roots = schemaRoots();
      const result = runCliWithSchemaEnv(['validate', '--k8s-schemas', roots.k8sSchemas, '--crds', roots.crds, '--jobs', '1'], {});
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const objects = Number(/^\d+ sites are valid \((\d+) objects\)\.$/m.exec(result.stdout)?.[1]);
      const checked = Number(/^Schemas: (\d+) objects checked against Kubernetes 1\.25, 1\.32 \(schemas in .*k8s-schemas\) and the CRDs in .*crds\.$/m.exec(result.stdout)?.[1]);
      // Every site object, plus the Flux objects of each site and the Fleet GitRepo.
      expect(checked).toBeGreaterThan(objects);
    });

    test('WHEN the folders come from the environment THEN synth checks the objects of the sites it writes', async () => {
      const roots = schemaRoots();
      const saved = SCHEMA_VARS.map((name) => [name, process.env[name]] as const);
      process.env.EDGE_K8S_SCHEMAS_DIR = roots.k8sSchemas;
      process.env.EDGE_CRDS_DIR = roots.crds;
      const io = captureIo();
      try {
        expect(await main(['synth', '--out', tempDir('schema-synth'), '--jobs', '1', '--kube-versions', '1.28', '--no-cache', '--json'], io)).toBe(0);
      } finally {
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
      const summary = JSON.parse(io.stdout());
      expect(summary.written).toBeGreaterThan(0);
      expect(summary.schemas.checked).toBeGreaterThan(summary.objects);
      expect(summary.schemas.unchecked).toBe(0);
    });
  });
});
