import * as yaml from 'js-yaml';
import { EdgeSite, EdgeValidationError, SiteSpec } from '../../lib';
import { LocalStorage } from '../../lib/data/local-storage';
import { registryCacheComponent } from '../../lib/data/data-components';
import { RegistryCache, RegistryCacheProps } from '../../lib/data/registry-cache';
import { Problems } from '../../lib/core/validation/problems';
import { findObject, synthObjects } from '../support/fixtures';
import { describeWithSchemas } from '../support/schema-gate';
import { conformanceProblems, diskNodes, readProblems, resolvedSite, storageSite } from './support';

function cacheSite(props: RegistryCacheProps = {}, overrides: Partial<SiteSpec> = {}): EdgeSite {
  const site = storageSite(overrides);
  new LocalStorage(site, 'LocalStorage');
  new RegistryCache(site, 'RegistryCache', props);
  return site;
}

function nodeFile(site: EdgeSite, node: string, path: string): string | undefined {
  return site.nodeFiles().find((f) => f.node === node && f.path === path)?.content;
}

describe('RegistryCache workload', () => {
  test('WHEN a cache is added THEN registry:2.8 serves a volume on local storage read-only, with no proxy settings', () => {
    const objects = synthObjects(cacheSite());
    const deployment = findObject(objects, 'Deployment', 'registry-cache', 'edge-registry');
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    const container = deployment.spec.template.spec.containers[0];
    expect(container).toMatchObject({ name: 'registry', image: 'registry:2.8.3', imagePullPolicy: 'IfNotPresent', ports: [{ name: 'http', containerPort: 5000, protocol: 'TCP' }] });
    expect(container.env).toEqual([
      { name: 'REGISTRY_HTTP_ADDR', value: ':5000' },
      { name: 'REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY', value: '/var/lib/registry' },
      { name: 'REGISTRY_STORAGE_MAINTENANCE', value: '{"readonly": {"enabled": true}, "uploadpurging": {"enabled": false}}' },
    ]);
    expect(container.volumeMounts[0]).toEqual({ name: 'data', mountPath: '/var/lib/registry' });
    expect(findObject(objects, 'PersistentVolumeClaim', 'registry-cache', 'edge-registry').spec).toMatchObject({
      storageClassName: 'edge-local', resources: { requests: { storage: '50Gi' } },
    });
  });

  test('WHEN a cache is added THEN it runs restricted with HTTP probes, edge-critical and the tier budget', () => {
    const spec = findObject(synthObjects(cacheSite()), 'Deployment', 'registry-cache', 'edge-registry').spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532 });
    expect(spec.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(spec.containers[0].livenessProbe).toEqual({ httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 });
    expect(spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/', port: 'http' });
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(spec).toMatchObject({ priorityClassName: 'edge-critical', nodeSelector: { 'edge.tier': 'mini' } });
  });

  test('WHEN a cache is added THEN a NodePort Service exposes it to every node', () => {
    expect(findObject(synthObjects(cacheSite({ nodePort: 31000 })), 'Service', 'registry-cache', 'edge-registry').spec).toEqual({
      type: 'NodePort', externalTrafficPolicy: 'Cluster', selector: { 'app.kubernetes.io/name': 'registry-cache' },
      ports: [{ name: 'http', port: 5000, targetPort: 'http', nodePort: 31000, protocol: 'TCP' }],
    });
  });

  test('WHEN a cache is added THEN a second registry process in the pod takes pushes on its own port, from a small budget', () => {
    const spec = findObject(synthObjects(cacheSite()), 'Deployment', 'registry-cache', 'edge-registry').spec.template.spec;
    expect(spec.containers.map((c: any) => c.name)).toEqual(['registry', 'registry-push']);
    const push = spec.containers[1];
    expect(push).toMatchObject({ image: 'registry:2.8.3', imagePullPolicy: 'IfNotPresent', ports: [{ name: 'push', containerPort: 5001, protocol: 'TCP' }] });
    expect(push.env).toEqual([
      { name: 'REGISTRY_HTTP_ADDR', value: ':5001' },
      { name: 'REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY', value: '/var/lib/registry' },
    ]);
    expect(push.resources).toEqual({ requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(push.volumeMounts).toEqual(spec.containers[0].volumeMounts);
    expect(push.securityContext).toEqual(spec.containers[0].securityContext);
    expect(push.readinessProbe.httpGet).toEqual({ path: '/', port: 'push' });
  });

  test('WHEN an image is given THEN both registry processes run it', () => {
    const spec = findObject(synthObjects(cacheSite({ image: 'registry:2.8.2' })), 'Deployment', 'registry-cache', 'edge-registry').spec.template.spec;
    expect(spec.containers.map((c: any) => c.image)).toEqual(['registry:2.8.2', 'registry:2.8.2']);
  });

  test('WHEN a cache is added THEN nodes may reach its served port, only the sync job its push port, and only the sync job leaves the site', () => {
    const objects = synthObjects(cacheSite());
    const registry = { matchLabels: { 'app.kubernetes.io/name': 'registry-cache' } };
    const sync = { matchLabels: { 'app.kubernetes.io/name': 'registry-cache-sync' } };
    expect(findObject(objects, 'NetworkPolicy', 'registry-cache-ingress', 'edge-registry').spec).toEqual({
      podSelector: registry, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 5000 }] }],
    });
    expect(findObject(objects, 'NetworkPolicy', 'registry-cache-push-ingress', 'edge-registry').spec).toEqual({
      podSelector: registry, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: sync }], ports: [{ protocol: 'TCP', port: 5001 }] }],
    });
    expect(findObject(objects, 'NetworkPolicy', 'registry-cache-sync-push-egress', 'edge-registry').spec).toEqual({
      podSelector: sync, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: registry }], ports: [{ protocol: 'TCP', port: 5001 }] }],
    });
    expect(findObject(objects, 'NetworkPolicy', 'registry-cache-upstream-egress', 'edge-registry').spec).toEqual({
      podSelector: sync, policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    const egressOfRegistry = objects.filter((o) => o.kind === 'NetworkPolicy' && o.spec.policyTypes.includes('Egress') && o.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'registry-cache');
    expect(egressOfRegistry).toEqual([]);
  });

  test('WHEN a cache is added THEN its push port has a ClusterIP Service of its own, never a node port', () => {
    expect(findObject(synthObjects(cacheSite()), 'Service', 'registry-cache-push', 'edge-registry').spec).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'registry-cache' },
      ports: [{ name: 'push', port: 5001, targetPort: 'push', protocol: 'TCP' }],
    });
  });

  test('WHEN another registry, its URL, upstream CIDRs and an account are given THEN the cache uses them', () => {
    const objects = synthObjects(cacheSite({
      registry: 'registry.acme.example', remoteUrl: 'https://registry.acme.example:8443', upstreamCidrs: ['198.51.100.0/24'],
      credentials: { secretName: 'upstream-account' },
    }));
    const env = findObject(objects, 'CronJob', 'registry-cache-sync', 'edge-registry').spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'UPSTREAM', value: 'registry.acme.example:8443' });
    expect(env).toContainEqual({ name: 'UPSTREAM_USERNAME', valueFrom: { secretKeyRef: { name: 'upstream-account', key: 'username' } } });
    expect(env).toContainEqual({ name: 'UPSTREAM_PASSWORD', valueFrom: { secretKeyRef: { name: 'upstream-account', key: 'password' } } });
    const registryEnv = findObject(objects, 'Deployment', 'registry-cache', 'edge-registry').spec.template.spec.containers.flatMap((c: any) => c.env);
    expect(JSON.stringify(registryEnv)).not.toMatch(/acme|upstream-account|PROXY/);
    expect(findObject(objects, 'NetworkPolicy', 'registry-cache-upstream-egress', 'edge-registry').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 8443 }] },
    ]);
  });

  test('WHEN the cache disk is named THEN its volume is reserved for the cache', () => {
    expect(findObject(synthObjects(cacheSite({ disk: 'agt/cache' })), 'PersistentVolume', 'agt-cache').spec.claimRef).toEqual({ namespace: 'edge-registry', name: 'registry-cache' });
  });

  test('WHEN a cache is added THEN the site\'s capacity check counts it', () => {
    const demands = cacheSite({ node: 'agt' }).workloadDemands;
    expect(demands).toContainEqual(expect.objectContaining({ description: 'Deployment edge-registry/registry-cache', nodeName: 'agt', replicas: 1, cpuMillis: 300, memoryBytes: 288 * 2 ** 20 }));
    expect(demands).toContainEqual(expect.objectContaining({ description: 'CronJob edge-registry/registry-cache-sync', replicas: 1, cpuMillis: 250 }));
  });
});

