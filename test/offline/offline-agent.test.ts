import { EdgeSite, EdgeValidationError, SiteSpec } from '../../lib';
import { OfflineAgent, OfflineAgentProps } from '../../lib/offline/offline-agent';
import { offlineAgentComponent } from '../../lib/offline/offline-components';
import { Problems } from '../../lib/core/validation/problems';
import { conformanceProblems, readProblems, resolvedSite } from '../data/support';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { describeWithSchemas } from '../support/schema-gate';

const image = 'ghcr.io/acme/offline-agent:1.6.0';
const mixedTiers: Partial<SiteSpec> = {
  nodes: [{ name: 'srv', role: 'server', tier: 'mini', capacity: { cpu: '8', memory: '8Gi' } }, { name: 'gw', tier: 'micro', capacity: { cpu: '4', memory: '4Gi' } }],
  cluster: { serverUrl: 'https://10.0.0.1:6443' },
};

function agentSite(props: Partial<OfflineAgentProps> = {}, overrides: Partial<SiteSpec> = {}): EdgeSite {
  const site = buildSite(microSite({ network: { cloudCidrs: ['203.0.113.0/24'] }, ...overrides }));
  new OfflineAgent(site, 'OfflineAgent', { image, ...props });
  return site;
}

function daemonSet(site: EdgeSite): any {
  return findObject(synthObjects(site), 'DaemonSet', 'offline-agent', 'edge-system');
}

describe('OfflineAgent', () => {
  test('WHEN the agent is added THEN a DaemonSet in edge-system tolerates every edge taint and runs edge-critical', () => {
    const spec = daemonSet(agentSite()).spec.template.spec;
    expect(spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.nodeSelector).toEqual({ 'edge.tier': 'micro' });
    expect(spec).toMatchObject({ priorityClassName: 'edge-critical', automountServiceAccountToken: false });
    expect(spec.containers[0]).toMatchObject({ image, imagePullPolicy: 'IfNotPresent' });
  });

  test('WHEN the site has default connectivity THEN the agent runs offline mode and syncs every 300 seconds', () => {
    const env = daemonSet(agentSite()).spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'OFFLINE_MODE', value: 'true' },
      { name: 'SYNC_INTERVAL', value: '300' },
      { name: 'OFFLINE_TOLERANCE', value: '86400' },
      { name: 'CACHE_DIR', value: '/var/cache/offline-agent' },
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ]);
  });

  test('WHEN the site syncs every 90s and offline mode is off THEN the environment says so', () => {
    const env = daemonSet(agentSite({ offlineMode: false, env: { LOG_LEVEL: 'debug' } }, { connectivity: { syncInterval: '90s', offlineTolerance: '72h' } })).spec.template.spec.containers[0].env;
    expect(env.slice(0, 3)).toEqual([{ name: 'OFFLINE_MODE', value: 'false' }, { name: 'SYNC_INTERVAL', value: '90' }, { name: 'OFFLINE_TOLERANCE', value: '259200' }]);
    expect(env).toContainEqual({ name: 'LOG_LEVEL', value: 'debug' });
  });

  test('WHEN nodes have several tiers THEN the agent selects all of them and gets the smallest tier\'s budget', () => {
    const spec = daemonSet(agentSite({}, mixedTiers)).spec.template.spec;
    expect(spec.nodeSelector).toBeUndefined();
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'edge.tier', operator: 'In', values: ['micro', 'mini'] }] }]);
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
  });

  test('WHEN the agent is added THEN the capacity check counts one pod on every node', () => {
    expect(agentSite({}, mixedTiers).workloadDemands).toEqual([expect.objectContaining({ description: 'DaemonSet edge-system/offline-agent', tiers: ['micro', 'mini'], replicas: undefined, cpuMillis: 100 })]);
  });

  test('WHEN no cache is chosen THEN a hostPath directory keeps it across restarts, as a named Pod Security exception', () => {
    const site = agentSite();
    const objects = synthObjects(site);
    const ds = findObject(objects, 'DaemonSet', 'offline-agent', 'edge-system');
    const spec = ds.spec.template.spec;
    expect(spec.volumes[0]).toEqual({ name: 'cache', hostPath: { path: '/var/lib/cdk8s-edge/offline-agent', type: 'DirectoryOrCreate' } });
    expect(spec.initContainers).toEqual([expect.objectContaining({
      name: 'prepare-cache', image: 'busybox:1.36.1', imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', 'chown 65532:65532 /var/cache/offline-agent && chmod 0700 /var/cache/offline-agent'],
      securityContext: expect.objectContaining({ runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER'] } }),
    })]);
    expect(spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    const reason = ds.metadata.annotations['edge.cdk8s.io/pss-exception'];
    expect(reason).toMatch(/^offline-agent keeps its cache in hostPath \/var\/lib\/cdk8s-edge\/offline-agent/);
    const ns = findObject(objects, 'Namespace', 'edge-system');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['edge.cdk8s.io/pss-exception']).toBe(reason);
  });

  test('WHEN the cache is an emptyDir THEN the agent and its namespace stay restricted and the cache has a size limit', () => {
    const objects = synthObjects(agentSite({ cache: { type: 'emptyDir', sizeLimit: '512Mi' } }));
    const ds = findObject(objects, 'DaemonSet', 'offline-agent', 'edge-system');
    expect(ds.spec.template.spec.volumes[0]).toEqual({ name: 'cache', emptyDir: { sizeLimit: '512Mi' } });
    expect(ds.spec.template.spec.initContainers).toBeUndefined();
    expect(ds.metadata.annotations).toBeUndefined();
    expect(findObject(objects, 'Namespace', 'edge-system').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('WHEN a cloud endpoint and health path are given THEN the agent may reach the cloud CIDRs on its port and is probed over HTTP', () => {
    const objects = synthObjects(agentSite({ cloudEndpoint: 'https://control.example.com:8443', healthPath: '/healthz', healthPort: 9090 }));
    const container = findObject(objects, 'DaemonSet', 'offline-agent', 'edge-system').spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'CLOUD_ENDPOINT', value: 'https://control.example.com:8443' });
    expect(container.ports).toEqual([{ name: 'health', containerPort: 9090, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(findObject(objects, 'NetworkPolicy', 'offline-agent-cloud-egress', 'edge-system').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'offline-agent' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 8443 }] }],
    });
  });

  test('WHEN no cloud endpoint is given THEN the agent gets no egress beyond its namespace\'s DNS and is probed over TCP', () => {
    const objects = synthObjects(agentSite());
    expect(objects.some((o) => o.metadata.name === 'offline-agent-cloud-egress')).toBe(false);
    expect(findObject(objects, 'DaemonSet', 'offline-agent', 'edge-system').spec.template.spec.containers[0].readinessProbe.tcpSocket).toEqual({ port: 'health' });
  });
});

