import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { validateInventory } from '../../lib/fleet/inventory';
import { hubSpireClusters, hubSpireProblems, hubWithSpireSites } from '../../lib/security/spire-hub';
import { SpireEdge } from '../../lib/security/spire-edge';
import { CloudHubOptions, CloudHubStack, CloudHubStackProps, terraformFiles } from '../../lib/terraform';
import { InMemoryRoot } from '../../lib/terraform/private/stack-json';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { releasesOf, valuesOf } from '../terraform/support/stacks';

/** Hub-mode SPIRE: what a hub-mode site and the hub's SPIRE server must agree on, and how they meet. */

const TD = 'hub.example.com';
const CHART = join(__dirname, '../../../shared/charts/spire/0.29.0');

function hubValues(hub: Partial<CloudHubOptions>): any {
  const files = terraformFiles([], { settings: { hub: { access: { context: 'cloud-hub' }, ...hub } } });
  return valuesOf(releasesOf(JSON.parse(files[0].content)).spire);
}

/** Helm's merge of a parent chart's values for a subchart over the subchart's own. */
function merge(base: any, over: any): any {
  if (base === null || typeof base !== 'object' || Array.isArray(base) || over === null || typeof over !== 'object' || Array.isArray(over)) return over ?? base;
  const out: any = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

function exampleFleet(): any {
  return yaml.load(readFileSync(join(__dirname, '../../apps/fleet.yaml'), 'utf8'));
}

function retail(raw: any): any {
  return raw.sites.find((s: any) => s.name === 'retail-store-01');
}

function hubSite(spire: Record<string, unknown>, name = 'store-1') {
  return { spec: { ...microSite({ name }), components: { spire: { trustDomain: TD, hubServer: { address: 'spire.hub.example.com' }, ...spire } } } as any, path: 'sites[0]' };
}

describe('the hub SPIRE server for hub-mode sites', () => {
  const values = hubValues({ certManager: true, spireServer: { trustDomain: TD, certManagerUpstream: true, edgeClusters: [{ clusterName: 'store-1' }] } });
  const server = values['spire-server'];

  test('WHEN a site attests to the hub THEN the hub k8s_psat attestor has an entry for its cluster accepting only its agents', () => {
    expect(server.nodeAttestor.externalK8sPSAT).toEqual({
      enabled: true, clusters: { 'store-1': { serviceAccountAllowList: ['spire-system:spire-agent'], audience: ['spire-server'] } },
    });
  });

  test('WHEN a site attests to the hub THEN the hub publishes the PEM bundle into the ConfigMap its agents bootstrap from', () => {
    expect(server.bundlePublisher.externalK8sConfigMap).toEqual({
      enabled: true, clusters: { 'store-1': { namespace: 'spire-system', configMapName: 'spire-bundle', configMapKey: 'bundle.crt', format: 'pem' } },
    });
  });

  test('WHEN a site writes ClusterSPIFFEIDs THEN the hub runs a controller manager for its cluster watching their class', () => {
    expect(server.externalControllerManagers).toEqual({
      enabled: true,
      defaults: { className: 'cdk8s-edge', watchClassless: false, ignoreNamespaces: ['^kube-system$', '^kube-public$', '^kube-node-lease$', '^spire-system$', '^spire-server$'] },
      clusters: { 'store-1': {} },
    });
  });

  test('WHEN the hub reaches the sites THEN their kubeconfigs come from an existing Secret, never from the values', () => {
    expect(server.kubeConfigs).toBeUndefined();
    expect(server.extraVolumes).toEqual([{ name: 'kubeconfigs', secret: { secretName: 'spire-edge-kubeconfigs' } }]);
    expect(server.extraVolumeMounts).toEqual([{ name: 'kubeconfigs', mountPath: '/kubeconfigs', readOnly: true }]);
    const named = hubValues({ spireServer: { trustDomain: TD, kubeConfigSecret: 'edge-kubeconfigs', edgeClusters: [{ clusterName: 'store-1' }] } });
    expect(named['spire-server'].extraVolumes[0].secret.secretName).toBe('edge-kubeconfigs');
  });

  test('WHEN the agents dial the hub THEN its Service port is 443, the port hub-mode agents use by default', () => {
    expect(server.service).toEqual({ type: 'LoadBalancer', port: 443 });
    const site = buildSite(microSite());
    new SpireEdge(site, 'Spire', { trustDomain: TD, hubServer: { address: 'spire.hub.example.com' } });
    const agent = JSON.parse(findObject(synthObjects(site), 'ConfigMap', 'spire-agent', 'spire-system').data['agent.conf']).agent;
    expect(agent.server_port).toBe('443');
  });

  test('WHEN cert-manager signs the server CA THEN the chart creates the CA its Issuer needs', () => {
    expect(server.upstreamAuthority).toEqual({ certManager: { enabled: true, ca: { create: true } } });
  });

  test('WHEN no site attests to the hub THEN the hub serves only its own cluster', () => {
    const alone = hubValues({ spireServer: { trustDomain: TD } })['spire-server'];
    expect(alone).toEqual({ enabled: true, service: { type: 'LoadBalancer', port: 443 } });
  });

  test('WHEN the values are written THEN every key exists in the pinned spire 0.29.0 chart values', () => {
    const parent = yaml.load(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as any;
    const sub = (name: string) => yaml.load(readFileSync(join(CHART, 'charts', name, 'values.yaml'), 'utf8')) as any;
    const charts: Record<string, any> = { 'spire-server': sub('spire-server'), 'spire-agent': sub('spire-agent'), 'spiffe-csi-driver': sub('spiffe-csi-driver'), 'spiffe-oidc-discovery-provider': sub('spiffe-oidc-discovery-provider') };
    const missing: string[] = [];
    // Keys under a map the chart leaves open (`clusters: {}`) name clusters; their fields are the chart template's per-cluster overrides.
    const PER_CLUSTER = new Set(['serviceAccountAllowList', 'audience', 'namespace', 'configMapName', 'configMapKey', 'format']);
    const walk = (value: any, upstream: any, path: string, open: boolean) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      for (const [key, v] of Object.entries(value)) {
        const known = upstream !== undefined && upstream !== null && typeof upstream === 'object' && key in upstream;
        if (open) { for (const f of Object.keys(v as object)) if (!PER_CLUSTER.has(f)) missing.push(`${path}.${key}.${f}`); continue; }
        if (!known) { missing.push(`${path}.${key}`); continue; }
        const up = upstream[key];
        walk(v, up, `${path}.${key}`, key === 'clusters' && up !== null && typeof up === 'object' && Object.keys(up).length === 0);
      }
    };
    for (const [key, v] of Object.entries(values)) {
      if (key === 'global') walk(v, parent.global, 'global', false);
      else walk(v, merge(charts[key], parent[key]), key, false);
    }
    expect(missing).toEqual([]);
  });
});

describe('hub-mode sites and the hub agree', () => {
  const hub: CloudHubOptions = { access: { context: 'cloud-hub' }, spireServer: { trustDomain: TD } };

  test('WHEN a hub-mode site has its own trust domain THEN it is an error at its trustDomain naming the hub one', () => {
    expect(hubSpireProblems(hub, [hubSite({ trustDomain: 'store.example.com' })])).toEqual([{
      path: 'sites[0].components.spire.trustDomain',
      message: '"store.example.com" differs from the hub SPIRE server\'s trust domain "hub.example.com" (terraform.hub.spireServer.trustDomain); a site whose agents attest to the hub is in the hub\'s trust domain, so set trustDomain: hub.example.com',
    }]);
  });

  test('WHEN a hub-mode site dials another port than the hub Service THEN it is an error at hubServer.port', () => {
    expect(hubSpireProblems(hub, [hubSite({ hubServer: { address: 'spire.hub.example.com', port: 8081 } })])).toEqual([{
      path: 'sites[0].components.spire.hubServer.port',
      message: 'is 8081, but the hub SPIRE server\'s Service listens on 443; remove port or set 443',
    }]);
  });

  test('WHEN the hub runs no SPIRE server THEN a hub-mode site is an error at hubServer', () => {
    expect(hubSpireProblems({ access: {} }, [hubSite({})])[0]).toMatchObject({ path: 'sites[0].components.spire.hubServer', message: expect.stringMatching(/runs none; add terraform.hub.spireServer with trustDomain hub.example.com/) });
  });

  test('WHEN a site cluster name is the hub\'s or another site\'s THEN it is an error at clusterName', () => {
    const problems = hubSpireProblems(hub, [hubSite({ clusterName: 'cloud-hub' }), { ...hubSite({}, 'store-2'), path: 'sites[1]' }, { ...hubSite({ clusterName: 'store-2' }, 'store-3'), path: 'sites[2]' }]);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'sites[0].components.spire.clusterName: "cloud-hub" is already the SPIRE cluster name of the hub\'s own cluster (terraform.hub.spireServer.clusterName); the hub attests each cluster by its own name, so give this site another clusterName',
      'sites[2].components.spire.clusterName: "store-2" is already the SPIRE cluster name of site store-2; the hub attests each cluster by its own name, so give this site another clusterName',
    ]);
  });

  test('WHEN the fleet has hub-mode sites THEN the hub attests each by its cluster name, unless the hub lists them', () => {
    const sites = [hubSite({}).spec, hubSite({ clusterName: 'lyon' }, 'store-2').spec, microSite({ name: 'local' })];
    expect(hubSpireClusters(sites)).toEqual([{ clusterName: 'store-1' }, { clusterName: 'lyon' }]);
    expect(hubWithSpireSites(hub, sites).spireServer!.edgeClusters).toEqual([{ clusterName: 'store-1' }, { clusterName: 'lyon' }]);
    expect(hubWithSpireSites({ ...hub, spireServer: { ...hub.spireServer!, edgeClusters: [] } }, sites).spireServer!.edgeClusters).toEqual([]);
  });

  test('WHEN the hub lists a cluster twice or names a bad Secret THEN each is an error at its path', () => {
    const build = (props: Partial<CloudHubStackProps>) => () => new CloudHubStack(new InMemoryRoot(), '_hub', { access: { context: 'cloud-hub' }, ...props });
    expect(build({ spireServer: { trustDomain: TD, kubeConfigSecret: 'Bad_Name', edgeClusters: [{ clusterName: 'a' }, { clusterName: 'a' }] } }))
      .toThrow(/_hub\.spireServer\.kubeConfigSecret: .*\n.*_hub\.spireServer\.edgeClusters\[1\]\.clusterName: "a" is already a cluster of the hub's SPIRE server/);
  });
});

