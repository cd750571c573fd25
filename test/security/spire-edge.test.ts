import { EdgeValidationError } from '../../lib';
import { CHART_FACTS } from '../../lib/convergence/chart-facts';
import { CHARTS } from '../../lib/core/versions';
import { Problems } from '../../lib/core/validation/problems';
import { resolveSiteSpec } from '../../lib/fleet/inventory';
import { SPIRE_EDGE_COMPONENT, SpireEdge, SpireEdgeOptions } from '../../lib/security/spire-edge';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';

const TD = 'factory.example.com';
const twoNodes = {
  cluster: { serverUrl: 'https://10.20.0.10:6443' },
  nodes: [
    { name: 'gw-1', role: 'server' as const, capacity: { cpu: '4', memory: '4Gi' } },
    { name: 'gw-2', capacity: { cpu: '4', memory: '4Gi' } },
  ],
};

function spire(options: Partial<SpireEdgeOptions> = {}, siteOverrides = {}): any[] {
  const site = buildSite(microSite(siteOverrides));
  new SpireEdge(site, 'Spire', { trustDomain: TD, ...options });
  return synthObjects(site);
}

function conf(objects: any[], name: string, namespace: string, key: string): any {
  return JSON.parse(findObject(objects, 'ConfigMap', name, namespace).data[key]);
}

function rulesOf(objects: any[], name: string): any[] {
  return findObject(objects, 'ClusterRole', name).rules;
}

describe('SpireEdge server', () => {
  const objects = spire();
  const statefulSet = findObject(objects, 'StatefulSet', 'spire-server', 'spire-server');
  const pod = statefulSet.spec.template.spec;

  test('WHEN SPIRE runs in the site THEN the server is a one-replica StatefulSet with a 1Gi data volume', () => {
    expect(statefulSet.spec.replicas).toBe(1);
    expect(statefulSet.spec.serviceName).toBe('spire-server');
    expect(statefulSet.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'spire-data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'spire-data', mountPath: '/run/spire/data' });
  });

  test('WHEN the server pod is built THEN it is restricted, pinned, probed and budgeted from the tier', () => {
    const [server, manager] = pod.containers;
    expect(server.image).toBe('ghcr.io/spiffe/spire-server:1.15.1');
    expect(manager.image).toBe('ghcr.io/spiffe/spire-controller-manager:0.6.6');
    for (const c of [server, manager]) {
      expect(c.imagePullPolicy).toBe('IfNotPresent');
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    }
    expect(server.livenessProbe.httpGet).toEqual({ path: '/live', port: 'healthz' });
    expect(server.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'healthz' });
    expect(manager.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'healthz' });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.serviceAccountName).toBe('spire-server');
    expect(pod.nodeSelector).toEqual({ 'edge.tier': 'micro' });
  });

  test('WHEN server.conf is read THEN it has the trust domain, sqlite on the volume, k8s_psat for the agents only and the bundle notifier', () => {
    const c = conf(objects, 'spire-server', 'spire-server', 'server.conf');
    expect(c.server).toMatchObject({ trust_domain: TD, bind_port: '8081', data_dir: '/run/spire/data', socket_path: '/tmp/spire-server/private/api.sock', ca_ttl: '24h', default_x509_svid_ttl: '1h', default_jwt_svid_ttl: '5m' });
    expect(c.plugins.DataStore).toEqual([{ sql: { plugin_data: { database_type: 'sqlite3', connection_string: '/run/spire/data/datastore.sqlite3' } } }]);
    expect(c.plugins.NodeAttestor).toEqual([{ k8s_psat: { plugin_data: { clusters: { 'test-site': { service_account_allow_list: ['spire-system:spire-agent'], audience: ['spire-server'] } } } } }]);
    expect(c.plugins.Notifier).toEqual([{ k8sbundle: { plugin_data: { namespace: 'spire-system', config_map: 'spire-bundle', config_map_key: 'bundle.crt' } } }]);
    expect(c.health_checks).toMatchObject({ listener_enabled: true, bind_port: '8080' });
  });

  test('WHEN the controller manager is configured THEN it reconciles this cluster through the server socket without a webhook', () => {
    const c = conf(objects, 'spire-controller-manager', 'spire-server', 'controller-manager-config.yaml');
    expect(c).toMatchObject({ kind: 'ControllerManagerConfig', clusterName: 'test-site', trustDomain: TD, spireServerSocketPath: '/tmp/spire-server/private/api.sock', className: 'cdk8s-edge', leaderElection: { leaderElect: false } });
    expect(c.ignoreNamespaces).toEqual(['^kube-system$', '^kube-public$', '^kube-node-lease$', '^spire-system$', '^spire-server$']);
    expect(pod.containers[1].env).toEqual([{ name: 'ENABLE_WEBHOOKS', value: 'false' }]);
  });

  test('WHEN the server RBAC is read THEN it reviews tokens, reads pods and nodes and patches only the bundle ConfigMap', () => {
    expect(rulesOf(objects, 'edge-spire-server')).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get'] },
    ]);
    expect(findObject(objects, 'Role', 'spire-bundle-publisher', 'spire-system').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['spire-bundle'], verbs: ['get', 'patch'] },
    ]);
    expect(findObject(objects, 'ClusterRoleBinding', 'edge-spire-controller-manager').subjects).toEqual([{ kind: 'ServiceAccount', name: 'spire-server', namespace: 'spire-server' }]);
    const all = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role').flatMap((r) => r.rules);
    expect(JSON.stringify(all)).not.toContain('*');
  });

  test('WHEN the server Service is read THEN agents reach the gRPC port by name', () => {
    expect(findObject(objects, 'Service', 'spire-server', 'spire-server').spec).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'spire-server' }, ports: [{ name: 'grpc', port: 8081, targetPort: 'grpc', protocol: 'TCP' }],
    });
  });

  test('WHEN storage, TTLs and a node are given THEN the server uses them', () => {
    const o = spire({ storageSize: '5Gi', storageClass: 'local-path', serverNode: 'gw-2', caTtl: '48h', svidTtl: '2h' }, twoNodes);
    const sts = findObject(o, 'StatefulSet', 'spire-server', 'spire-server');
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'local-path', resources: { requests: { storage: '5Gi' } } });
    expect(sts.spec.template.spec.nodeSelector).toEqual({ 'edge.tier': 'micro', 'kubernetes.io/hostname': 'gw-2' });
    expect(conf(o, 'spire-server', 'spire-server', 'server.conf').server).toMatchObject({ ca_ttl: '48h', default_x509_svid_ttl: '2h' });
  });
});

