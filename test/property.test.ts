import { join } from 'node:path';
import * as fc from 'fast-check';
import {
  checkWorkloadPodSecurity, EdgeAppOptions, EdgeFleet, KUBERNETES_VERSIONS, loadInventoryFile, namespaceEnforceLevel, NodeSpec, podTemplateOf, PSS_EXCEPTION_ANNOTATION,
  resolveSiteSpec, SiteSpec, TIERS, validateInventory,
} from '../lib';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from './support/schema-gate';
import { validateObjects } from './support/schemas';
import { load } from 'js-yaml';

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/);

/** Any valid app on a site whose nodes are large enough for a handful of apps. */
const appArb = (index: number): fc.Arbitrary<EdgeAppOptions> => fc.record({
  namespace: fc.constantFrom('apps', 'line-a', 'edge-system'),
  image: fc.constantFrom('ghcr.io/acme/app:1.2.3', 'registry.local:5000/team/app:v2', `docker.io/library/busybox@sha256:${'a'.repeat(64)}`),
  kind: fc.constantFrom('Deployment' as const, 'DaemonSet' as const),
  replicas: fc.integer({ min: 1, max: 3 }),
  ports: fc.uniqueArray(fc.record({ name: fc.constantFrom('http', 'grpc', 'metrics'), port: fc.integer({ min: 1024, max: 65535 }), protocol: fc.constantFrom('TCP' as const, 'UDP' as const) }), { minLength: 1, maxLength: 3, selector: (p) => p.name })
    .map((ports) => [{ ...ports[0], protocol: 'TCP' as const }, ...ports.slice(1)])
    .filter((ports) => new Set(ports.map((p) => `${p.port}/${p.protocol}`)).size === ports.length),
  env: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
  priorityClass: fc.constantFrom('edge-critical' as const, 'edge-normal' as const),
}).map((app) => {
  const { replicas, ...rest } = app;
  return { ...rest, name: `app-${index}`, ...(app.kind === 'Deployment' ? { replicas } : {}) };
});

/**
 * Any valid set of the platform components, with the prerequisites (credential Secrets, the
 * site CA) a real cluster would hold for them: every combination must converge.
 */
const componentsArb = fc.record({
  // server mode: an agent-mode site's alerts need the hub's vmalert, and these sites have no hub.
  monitoring: fc.option(fc.constant({ mode: 'server' as const }), { nil: undefined }),
  certificates: fc.option(fc.constant({ dnsDomain: 'site.example.internal' }), { nil: undefined }),
  // kubeletCaPath: the kubelet CA of plain-kubelet nodes (k3s nodes have theirs where SPIRE looks by default).
  spire: fc.option(fc.constant({ trustDomain: 'site.example.org', kubeletCaPath: '/etc/kubernetes/pki/ca.crt' }), { nil: undefined }),
  isolation: fc.option(fc.constant({}), { nil: undefined }),
  offlineAgent: fc.option(fc.constant({ image: 'ghcr.io/acme/offline-agent:1.6.0', cloudEndpoint: 'https://control.example.com', healthPath: '/healthz' }), { nil: undefined }),
  runtimeSecurity: fc.option(fc.constant({ priority: 'notice' as const }), { nil: undefined }),
}).map((c) => {
  const components = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Record<string, unknown>;
  if (c.monitoring) components.monitoring = { ...c.monitoring, remoteWrite: { url: 'https://metrics.example.com/api/v1/write', bearerTokenSecret: { secretName: 'remote-write', key: 'token' } } };
  const prerequisites = [
    ...(c.monitoring ? [{ kind: 'Secret', namespace: 'monitoring', name: 'remote-write', reason: 'the fleet secret store' }] : []),
    ...(c.certificates ? [{ kind: 'Secret', namespace: 'cert-manager', name: 'edge-site-ca', reason: 'the fleet PKI' }] : []),
  ];
  return { components: components as SiteSpec['components'], prerequisites };
});

