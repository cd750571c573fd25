import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../lib';
import { PolicyGate } from '../../lib/core/policy/policy-gate';
import type { EdgeSite } from '../../lib';
import { buildSite, microSite } from '../support/fixtures';

const BUDGET = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } };

/** A container that passes every rule; tests break one thing at a time. */
function goodContainer(overrides: Partial<k8s.Container> = {}): k8s.Container {
  return {
    name: 'worker',
    image: 'ghcr.io/acme/worker:1.2.3',
    imagePullPolicy: 'IfNotPresent',
    resources: containerResources(BUDGET),
    securityContext: restrictedContainerSecurityContext(),
    ...overrides,
  };
}

/** A raw Deployment added to the site, as a user composing a site by hand would. */
function addDeployment(site: EdgeSite, namespace: string, container: k8s.Container, podSpec: Partial<k8s.PodSpec> = {}): k8s.KubeDeployment {
  site.ensureNamespace(namespace);
  return new k8s.KubeDeployment(site, 'Raw', {
    metadata: { name: 'raw', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'raw' } },
      template: {
        metadata: { labels: { app: 'raw' } },
        spec: { securityContext: restrictedPodSecurityContext(), containers: [container], ...podSpec },
      },
    },
  });
}

function gateErrors(site: EdgeSite): string[] {
  return site.node.validate().filter((e) => e.includes('[policy '));
}

describe('policy gate on every EdgeSite', () => {
  test('WHEN a site and a compliant raw workload are validated THEN the gate reports nothing', () => {
    const site = buildSite(microSite({ apps: [{ name: 'collector', namespace: 'apps', image: 'ghcr.io/acme/collector:1.4.2', ports: [{ name: 'http', port: 8080 }] }] }));
    addDeployment(site, 'tools', goodContainer());
    expect(site.node.validate()).toEqual([]);
  });

  test('WHEN a gate violation is synthesized THEN the synth fails with the construct path and the rule', () => {
    const site = buildSite(microSite());
    addDeployment(site, 'tools', goodContainer({ image: 'ghcr.io/acme/worker:latest' }));
    expect(() => Testing.synth(site)).toThrow(/test-site\/Raw: Deployment tools\/raw container "worker" \(spec\.template\.spec\.containers\[0\]\): image "ghcr\.io\/acme\/worker:latest" uses the "latest" tag/);
  });

  test('WHEN the gate is added to a plain chart THEN it checks that chart the same way', () => {
    const chart = new Chart(Testing.app(), 'plain');
    PolicyGate.addTo(chart, { kubernetesVersion: '1.25' });
    new k8s.KubeSecret(chart, 'Creds', { metadata: { name: 'creds' }, stringData: { password: 'hunter2' } });
    expect(chart.node.validate()).toEqual([
      'plain/Creds: Secret creds carries secret data in the output (keys: password); reference an existing Secret by name and key instead, never write values [policy secret-data]',
    ]);
  });
});

describe('policy gate rule: Pod Security of the namespace', () => {
  test('WHEN a pod template in a restricted namespace is not restricted THEN each failing control is reported with its field path', () => {
    const site = buildSite(microSite());
    addDeployment(site, 'tools', goodContainer({ securityContext: { ...restrictedContainerSecurityContext(), allowPrivilegeEscalation: true } }), { hostNetwork: true });
    const errors = gateErrors(site);
    expect(errors).toContainEqual(expect.stringMatching(/^test-site\/Raw: Deployment tools\/raw violates Pod Security restricted \(namespace tools enforces restricted\): spec\.template\.spec\.hostNetwork: .*\[policy pod-security\]$/));
    expect(errors).toContainEqual(expect.stringMatching(/^test-site\/Raw: Deployment tools\/raw violates Pod Security restricted .*spec\.template\.spec\.containers\[0\]\.securityContext\.allowPrivilegeEscalation: .*\[policy pod-security\]$/));
  });

  test('WHEN the namespace is a named privileged exception THEN the same pod template passes', () => {
    const site = buildSite(microSite());
    site.ensureNamespace('agents').allowPodSecurity('privileged', 'node agent reads the host network');
    addDeployment(site, 'agents', goodContainer(), { hostNetwork: true });
    expect(gateErrors(site)).toEqual([]);
  });

  test('WHEN a workload names a namespace the site does not define THEN it is held to restricted', () => {
    const site = buildSite(microSite());
    new k8s.KubeDeployment(site, 'Stray', {
      metadata: { name: 'stray', namespace: 'elsewhere' },
      spec: { selector: { matchLabels: { app: 'stray' } }, template: { metadata: { labels: { app: 'stray' } }, spec: { containers: [goodContainer({ securityContext: undefined })] } } },
    });
    expect(gateErrors(site)).toContainEqual(expect.stringMatching(/^test-site\/Stray: Deployment elsewhere\/stray violates Pod Security restricted \(namespace elsewhere is not defined in the site, so restricted applies\): spec\.template\.spec\./));
  });
});

describe('policy gate rule: requests and limits', () => {
  test('WHEN a container has no limits THEN the missing resources are named', () => {
    const site = buildSite(microSite());
    addDeployment(site, 'tools', goodContainer({ resources: { requests: containerResources(BUDGET).requests } }));
    expect(gateErrors(site)).toEqual([
      'test-site/Raw: Deployment tools/raw container "worker" (spec.template.spec.containers[0]) has no resources.limits.cpu, resources.limits.memory; every container sets cpu and memory requests and limits (the tier budget by default) [policy resources]',
    ]);
  });

  test('WHEN an init container has no resources THEN it is reported too', () => {
    const site = buildSite(microSite());
    addDeployment(site, 'tools', goodContainer(), { initContainers: [goodContainer({ name: 'init', resources: undefined })] });
    expect(gateErrors(site)).toEqual([expect.stringContaining('container "init" (spec.template.spec.initContainers[0]) has no resources.requests.cpu, resources.requests.memory, resources.limits.cpu, resources.limits.memory')]);
  });
});