describe('SpireEdge agent', () => {
  const objects = spire({}, twoNodes);
  const daemonSet = findObject(objects, 'DaemonSet', 'spire-agent', 'spire-system');
  const pod = daemonSet.spec.template.spec;
  const agent = pod.containers[0];

  test('WHEN the agent runs THEN it uses hostPID but neither the host network nor privileged mode', () => {
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBeUndefined();
    expect(agent.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(agent.securityContext.capabilities.add).toBeUndefined();
  });

  test('WHEN the agent is a Pod Security exception THEN its namespace enforces privileged and both carry the reason', () => {
    const ns = findObject(objects, 'Namespace', 'spire-system');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['edge.cdk8s.io/pss-exception']).toMatch(/^SPIRE agent: hostPID/);
    expect(daemonSet.metadata.annotations['edge.cdk8s.io/pss-exception']).toBe(ns.metadata.annotations['edge.cdk8s.io/pss-exception']);
    expect(findObject(objects, 'Namespace', 'spire-server').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('WHEN the agent mounts its volumes THEN the socket is a host directory, the token is projected for the server, the bundle comes from the ConfigMap', () => {
    expect(pod.volumes).toEqual(expect.arrayContaining([
      { name: 'spire-agent-socket-dir', hostPath: { path: '/run/spire/agent-sockets', type: 'DirectoryOrCreate' } },
      { name: 'spire-token', projected: { sources: [{ serviceAccountToken: { path: 'spire-agent', expirationSeconds: 7200, audience: 'spire-server' } }] } },
      { name: 'spire-bundle', configMap: { name: 'spire-bundle' } },
      { name: 'kubelet-ca', hostPath: { path: '/var/lib/rancher/k3s/agent/server-ca.crt', type: 'File' } },
    ]));
    expect(agent.volumeMounts).toContainEqual({ name: 'spire-agent-socket-dir', mountPath: '/tmp/spire-agent/public' });
    expect(findObject(objects, 'ConfigMap', 'spire-bundle', 'spire-system').data).toBeUndefined();
  });

  test('WHEN agent.conf is read THEN it dials the server Service, attests with k8s_psat and asks its own kubelet with verification', () => {
    const c = conf(objects, 'spire-agent', 'spire-system', 'agent.conf');
    expect(c.agent).toMatchObject({ trust_domain: TD, server_address: 'spire-server.spire-server.svc', server_port: '8081', socket_path: '/tmp/spire-agent/public/spire-agent.sock', trust_bundle_path: '/run/spire/bundle/bundle.crt' });
    expect(c.plugins.NodeAttestor).toEqual([{ k8s_psat: { plugin_data: { cluster: 'test-site', token_path: '/var/run/secrets/tokens/spire-agent' } } }]);
    expect(c.plugins.WorkloadAttestor).toEqual([{ k8s: { plugin_data: { kubelet_ca_path: '/run/spire/kubelet-ca/ca.crt', node_name_env: 'KUBELET_ADDR' } } }]);
    expect(agent.env).toEqual([{ name: 'KUBELET_ADDR', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }]);
  });

  test('WHEN kubelet verification is skipped THEN no CA is mounted and the attestor says so', () => {
    const o = spire({ skipKubeletVerification: true });
    expect(conf(o, 'spire-agent', 'spire-system', 'agent.conf').plugins.WorkloadAttestor[0].k8s.plugin_data.skip_kubelet_verification).toBe(true);
    expect(findObject(o, 'DaemonSet', 'spire-agent', 'spire-system').spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('kubelet-ca');
  });

  test('WHEN the agent is placed THEN it tolerates every edge taint, runs edge-critical and reads pods and nodes only', () => {
    expect(pod.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.priorityClassName).toBe('edge-critical');
    expect(rulesOf(objects, 'edge-spire-agent')).toEqual([{ apiGroups: [''], resources: ['pods', 'nodes', 'nodes/proxy'], verbs: ['get'] }]);
  });

  test('WHEN the site is built THEN the server pod and the agents are registered for the capacity check', () => {
    const site = buildSite(microSite(twoNodes));
    new SpireEdge(site, 'Spire', { trustDomain: TD });
    expect(site.workloadDemands).toEqual(expect.arrayContaining([
      expect.objectContaining({ description: 'StatefulSet spire-server/spire-server', replicas: 1, cpuMillis: 200, memoryBytes: 128 * 2 ** 20 }),
      expect.objectContaining({ description: 'DaemonSet spire-system/spire-agent', tiers: ['micro'], cpuMillis: 100, memoryBytes: 64 * 2 ** 20 }),
    ]));
  });
});

describe('SpireEdge registration and network', () => {
  test('WHEN SPIRE is added THEN the seed ClusterSPIFFEID registers pods labelled edge.workload/type=service', () => {
    expect(findObject(spire(), 'ClusterSPIFFEID', 'edge-workloads').spec).toEqual({
      className: 'cdk8s-edge',
      spiffeIDTemplate: `spiffe://${TD}/workload/{{ .PodMeta.Name }}`,
      podSelector: { matchLabels: { 'edge.workload/type': 'service' } },
    });
  });

  test('WHEN more identities are given THEN each becomes a ClusterSPIFFEID', () => {
    const o = spire({ identities: [{ name: 'line-a', spiffeIdTemplate: `spiffe://${TD}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}`, namespaceLabels: { line: 'a' }, dnsNameTemplates: ['{{ .PodMeta.Name }}.line-a'], ttl: '30m' }] });
    expect(findObject(o, 'ClusterSPIFFEID', 'line-a').spec).toEqual({
      className: 'cdk8s-edge',
      spiffeIDTemplate: `spiffe://${TD}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}`,
      namespaceSelector: { matchLabels: { line: 'a' } },
      dnsNameTemplates: ['{{ .PodMeta.Name }}.line-a'],
      ttl: '30m',
    });
  });

  test('WHEN the network is plain Kubernetes THEN agents may reach the server and their kubelet, the server only its agents and the API', () => {
    const o = spire({}, { ...twoNodes, network: { siteCidrs: ['10.20.0.0/16'] } });
    expect(findObject(o, 'NetworkPolicy', 'spire-agent', 'spire-system').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'spire-server' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'spire-server' } } }], ports: [{ protocol: 'TCP', port: 8081 }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 10250 }] },
    ]);
    const server = findObject(o, 'NetworkPolicy', 'spire-server', 'spire-server').spec;
    expect(server.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'spire-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'spire-agent' } } }]);
    expect(server.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.20.0.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] }]);
  });

  test('WHEN the site runs Cilium THEN the allows are CiliumNetworkPolicies naming the API server and nodes as entities', () => {
    const o = spire({}, { network: { cni: 'cilium' } });
    expect(o.filter((x) => x.kind === 'NetworkPolicy').map((x) => x.metadata.name)).not.toContain('spire-server');
    expect(findObject(o, 'CiliumNetworkPolicy', 'spire-server', 'spire-server').spec.egress).toEqual([
      { toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '6443', protocol: 'TCP' }] }] },
    ]);
    expect(findObject(o, 'CiliumNetworkPolicy', 'spire-agent', 'spire-system').spec.egress[1]).toEqual({ toEntities: ['host', 'remote-node'], toPorts: [{ ports: [{ port: '10250', protocol: 'TCP' }] }] });
  });
});