describe('OfflineAgent validation', () => {
  const PATH = 'sites[0].components.offlineAgent';
  const site = resolvedSite({ network: { cloudCidrs: ['203.0.113.0/24'] } });
  const noCloud = resolvedSite();

  test.each([
    ['no image', {}, site, `${PATH}.image: is required: the agent image, pinned to a version`],
    ['an unpinned image', { image: 'acme/agent:latest' }, site, `${PATH}.image: image "acme/agent:latest" uses the "latest" tag; pin a version tag or a digest`],
    ['a namespace Kubernetes owns', { image, namespace: 'kube-system' }, site, `${PATH}.namespace: "kube-system" belongs to Kubernetes; edge components run in their own namespaces`],
    ['an invalid name', { image, name: 'Agent' }, site, `${PATH}.name: "Agent" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`],
    ['an unknown cache type', { image, cache: { type: 'pvc' } }, site, `${PATH}.cache.type: "pvc" is not one of hostPath, emptyDir`],
    ['a node path on an emptyDir cache', { image, cache: { type: 'emptyDir', path: '/var/x' } }, site, `${PATH}.cache.path: applies only to cache type hostPath; this cache is emptyDir`],
    ['a size limit on a hostPath cache', { image, cache: { sizeLimit: '1Gi' } }, site, `${PATH}.cache.sizeLimit: applies only to cache type emptyDir; this cache is hostPath`],
    ['a relative node path', { image, cache: { path: 'var/cache' } }, site, `${PATH}.cache.path: "var/cache" must be an absolute directory on the node, not /`],
    ['an invalid size limit', { image, cache: { type: 'emptyDir', sizeLimit: 'big' } }, site, `${PATH}.cache.sizeLimit: "big" is not a positive storage quantity (e.g. 10Gi or 500Mi)`],
    ['an unpinned init image', { image, cache: { initImage: 'busybox' } }, site, `${PATH}.cache.initImage: image "busybox" has no tag; pin a version tag or a digest (name:1.2.3 or name@sha256:...)`],
    ['a cloud endpoint that is not a URL', { image, cloudEndpoint: 'control.example.com' }, site, `${PATH}.cloudEndpoint: "control.example.com" is not a URL (e.g. https://sync.example.com)`],
    ['a cloud endpoint on a site without cloud CIDRs', { image, cloudEndpoint: 'https://control.example.com' }, noCloud, `${PATH}.cloudEndpoint: site site-a has no network.cloudCidrs, and egress to the cloud is allowed only to them; list the CIDRs of control.example.com`],
    ['a cloud endpoint outside the cloud CIDRs', { image, cloudEndpoint: 'https://198.51.100.7' }, site, `${PATH}.cloudEndpoint: 198.51.100.7 is in none of the site's cloud CIDRs (203.0.113.0/24), the only addresses egress is allowed to`],
    ['an invalid health port', { image, healthPort: 0 }, site, `${PATH}.healthPort: must be a whole number from 1 to 65535, got 0`],
    ['a relative health path', { image, healthPath: 'healthz' }, site, `${PATH}.healthPath: "healthz" must start with /`],
    ['a variable the agent sets itself', { image, env: { SYNC_INTERVAL: '10' } }, site, `${PATH}.env.SYNC_INTERVAL: "SYNC_INTERVAL" is set by the component itself; use its own option`],
    ['an invalid variable name', { image, env: { 'BAD NAME': 'x' } }, site, `${PATH}.env.BAD NAME: "BAD NAME" is not a valid environment variable name`],
    ['an invalid Secret key', { image, secretEnv: { TOKEN: { secretName: 'agent', key: 'a/b' } } }, site, `${PATH}.secretEnv.TOKEN.key: "a/b" is not a valid Secret key (letters, digits, '-', '_' or '.')`],
    ['a variable set twice', { image, env: { TOKEN: 'x' }, secretEnv: { TOKEN: { secretName: 'agent', key: 'token' } } }, site, `${PATH}.secretEnv.TOKEN: "TOKEN" is set in both env and secretEnv`],
    ['an invalid memory limit', { image, resources: { limits: { memory: 'lots' } } }, site, `${PATH}.resources.limits.memory: "lots" is not a positive memory quantity (e.g. 128Mi or 1Gi)`],
    ['an unknown key', { image, interval: '5m' }, site, `${PATH}.interval: unknown key; allowed keys here: image, name, namespace, offlineMode, cache, cloudEndpoint, healthPort, healthPath, env, secretEnv, resources, runAsUser`],
  ])('WHEN the block has %s THEN it is reported at its path', (_what, value, on, expected) => {
    expect(readProblems(offlineAgentComponent.read, value, PATH, on)).toEqual([expected]);
  });

  test('WHEN a valid block is read THEN it is returned as written and reads the same again', () => {
    const value = { image, offlineMode: false, cache: { type: 'emptyDir', sizeLimit: '2Gi' }, cloudEndpoint: 'https://203.0.113.9', secretEnv: { TOKEN: { secretName: 'agent', key: 'token' } } };
    const read = offlineAgentComponent.read(value, PATH, new Problems(), site);
    expect(read).toEqual(value);
    expect(readProblems(offlineAgentComponent.read, read, PATH, site)).toEqual([]);
  });

  test('WHEN the construct gets invalid props THEN it throws every problem under its construct path', () => {
    const act = () => new OfflineAgent(buildSite(microSite()), 'Agent', { image: 'agent', healthPath: 'x' });
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/test-site\/Agent.image: image "agent" has no tag.*\n.*test-site\/Agent.healthPath: "x" must start with \//);
  });
});

describeWithSchemas('OfflineAgent conformance', () => {
  test.each([
    ['a hostPath cache (privileged namespace, named exception)', {}],
    ['an emptyDir cache (restricted)', { cache: { type: 'emptyDir' as const } }],
  ])('WHEN the agent has %s THEN its objects are valid on Kubernetes 1.25 and 1.32 and meet their namespace level', (_what, props) => {
    expect(conformanceProblems(agentSite({ ...props, cloudEndpoint: 'https://control.example.com' }, mixedTiers))).toEqual([]);
  });
});
