// The package entry first, as users load it: the component registry and the components import each other.
import '../../lib';
import type { EdgeSite, ResolvedSiteSpec } from '../../lib';
import { databaseComponent, localStorageComponent, registryCacheComponent } from '../../lib/data/data-components';
import { dataSyncComponent, offlineAgentComponent } from '../../lib/offline/offline-components';
import { Problems } from '../../lib/core/validation/problems';
import { toYaml } from '../../lib/core/yaml';
import { podTemplateOf } from '../../lib/core/policy/pod-security';
import { synthObjects } from '../support/fixtures';
import { storageSite, validationProblems } from './support';

/** What this test needs of a component definition (lib/private/components.ts). */
interface Component {
  readonly key: string;
  read(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): unknown;
  build(site: EdgeSite, options: any): void;
}

// Every component, from inventory blocks that reference credentials the way a real site would.
const blocks: [Component, unknown][] = [
  [localStorageComponent, {}],
  [databaseComponent, { name: 'store-db', credentials: { secretName: 'store-db-credentials' }, backup: {}, disk: 'srv/data' }],
  [registryCacheComponent, { credentials: { secretName: 'hub-account', usernameKey: 'user', passwordKey: 'token' }, disk: 'agt/cache' }],
  [dataSyncComponent, { image: 'ghcr.io/acme/sync:1.0.0', upstream: 'https://sync.example.com', secretEnv: { SYNC_TOKEN: { secretName: 'sync-token', key: 'token' } }, outboxDisk: 'agt/spool' }],
  [offlineAgentComponent, { image: 'ghcr.io/acme/agent:1.0.0', secretEnv: { AGENT_KEY: { secretName: 'agent-key', key: 'key' } } }],
];

function everyComponent(): EdgeSite {
  const site = storageSite({ registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['*'] } });
  for (const [component, block] of blocks) {
    const problems = new Problems();
    const options = component.read(block, `components.${component.key}`, problems, site.spec);
    expect(problems.list).toEqual([]);
    component.build(site, options);
  }
  return site;
}

/** Every string leaf under a key that names a secret, except the references themselves. */
function secretLookingValues(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretLookingValues(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    if (key === 'secretKeyRef' || key === 'secretName') return [];
    if (typeof v === 'string' && /pass|secret|token|credential|auth/i.test(key)) return [`${path}.${key}`];
    return secretLookingValues(v, `${path}.${key}`);
  });
}

describe('no secret in the output of the data and offline components', () => {
  const site = everyComponent();
  const objects = synthObjects(site);

  test('WHEN every component is built from the inventory THEN the site validates', () => {
    expect(validationProblems(site)).toEqual([]);
  });

  test('WHEN every component is built THEN no Secret object is written', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('WHEN every component is built THEN every credential variable is a Secret reference, never a value', () => {
    const credentialVars = objects.flatMap((o) => {
      const spec = podTemplateOf(o)?.spec;
      return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].flatMap((c: any) => c.env ?? []);
    }).filter((e: any) => /PASS|SECRET|TOKEN|KEY|USER/.test(e.name));
    expect(credentialVars.map((e: any) => e.name).sort()).toEqual([
      'AGENT_KEY', 'PGPASSWORD', 'PGUSER', 'POSTGRES_PASSWORD', 'POSTGRES_USER', 'SYNC_TOKEN', 'UPSTREAM_PASSWORD', 'UPSTREAM_USERNAME',
    ]);
    for (const env of credentialVars) {
      expect(env.value).toBeUndefined();
      expect(env.valueFrom.secretKeyRef).toEqual({ name: expect.any(String), key: expect.any(String) });
    }
  });

  test('WHEN every component is built THEN no field named like a secret carries a value', () => {
    expect(objects.flatMap((o) => secretLookingValues(o, `${o.kind}/${o.metadata.name}`))).toEqual([]);
  });

  test('WHEN every component is built THEN no password or trust-everyone setting is written anywhere, node files included', () => {
    const text = [...objects.map((o) => toYaml(o)), ...site.nodeFiles().map((f) => f.content)].join('\n');
    expect(text).not.toMatch(/password\s*[:=]/i);
    expect(text).not.toMatch(/POSTGRES_HOST_AUTH_METHOD|REGISTRY_HTTP_SECRET|\bauth:/);
  });
});