describe('RegistryCache on the nodes', () => {
  test('WHEN the site enables the cache THEN every k3s node pulls its registry through the node port first', () => {
    const site = cacheSite();
    for (const node of ['srv', 'agt']) {
      expect(yaml.load(nodeFile(site, node, 'registries.yaml')!)).toEqual({ mirrors: { 'docker.io': { endpoint: ['http://127.0.0.1:30500'] } } });
    }
  });

  test('WHEN the site also has a registry mirror THEN the cache comes first for its registry and the mirror serves the rest', () => {
    const site = cacheSite({}, { registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['docker.io', 'ghcr.io'], caFile: '/etc/ca.pem' } });
    expect(yaml.load(nodeFile(site, 'srv', 'registries.yaml')!)).toEqual({
      mirrors: { 'docker.io': { endpoint: ['http://127.0.0.1:30500', 'https://mirror.local:5000'] }, 'ghcr.io': { endpoint: ['https://mirror.local:5000'] } },
      configs: { 'mirror.local:5000': { tls: { ca_file: '/etc/ca.pem' } } },
    });
  });

  test('WHEN the site mirror serves every registry THEN the cache\'s registry still falls back to it', () => {
    const site = cacheSite({}, { registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['*'] } });
    expect(yaml.load(nodeFile(site, 'srv', 'registries.yaml')!)).toEqual({
      mirrors: { 'docker.io': { endpoint: ['http://127.0.0.1:30500', 'https://mirror.local:5000'] }, '*': { endpoint: ['https://mirror.local:5000'] } },
    });
  });

  test('WHEN a node runs a plain kubelet THEN containerd\'s hosts.toml lists the cache before the site mirror', () => {
    const nodes = [diskNodes[0], { ...diskNodes[1], runtime: 'kubelet' as const }];
    const site = cacheSite({}, { nodes, registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['docker.io'], caFile: '/etc/ca.pem' } });
    expect(nodeFile(site, 'agt', 'containerd/certs.d/docker.io/hosts.toml')).toBe([
      'server = "https://registry-1.docker.io"',
      '',
      '[host."http://127.0.0.1:30500"]',
      '  capabilities = ["pull", "resolve"]',
      '',
      '[host."https://mirror.local:5000"]',
      '  capabilities = ["pull", "resolve"]',
      '  ca = "/etc/ca.pem"',
      '',
    ].join('\n'));
  });

  test('WHEN a node address is given THEN nodes pull through it instead of the local node port', () => {
    const site = cacheSite({ registry: 'ghcr.io', mirrorEndpoint: 'http://192.168.50.10:30500' });
    expect(yaml.load(nodeFile(site, 'agt', 'registries.yaml')!)).toEqual({ mirrors: { 'ghcr.io': { endpoint: ['http://192.168.50.10:30500'] } } });
  });

  test('WHEN mirrorNodes is false THEN the nodes\' files are left alone', () => {
    expect(nodeFile(cacheSite({ mirrorNodes: false }), 'srv', 'registries.yaml')).toBeUndefined();
  });
});