describe('SpireEdge with a hub server', () => {
  const objects = spire({ hubServer: { address: 'spire.hub.example.com', port: 443 } }, { network: { cloudCidrs: ['203.0.113.0/24'] } });

  test('WHEN the server runs at the hub THEN the site has agents but no server, and the agents dial the hub', () => {
    expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(false);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'spire-server')).toBe(false);
    expect(conf(objects, 'spire-agent', 'spire-system', 'agent.conf').agent).toMatchObject({ server_address: 'spire.hub.example.com', server_port: '443' });
    expect(findObject(objects, 'NetworkPolicy', 'spire-agent', 'spire-system').spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  test('WHEN the server runs at the hub THEN its identity in the site may attest agents, reconcile identities and publish the bundle', () => {
    expect(findObject(objects, 'ServiceAccount', 'spire-hub', 'spire-system')).toBeDefined();
    expect(rulesOf(objects, 'edge-spire-hub')).toEqual(expect.arrayContaining([{ apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] }]));
    expect(findObject(objects, 'RoleBinding', 'spire-bundle-publisher', 'spire-system').subjects).toEqual([{ kind: 'ServiceAccount', name: 'spire-hub', namespace: 'spire-system' }]);
  });

  test('WHEN agents attest to the hub THEN they run a SPIRE the hub server supports: its minor or one older, never newer', () => {
    // The hub's server is the pinned spire chart's; spire doc/upgrading.md: "SPIRE Agents must
    // not be newer than the oldest SPIRE Server that they communicate with, and may be up to
    // one minor version older".
    const hubImage = CHART_FACTS.spire[CHARTS.spire.version].images.find((i) => i.startsWith('ghcr.io/spiffe/spire-server:'))!;
    const agentImage = findObject(objects, 'DaemonSet', 'spire-agent', 'spire-system').spec.template.spec.containers[0].image;
    const [hub, agent] = [hubImage, agentImage].map((image: string) => image.split(':')[1].split('.').map(Number));
    const minorsBehind = hub[1] - agent[1];
    expect({ hub: hubImage, agent: agentImage, sameMajor: agent[0] === hub[0], withinOneMinor: minorsBehind === 0 || minorsBehind === 1, newer: minorsBehind === 0 && agent[2] > hub[2] })
      .toEqual({ hub: hubImage, agent: agentImage, sameMajor: true, withinOneMinor: true, newer: false });
  });

  test('WHEN the hub is an IP address THEN the agents may reach only that address', () => {
    const o = spire({ hubServer: { address: '198.51.100.7' } });
    expect(findObject(o, 'NetworkPolicy', 'spire-agent', 'spire-system').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '198.51.100.7/32' } }]);
  });
});