const siteArb: fc.Arbitrary<SiteSpec> = fc.record({
  name: label,
  tier: fc.constantFrom(...TIERS),
  kubernetesVersion: fc.constantFrom(...KUBERNETES_VERSIONS),
  nodeCount: fc.integer({ min: 1, max: 4 }),
  runtime: fc.constantFrom('k3s' as const, 'kubelet' as const),
  cni: fc.constantFrom('kubernetes' as const, 'cilium' as const),
  mirror: fc.boolean(),
  nodeLabels: fc.dictionary(fc.stringMatching(/^edge\.[a-z]{1,8}$/), label, { maxKeys: 2 }),
  apps: fc.integer({ min: 0, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => appArb(i)))),
  platform: componentsArb,
}).map((s): SiteSpec => {
  const nodes: NodeSpec[] = Array.from({ length: s.nodeCount }, (_, i) => ({
    name: `node-${i}`, role: i === 0 ? 'server' : 'agent', runtime: s.runtime, capacity: { cpu: '16', memory: '32Gi' }, labels: s.nodeLabels,
  }));
  return {
    name: s.name, tier: s.tier, kubernetesVersion: s.kubernetesVersion, nodes,
    cluster: { serverUrl: 'https://10.0.0.1:6443' },
    network: { cni: s.cni, siteCidrs: ['10.0.0.0/16'], cloudCidrs: ['203.0.113.0/24'] },
    ...(s.mirror ? { registryMirror: { endpoint: 'https://mirror.local:5000' } } : {}),
    apps: s.apps,
    components: s.platform.components,
    ...(s.platform.prerequisites.length > 0 ? { prerequisites: s.platform.prerequisites } : {}),
  };
});

requireSchemasInCi();

describeWithSchemas('property: any valid SiteSpec', () => {
  test('WHEN a random valid site with random components is synthesized THEN it converges, every object is schema-valid and every application pod is restricted', () => {
    const validators = conformanceValidators();
    fc.assert(fc.property(siteArb, (spec) => {
      const result = new EdgeFleet({ sites: [spec] }).synthSite(spec);
      const objects = result.files.filter((f) => f.path.startsWith('sites/') && !f.path.endsWith('kustomization.yaml')).map((f) => load(f.content) as any);
      expect(validateObjects(objects, validators)).toEqual([]);
      // Application pods are restricted; a host agent (node-exporter, Falco) is a named exception that meets its namespace's level.
      const levels = new Map(objects.filter((o) => o.kind === 'Namespace').map((ns) => [ns.metadata.name, namespaceEnforceLevel(ns)]));
      for (const object of objects.filter((o) => podTemplateOf(o))) {
        const exception = object.metadata?.annotations?.[PSS_EXCEPTION_ANNOTATION];
        const level = exception ? levels.get(object.metadata.namespace) : 'restricted';
        expect(level).toBeDefined();
        expect(checkWorkloadPodSecurity(object, level!, { version: '1.25' })).toEqual([]);
      }
      expect(objects.filter((o) => o.kind === 'Node')).toHaveLength(spec.nodes.length);
    }), { numRuns: 60 });
  });
});

describe('property: resolving is idempotent', () => {
  // The CLI's workers take the main thread's resolved specs as they are (lib/private/trusted-specs.ts).
  test('WHEN a resolved spec (random, or any site of the example fleet) is resolved again THEN it is unchanged', () => {
    fc.assert(fc.property(siteArb, (spec) => {
      const resolved = resolveSiteSpec(spec);
      expect(resolveSiteSpec(resolved)).toEqual(resolved);
    }), { numRuns: 100 });
    for (const site of loadInventoryFile(join(__dirname, '..', 'apps', 'fleet.yaml')).sites) expect(resolveSiteSpec(site)).toEqual(site);
  });
});

// ---- corruptions of a valid inventory -------------------------------------------------------