describe('RegistryCache validation', () => {
  const PATH = 'sites[0].components.registryCache';
  const site = resolvedSite({ nodes: diskNodes, tier: 'mini', cluster: { serverUrl: 'https://10.0.0.1:6443' } });

  test.each([
    ['an invalid name', { name: 'Cache' }, `${PATH}.name: "Cache" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`],
    ['an image without a tag', { image: 'registry' }, `${PATH}.image: image "registry" has no tag; pin a version tag or a digest (name:1.2.3 or name@sha256:...)`],
    ['the wildcard registry', { registry: '*' }, `${PATH}.registry: a pull-through cache mirrors one registry; name it (docker.io, ghcr.io, ...)`],
    ['an invalid registry', { registry: 'Docker_Hub' }, `${PATH}.registry: "Docker_Hub" is not a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)`],
    ['a remote URL that is not a URL', { remoteUrl: 'registry-1.docker.io' }, `${PATH}.remoteUrl: "registry-1.docker.io" is not a URL (e.g. https://sync.example.com)`],
    ['a remote URL with a path', { remoteUrl: 'https://harbor.example/v2/docker' }, `${PATH}.remoteUrl: "https://harbor.example/v2/docker" must be the root of a registry, without a path or query`],
    ['a mirror endpoint with another scheme', { mirrorEndpoint: 'tcp://127.0.0.1:30500' }, `${PATH}.mirrorEndpoint: "tcp://127.0.0.1:30500" must use https or http`],
    ['a mirror endpoint without mirroring', { mirrorNodes: false, mirrorEndpoint: 'http://10.0.0.1:30500' }, `${PATH}.mirrorEndpoint: is the address nodes pull through, and mirrorNodes is false`],
    ['a node port outside the range', { nodePort: 5000 }, `${PATH}.nodePort: must be a whole number from 30000 to 32767, got 5000`],
    ['no upstream CIDRs', { upstreamCidrs: [] }, `${PATH}.upstreamCidrs: must list at least one CIDR: the cache cannot fill itself without reaching its upstream`],
    ['an upstream CIDR with host bits', { upstreamCidrs: ['10.0.0.1/8'] }, `${PATH}.upstreamCidrs[0]: "10.0.0.1/8" has host bits set; use the network address 10.0.0.0/8`],
    ['an account without a Secret name', { credentials: {} }, `${PATH}.credentials.secretName: is required: the name of an existing Secret`],
    ['an invalid size', { storage: '50 GB' }, `${PATH}.storage: "50 GB" is not a positive storage quantity (e.g. 10Gi or 500Mi)`],
    ['a disk of an unknown node', { disk: 'ghost/cache' }, `${PATH}.disk: node "ghost" is not a node of site site-a; nodes: srv, agt`],
    ['an unknown node', { node: 'ghost' }, `${PATH}.node: node "ghost" is not a node of site site-a; nodes: srv, agt`],
    ['an unpinned image to keep', { images: ['nginx'] }, `${PATH}.images[0]: image "nginx" has no tag; pin a version tag or a digest (name:1.2.3 or name@sha256:...)`],
    ['an image of another registry', { images: ['ghcr.io/acme/app:1.0.0'] }, `${PATH}.images[0]: "ghcr.io/acme/app:1.0.0" pulls from ghcr.io; this cache keeps images of docker.io`],
    ['an invalid sync schedule', { syncSchedule: 'hourly' }, `${PATH}.syncSchedule: "hourly" is not a cron schedule of five fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`],
    ['an unpinned sync image', { syncImage: 'quay.io/skopeo/stable:latest' }, `${PATH}.syncImage: image "quay.io/skopeo/stable:latest" uses the "latest" tag; pin a version tag or a digest`],
    ['an unknown key', { port: 5000 }, `${PATH}.port: unknown key; allowed keys here: name, namespace, image, registry, remoteUrl, credentials, images, syncSchedule, syncImage, storage, storageClass, disk, nodePort, mirrorNodes, mirrorEndpoint, upstreamCidrs, tier, node, resources, runAsUser`],
  ])('WHEN the block has %s THEN it is reported at its path', (_what, value, expected) => {
    expect(readProblems(registryCacheComponent.read, value, PATH, site)).toEqual([expected]);
  });

  test('WHEN a valid block is read THEN it is returned as written and reads the same again', () => {
    const value = { registry: 'ghcr.io', images: ['ghcr.io/acme/app:1.0.0'], syncSchedule: '15 */2 * * *', syncImage: 'quay.io/skopeo/stable:v1.16.1', storage: '100Gi', disk: 'agt/cache', nodePort: 30600, upstreamCidrs: ['0.0.0.0/0'] };
    const read = registryCacheComponent.read(value, PATH, new Problems(), site);
    expect(read).toEqual(value);
    expect(readProblems(registryCacheComponent.read, read, PATH, site)).toEqual([]);
  });

  test('WHEN the construct gets invalid props THEN it throws every problem under its construct path', () => {
    const act = () => {
      const s = storageSite();
      new LocalStorage(s, 'LocalStorage');
      return new RegistryCache(s, 'Cache', { nodePort: 80, registry: '*' });
    };
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/test-site\/Cache.registry: a pull-through cache mirrors one registry.*\n.*test-site\/Cache.nodePort: must be a whole number from 30000 to 32767, got 80/);
  });
});

describeWithSchemas('RegistryCache conformance', () => {
  test('WHEN a cache with an upstream account is built THEN the objects are valid on Kubernetes 1.25 and 1.32 and restricted', () => {
    expect(conformanceProblems(cacheSite({ credentials: { secretName: 'hub' } }))).toEqual([]);
  });
});
