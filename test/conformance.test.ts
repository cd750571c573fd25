import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkWorkloadPodSecurity, namespaceEnforceLevel, podTemplateOf, PSS_EXCEPTION_ANNOTATION } from '../lib';
import { releaseNamespacesOf } from '../lib/terraform';
import { REPO_ROOT } from './support/cli';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from './support/schema-gate';
import { CrdSchemas, KubernetesSchemas, readSiteObjects, validateObjects } from './support/schemas';

const MINORS = ['1.25', '1.26', '1.27', '1.28', '1.29', '1.30', '1.31', '1.32'];
const SITES_DIR = join(REPO_ROOT, 'dist', 'sites');
const sites = readdirSync(SITES_DIR).sort();
// fleet.yaml holds Rancher Fleet's bundle options: read by Fleet, never applied.
const objectsOf = (site: string) => readSiteObjects(join(SITES_DIR, site), { exclude: ['kustomization.yaml', 'fleet.yaml'] });

requireSchemasInCi();

describeWithSchemas('every object in dist/sites is valid Kubernetes', () => {
  const validators = { k8s: MINORS.map((m) => KubernetesSchemas.load(m)), crds: CrdSchemas.load() };

  test.each(sites)('WHEN site %s is validated strictly against Kubernetes 1.25 to 1.32 and the CRDs THEN there is no error', (site) => {
    expect(validateObjects(objectsOf(site).map((o) => o.object), validators)).toEqual([]);
  });
});

describeWithSchemas('the validators used here catch mistakes', () => {
  test('WHEN an object has a misspelt field THEN strict validation rejects it', () => {
    const [{ object }] = objectsOf(sites[0]).filter((o) => o.object.kind === 'Namespace');
    const broken = { ...object, metadata: { ...object.metadata, lables: {} } };
    expect(validateObjects([broken], conformanceValidators()).join('\n')).toMatch(/lables: unknown field/);
  });
});

describe('every pod template meets the Pod Security level of its namespace', () => {
  test.each(sites)('WHEN the pods of site %s are checked THEN each meets its namespace level and exceptions are annotated', (site) => {
    const objects = objectsOf(site).map((o) => o.object);
    const levels = new Map(objects.filter((o) => o.kind === 'Namespace').map((ns) => [ns.metadata.name, namespaceEnforceLevel(ns)]));
    for (const object of objects.filter((o) => podTemplateOf(o))) {
      const level = levels.get(object.metadata.namespace);
      expect(level).toBeDefined();
      // Checked against the 1.25 policy: what it allows, every supported version allows.
      expect(checkWorkloadPodSecurity(object, level!, { version: '1.25' })).toEqual([]);
      const restricted = checkWorkloadPodSecurity(object, 'restricted', { version: '1.25' });
      if (restricted.length > 0) expect(object.metadata.annotations?.[PSS_EXCEPTION_ANNOTATION]).toBeTruthy();
    }
  });

  test.each(sites)('WHEN a namespace of site %s enforces more than restricted THEN it says why', (site) => {
    for (const ns of objectsOf(site).map((o) => o.object).filter((o) => o.kind === 'Namespace')) {
      if (namespaceEnforceLevel(ns) !== 'restricted') expect(ns.metadata.annotations?.[PSS_EXCEPTION_ANNOTATION]).toBeTruthy();
    }
  });
});

describe('the output contract of every site', () => {
  test.each(sites)('WHEN the containers of site %s are read THEN every image is pinned, pulled only if absent, budgeted and probed', (site) => {
    for (const object of objectsOf(site).map((o) => o.object)) {
      const spec = podTemplateOf(object)?.spec;
      for (const container of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
        expect(container.image).toMatch(/(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/);
        expect(container.image).not.toMatch(/:latest$/);
        expect(container.imagePullPolicy).toBe('IfNotPresent');
        expect(container.resources?.requests).toBeDefined();
        expect(container.resources?.limits).toBeDefined();
      }
      // Probes belong to long-running containers: the API rejects them on init
      // containers, and a Job's pod is done when it exits.
      if (!['Job', 'CronJob'].includes(object.kind)) {
        for (const container of spec?.containers ?? []) {
          expect(container.livenessProbe).toBeDefined();
          expect(container.readinessProbe).toBeDefined();
        }
      }
    }
  });

  test.each(sites)('WHEN site %s is read THEN no Secret and no secret-looking value is in it', (site) => {
    for (const { object } of objectsOf(site)) {
      expect(object.kind).not.toBe('Secret');
      const spec = podTemplateOf(object)?.spec;
      for (const container of spec?.containers ?? []) {
        for (const env of container.env ?? []) {
          if (/pass|secret|token|key/i.test(env.name)) expect(env.value).toBeUndefined();
        }
      }
    }
  });

  test.each(sites)('WHEN site %s is read THEN every namespaced object lives in a namespace of the site or of its platform layer, and names are explicit', (site) => {
    const objects = objectsOf(site).map((o) => o.object);
    // A grant for a platform controller lives where that controller works (the hub SPIRE controller manager's Lease).
    const stack = join(REPO_ROOT, 'dist', 'terraform', site, 'cdk.tf.json');
    const platform = existsSync(stack) ? releaseNamespacesOf(stack, readFileSync(stack, 'utf8')).map((r) => r.namespace) : [];
    const namespaces = new Set([...objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name), ...platform]);
    for (const object of objects) {
      if (object.metadata.namespace) expect(namespaces.has(object.metadata.namespace)).toBe(true);
      expect(object.metadata.generateName).toBeUndefined();
      expect(object.metadata.labels['edge.site']).toBe(site);
    }
  });

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const describeWithKubectl = kubectl.status === 0 ? describe : describe.skip;
  if (kubectl.status !== 0) console.warn('kubectl kustomize checks skipped: kubectl is not installed');

  describeWithKubectl('kubectl kustomize', () => {
    test.each(sites)('WHEN dist/sites/%s is built with kubectl kustomize THEN it lists every object file exactly once', (site) => {
      const result = spawnSync('kubectl', ['kustomize', join(SITES_DIR, site)], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const built = result.stdout.split(/^---$/m).filter((d) => d.trim()).length;
      expect(built).toBe(objectsOf(site).length);
    });
  });
});