const VALID_INVENTORY = {
  defaults: { kubernetesVersion: '1.30', network: { cni: 'kubernetes', cloudCidrs: ['203.0.113.0/24'] } },
  sites: [{
    name: 'site-a', tier: 'micro', region: 'eu', location: 'Plant 1',
    cluster: { serverUrl: 'https://10.0.0.1:6443', disable: ['traefik'] },
    connectivity: { offlineTolerance: '24h', syncInterval: '5m' },
    registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['docker.io'] },
    nodes: [
      { name: 'gw-1', role: 'server', capacity: { cpu: '4', memory: '4Gi' }, labels: { 'edge.line': 'a' }, disks: [{ name: 'data', path: '/mnt/data', capacity: '10Gi' }] },
      { name: 'gw-2', capacity: { cpu: '4', memory: '4Gi' }, accelerator: { kind: 'nvidia-jetson', count: 1 } },
    ],
    apps: [{
      name: 'collector', namespace: 'line-a', image: 'ghcr.io/acme/collector:1.0.0', replicas: 2,
      ports: [{ name: 'http', port: 8080 }], env: { MODE: 'edge' }, secretEnv: { TOKEN: { secretName: 'api', key: 'token' } },
      probes: { liveness: { http: { path: '/healthz', port: 'http' } } }, resources: { requests: { cpu: '50m' } },
    }],
  }],
};

type Location = { path: string; parent: any; key: string | number; value: unknown };

/** Every value of the inventory with the path the validator reports it at. */
function locations(value: unknown, path = '', parent: any = undefined, key: string | number = ''): Location[] {
  const here: Location[] = parent === undefined ? [] : [{ path, parent, key, value }];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => locations(v, `${path}[${i}]`, value, i))];
  if (value && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => locations(v, path ? `${path}.${k}` : k, value, k))];
  }
  return here;
}

/** Replaces a value by one of a type the field never accepts. */
function wrongTypeFor(value: unknown): unknown {
  if (Array.isArray(value)) return 'not-a-list';
  if (value && typeof value === 'object') return ['not', 'a', 'mapping'];
  if (typeof value === 'string') return { not: 'a string' };
  return 'not-a-number';
}

describe('property: corruptions of a valid inventory', () => {
  test('WHEN the untouched inventory is validated THEN it has no problem', () => {
    expect(validateInventory(VALID_INVENTORY).problems).toEqual([]);
  });

  test('WHEN a value is replaced by one of the wrong type THEN the problem names that path, nothing partial is returned and nothing crashes', () => {
    const count = locations(VALID_INVENTORY).length;
    fc.assert(fc.property(fc.integer({ min: 0, max: count - 1 }), (index) => {
      const inventory = structuredClone(VALID_INVENTORY);
      const target = locations(inventory)[index];
      target.parent[target.key] = wrongTypeFor(target.value);
      const result = validateInventory(inventory);
      expect(result.sites).toEqual([]);
      expect(result.problems.map((p) => p.path)).toContain(target.path);
    }), { numRuns: 200 });
  });

  test('WHEN an unknown key is added to any mapping THEN it is reported at its path', () => {
    const mappings = locations(VALID_INVENTORY).filter((l) => l.value && typeof l.value === 'object' && !Array.isArray(l.value));
    // Free-form maps (labels, env, secretEnv) take any key: a typo there is a new label, not a mistake.
    const checked = mappings.filter((l) => !/\.(labels|env|secretEnv)$/.test(l.path));
    fc.assert(fc.property(fc.integer({ min: 0, max: checked.length }), fc.stringMatching(/^[a-z]{3,10}Typo$/), (index, key) => {
      const inventory: any = structuredClone(VALID_INVENTORY);
      const target = index === checked.length ? { path: '', value: inventory } : locations(inventory).find((l) => l.path === checked[index].path)!;
      (target.value as any)[key] = 'x';
      const result = validateInventory(inventory);
      expect(result.problems.map((p) => p.path)).toContain(target.path ? `${target.path}.${key}` : key);
    }), { numRuns: 100 });
  });

  test('WHEN arbitrary JSON is validated THEN it never throws', () => {
    fc.assert(fc.property(fc.jsonValue(), (raw) => {
      const result = validateInventory(raw);
      expect(result.problems.length > 0 || result.sites.length > 0).toBe(true);
    }), { numRuns: 300 });
  });
});