describe('SpireEdge validation', () => {
  const build = (options: Partial<SpireEdgeOptions>, siteOverrides = {}) => () => spire(options, siteOverrides);

  test('WHEN the trust domain is not a SPIFFE trust domain THEN the error names the field and the grammar', () => {
    expect(build({ trustDomain: 'spiffe://Factory.example.com' })).toThrow(EdgeValidationError);
    expect(build({ trustDomain: 'spiffe://Factory.example.com' })).toThrow(/test-site\/Spire.trustDomain: "spiffe:\/\/Factory.example.com" is not a SPIFFE trust domain \(lowercase letters, digits/);
  });

  test('WHEN the site joins the hub\'s control plane THEN SpireEdge is refused: SPIRE there is the hub\'s', () => {
    const site = { cluster: { flavor: 'openyurt', serverUrl: 'https://hub.example.com:6443' }, nodes: [{ name: 'node-1', runtime: 'kubelet', capacity: { cpu: '4', memory: '4Gi' } }] };
    expect(build({}, site)).toThrow('test-site/Spire: site test-site joins the hub\'s control plane (openyurt), where SPIRE is the hub\'s: SpireEdge runs only on a site with a cluster of its own');
  });

  test('WHEN an identity template is outside the trust domain THEN it is refused', () => {
    expect(build({ identities: [{ name: 'other', spiffeIdTemplate: 'spiffe://other.example.com/x' }] }))
      .toThrow(`test-site/Spire.identities[0].spiffeIdTemplate: "spiffe://other.example.com/x" must start with spiffe://${TD}/ and name a path`);
  });

  test('WHEN an identity reuses the default identity name THEN it is refused', () => {
    expect(build({ identities: [{ name: 'edge-workloads', spiffeIdTemplate: `spiffe://${TD}/x` }] }))
      .toThrow('test-site/Spire.identities[0].name: "edge-workloads" is already used by the default workload identity');
  });

  test('WHEN an identity has bad selector labels or TTL, or the socket path is relative THEN each is reported', () => {
    expect(build({ socketHostPath: 'run/spire', identities: [{ name: 'x', spiffeIdTemplate: `spiffe://${TD}/x`, podLabels: { 'edge workload': 'yes' }, namespaceLabels: { team: 'a b' }, ttl: 'soon' }] }))
      .toThrow(/Spire.identities\[0\].podLabels.edge workload: label key "edge workload" is invalid.*\n.*Spire.identities\[0\].namespaceLabels.team: label value "a b" is invalid.*\n.*Spire.identities\[0\].ttl: "soon" is not a duration.*\n.*Spire.socketHostPath: "run\/spire" must be an absolute path on the node/);
  });

  test('WHEN a TTL does not parse or outlives the CA THEN each is reported', () => {
    expect(build({ caTtl: '1d', svidTtl: '30x' })).toThrow(/Spire.caTtl: "1d" is not a duration.*\n.*Spire.svidTtl: "30x" is not a duration/);
    expect(build({ caTtl: '12h', jwtSvidTtl: '12h' })).toThrow('test-site/Spire.jwtSvidTtl: 12h must be shorter than the CA TTL 12h');
  });

  test('WHEN the hub address has a scheme or the hub is combined with server settings THEN both are reported', () => {
    expect(build({ hubServer: { address: 'https://hub.example.com', port: 70000 }, storageSize: '2Gi' }))
      .toThrow(/Spire.hubServer.address: "https:\/\/hub.example.com" is not a host name or IP address.*\n.*Spire.hubServer.port: must be a port number from 1 to 65535, got 70000\n.*Spire.storageSize: configures a SPIRE server in the site, but hubServer says the server runs at the hub/);
  });

  test('WHEN the server node, storage or cluster name are wrong THEN each names what is allowed', () => {
    expect(build({ serverNode: 'ghost', storageSize: 'lots', storageClass: 'Fast_SSD', clusterName: 'Edge Cluster' }))
      .toThrow(/Spire.clusterName: "Edge Cluster" is not a DNS-1123 label[^\n]*\n.*Spire.storageSize: "lots" is not a positive storage quantity \(e.g. 1Gi\)\n.*Spire.storageClass: "Fast_SSD" is not a DNS-1123 subdomain.*\n.*Spire.serverNode: node "ghost" is not a node of site test-site; nodes: node-1/);
  });

  test('WHEN the site has plain-kubelet nodes and no kubelet CA is given THEN the CA is required', () => {
    expect(build({}, { nodes: [{ name: 'k-1', runtime: 'kubelet', capacity: { cpu: '4', memory: '4Gi' } }] }))
      .toThrow('test-site/Spire.kubeletCaPath: is required: plain-kubelet nodes (k-1) do not have the k3s CA at /var/lib/rancher/k3s/agent/server-ca.crt');
  });

  test('WHEN the kubelet CA path is relative or combined with skipping verification THEN it is refused', () => {
    expect(build({ kubeletCaPath: 'etc/kubelet-ca.pem' })).toThrow('test-site/Spire.kubeletCaPath: "etc/kubelet-ca.pem" must be an absolute path on the node');
    expect(build({ kubeletCaPath: '/etc/ca.pem', skipKubeletVerification: true })).toThrow('test-site/Spire.kubeletCaPath: is ignored when skipKubeletVerification is true');
  });

  test('WHEN a resource request is above its limit THEN it is reported under the container', () => {
    expect(build({ agentResources: { requests: { memory: '1Gi' }, limits: { memory: '128Mi' } } }))
      .toThrow('test-site/Spire.agentResources.requests.memory: request 1Gi is above the limit 128Mi');
  });
});

describe('SpireEdge from the inventory', () => {
  const site = resolveSiteSpec(microSite());
  const read = (value: unknown) => {
    const problems = new Problems();
    const options = SPIRE_EDGE_COMPONENT.read(value, 'sites[0].components.spire', problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  };

  test('WHEN a spire block is read THEN it gives the options, and reading them again gives the same', () => {
    const block = { trustDomain: TD, caTtl: '48h', hubServer: { address: 'hub.example.com', port: 8081 }, identities: [{ name: 'x', spiffeIdTemplate: `spiffe://${TD}/x`, podLabels: { app: 'x' } }], agentResources: { limits: { memory: '256Mi' } } };
    const first = read(block);
    expect(first.problems).toEqual([]);
    expect(first.options).toEqual(block);
    expect(read(first.options)).toEqual(first);
  });

  test('WHEN the block has an unknown key or misses the trust domain THEN each is reported at its inventory path', () => {
    expect(read({ trustDomian: TD }).problems).toEqual([
      'sites[0].components.spire.trustDomian: unknown key; allowed keys here: trustDomain, clusterName, hubServer, caTtl, svidTtl, jwtSvidTtl, identities, storageSize, storageClass, serverNode, kubeletCaPath, skipKubeletVerification, socketHostPath, serverResources, controllerManagerResources, agentResources',
      'sites[0].components.spire.trustDomain: is required: the SPIFFE trust domain, e.g. factory.example.com',
    ]);
  });

  test('WHEN a rule fails in the inventory THEN it is reported at the inventory path by the construct\'s rule', () => {
    expect(read({ trustDomain: 'Bad Domain', identities: [{ name: 'x', spiffeIdTemplate: 'spiffe://elsewhere/x' }] }).problems).toEqual([
      'sites[0].components.spire.trustDomain: "Bad Domain" is not a SPIFFE trust domain (lowercase letters, digits, \'.\', \'-\' and \'_\', no scheme, port or path, e.g. factory.example.com)',
      'sites[0].components.spire.identities[0].spiffeIdTemplate: "spiffe://elsewhere/x" must start with spiffe://Bad Domain/ and name a path, e.g. spiffe://Bad Domain/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}',
    ]);
  });

  test('WHEN the component is built THEN the site gets SpireEdge at <site>/Spire', () => {
    const built = buildSite(microSite());
    SPIRE_EDGE_COMPONENT.build(built, { trustDomain: TD });
    expect(built.node.findChild('Spire')).toBeInstanceOf(SpireEdge);
  });
});