describe('the example fleet (retail-store-01, hub-mode SPIRE)', () => {
  test('WHEN the example fleet is read THEN retail-store-01 is in the hub trust domain and the hub attests it', () => {
    const inventory = validateInventory(exampleFleet());
    expect(inventory.problems).toEqual([]);
    const hub = hubWithSpireSites(inventory.terraform!.hub!, inventory.sites);
    expect(hub.spireServer!.edgeClusters).toEqual([{ clusterName: 'retail-store-01' }]);
    expect(inventory.sites.find((s) => s.name === 'retail-store-01')!.components.spire!.trustDomain).toBe(hub.spireServer!.trustDomain);
  });

  test('WHEN retail-store-01 keeps its own trust domain and port 8081 THEN the inventory reports both at their paths', () => {
    const raw = exampleFleet();
    retail(raw).components.spire = { trustDomain: 'retail.acme.example', hubServer: { address: 'spire.hub.acme.example', port: 8081 } };
    const index = raw.sites.indexOf(retail(raw));
    const problems = validateInventory(raw).problems.map((p) => p.path);
    expect(problems).toEqual([`sites[${index}].components.spire.trustDomain`, `sites[${index}].components.spire.hubServer.port`]);
  });
});

describe('SpireEdge in a hub-mode site', () => {
  const site = buildSite(microSite());
  new SpireEdge(site, 'Spire', { trustDomain: TD, hubServer: { address: 'spire.hub.example.com' } });
  const objects = synthObjects(site);

  test('WHEN the hub acts in the site THEN the site folder writes its account but no Secret: the token is issued out of band', () => {
    expect(findObject(objects, 'ServiceAccount', 'spire-hub', 'spire-system')).toBeDefined();
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('WHEN the hub controller manager elects a leader in the site THEN its account may keep a Lease in the hub release\'s namespace only', () => {
    expect(findObject(objects, 'Role', 'spire-hub-leader-election', 'spire-platform').rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    ]);
    expect(findObject(objects, 'RoleBinding', 'spire-hub-leader-election', 'spire-platform').subjects).toEqual([{ kind: 'ServiceAccount', name: 'spire-hub', namespace: 'spire-system' }]);
  });

  test('WHEN the hub publishes the bundle THEN the site has the ConfigMap it patches and the hub may patch only that one', () => {
    expect(findObject(objects, 'ConfigMap', 'spire-bundle', 'spire-system').data).toBeUndefined();
    expect(findObject(objects, 'Role', 'spire-bundle-publisher', 'spire-system').rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['spire-bundle'], verbs: ['get', 'patch'] }]);
  });
});