describe('policy gate rule: pinned images', () => {
  test('WHEN an image uses :latest THEN the gate refuses it', () => {
    const site = buildSite(microSite());
    addDeployment(site, 'tools', goodContainer({ image: 'nginx:latest' }));
    expect(gateErrors(site)).toEqual([
      'test-site/Raw: Deployment tools/raw container "worker" (spec.template.spec.containers[0]): image "nginx:latest" uses the "latest" tag; pin a version tag or a digest; edge nodes restart pods offline with imagePullPolicy IfNotPresent, so images are pinned [policy pinned-image]',
    ]);
  });

  test('WHEN an image has no tag THEN the gate refuses it', () => {
    const site = buildSite(microSite());
    addDeployment(site, 'tools', goodContainer({ image: 'registry.local:5000/tools/worker' }));
    expect(gateErrors(site)).toEqual([expect.stringContaining('image "registry.local:5000/tools/worker" has no tag; pin a version tag or a digest')]);
  });

  test('WHEN an image is pinned by digest THEN it passes', () => {
    const site = buildSite(microSite());
    addDeployment(site, 'tools', goodContainer({ image: `ghcr.io/acme/worker@sha256:${'a'.repeat(64)}` }));
    expect(gateErrors(site)).toEqual([]);
  });
});

describe('policy gate rule: no secret data', () => {
  test('WHEN a Secret carries data THEN the gate names its keys, never its values', () => {
    const site = buildSite(microSite());
    new k8s.KubeSecret(site, 'Token', { metadata: { name: 'api-token', namespace: 'edge-system' }, data: { token: 'c2VjcmV0' } });
    const errors = gateErrors(site);
    expect(errors).toEqual([
      'test-site/Token: Secret edge-system/api-token carries secret data in the output (keys: token); reference an existing Secret by name and key instead, never write values [policy secret-data]',
    ]);
    expect(errors.join('\n')).not.toContain('c2VjcmV0');
  });

  test('WHEN a Secret has no data (a placeholder a controller fills) THEN it passes', () => {
    const site = buildSite(microSite());
    new k8s.KubeSecret(site, 'Placeholder', { metadata: { name: 'filled-later', namespace: 'edge-system' }, type: 'kubernetes.io/tls' });
    expect(gateErrors(site)).toEqual([]);
  });
});

describe('policy gate rule: no wildcard RBAC for service accounts', () => {
  const subjects = [{ kind: 'ServiceAccount', name: 'worker', namespace: 'tools' }];

  test('WHEN a ServiceAccount is bound to a ClusterRole with a wildcard verb THEN the binding is reported', () => {
    const site = buildSite(microSite());
    new k8s.KubeClusterRole(site, 'Role', { metadata: { name: 'too-much' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] });
    new k8s.KubeClusterRoleBinding(site, 'Binding', { metadata: { name: 'too-much' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'too-much' }, subjects });
    expect(gateErrors(site)).toEqual([
      'test-site/Binding: ClusterRoleBinding too-much binds ServiceAccount tools/worker to ClusterRole too-much, which has a wildcard in rules[0].verbs; grant the API groups, resources and verbs it needs by name (least privilege) [policy rbac-wildcard]',
    ]);
  });

  test('WHEN a ServiceAccount is bound to cluster-admin THEN the binding is reported', () => {
    const site = buildSite(microSite());
    new k8s.KubeClusterRoleBinding(site, 'Admin', { metadata: { name: 'admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects });
    expect(gateErrors(site)).toEqual([expect.stringContaining('binds ServiceAccount tools/worker to ClusterRole cluster-admin, which is the built-in role granting every verb on every resource')]);
  });

  test('WHEN a RoleBinding points at a namespaced Role with wildcard resources THEN it is reported', () => {
    const site = buildSite(microSite());
    new k8s.KubeRole(site, 'Role', { metadata: { name: 'ns-all', namespace: 'tools' }, rules: [{ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }] });
    new k8s.KubeRoleBinding(site, 'Binding', { metadata: { name: 'ns-all', namespace: 'tools' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ns-all' }, subjects });
    expect(gateErrors(site)).toEqual([expect.stringMatching(/^test-site\/Binding: RoleBinding tools\/ns-all binds ServiceAccount tools\/worker to Role ns-all, which has a wildcard in rules\[0\]\.resources;/)]);
  });

  test('WHEN roles name their resources and verbs, or only users are bound THEN nothing is reported', () => {
    const site = buildSite(microSite());
    new k8s.KubeClusterRole(site, 'Named', { metadata: { name: 'named' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { nonResourceUrLs: ['/healthz/*'], verbs: ['get'] }] });
    new k8s.KubeClusterRoleBinding(site, 'NamedBinding', { metadata: { name: 'named' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'named' }, subjects });
    new k8s.KubeClusterRoleBinding(site, 'Humans', { metadata: { name: 'humans' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'platform-admins', apiGroup: 'rbac.authorization.k8s.io' }] });
    expect(gateErrors(site)).toEqual([]);
  });
});
