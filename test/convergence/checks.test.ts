import { checkSharedControlPlane, sharedControlPlaneFootprint } from '../../lib/convergence/check-shared-control-plane';
import { checkConvergence, ConvergenceInputs, modelNodesOf } from '../../lib/convergence/convergence';
import { resolveSiteSpec, SiteSpec } from '../../lib';
import { hubAlertGroups } from '../../lib/monitoring/alert-evaluation';
import { buildSite, microSite, synthObjects } from '../support/fixtures';

// One failing fixture per check, asserting its message, and the passing case beside it.

function stack(releases: Record<string, { chart: string; version: string; namespace?: string; values?: unknown }>): string {
  const helm_release = Object.fromEntries(Object.entries(releases).map(([key, r]) => [key, {
    chart: r.chart, version: r.version, namespace: r.namespace ?? key, create_namespace: true, values: r.values ? [JSON.stringify(r.values)] : [],
  }]));
  return JSON.stringify({ resource: { helm_release } });
}

const CERT_MANAGER = { 'cert-manager': { chart: 'cert-manager', version: 'v1.19.1', values: { crds: { enabled: true } } } };

function converge(objects: any[], options: Partial<ConvergenceInputs> & { site?: Partial<SiteSpec> } = {}) {
  const spec = resolveSiteSpec(microSite(options.site));
  return checkConvergence({
    spec, demands: [], siteImages: [], objects: objects.map((object, i) => ({ path: `test-site/Object${i}`, object })), ...options,
  });
}

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const deployment = (name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = { app: name }) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'apps' },
  spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image: `ghcr.io/acme/${name}:1.0.0` }], ...spec } } },
});
const problemsOf = (report: ReturnType<typeof converge>, check: string) => report.verdicts.find((v) => v.check === check)!.problems.map((p) => p.message);

describe('served', () => {
  test('WHEN a site writes a kind no CRD of its cluster serves THEN the check fails naming what would serve it', () => {
    const report = converge([{ apiVersion: 'upgrade.cattle.io/v1', kind: 'Plan', metadata: { name: 'k3s', namespace: 'system-upgrade' } }]);
    expect(problemsOf(report, 'served')).toEqual([expect.stringContaining('Plan system-upgrade/k3s: upgrade.cattle.io/v1 Plan is not served by the cluster (k3s, Kubernetes 1.30')]);
    expect(problemsOf(report, 'served')[0]).toContain('add the chart that installs it, or declare the CRD under prerequisites');
  });

  test('WHEN the chart serves the kind at another version THEN the check names the versions served', () => {
    const report = converge([{ apiVersion: 'cert-manager.io/v1alpha2', kind: 'Certificate', metadata: { name: 'c', namespace: 'apps' } }], { siteStack: stack(CERT_MANAGER) });
    expect(problemsOf(report, 'served')[0]).toContain('the cluster serves Certificate only as cert-manager.io/v1 (release cert-manager (cert-manager v1.19.1))');
  });

  test('WHEN cert-manager is installed without its CRDs THEN Certificates are not served', () => {
    const report = converge([{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'apps' } }],
      { siteStack: stack({ 'cert-manager': { chart: 'cert-manager', version: 'v1.19.1' } }) });
    expect(problemsOf(report, 'served')[0]).toContain('cert-manager.io/v1 Certificate is not served');
  });

  test('WHEN a chart version has no recorded facts THEN the check says so at the stack', () => {
    const report = converge([], { siteStack: stack({ 'cert-manager': { chart: 'cert-manager', version: 'v1.0.0' } }) });
    expect(report.problems).toEqual([{ path: 'test-site/terraform', message: expect.stringContaining('chart cert-manager v1.0.0 has no recorded upstream facts (CRDs, images), so what it installs cannot be proven; recorded versions: v1.19.1, v1.21.1') }]);
  });

  test('WHEN a beta version of a built-in kind is written THEN it is not counted as served', () => {
    const report = converge([{ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'apps' } }]);
    expect(problemsOf(report, 'served')[0]).toContain('autoscaling/v2beta2 HorizontalPodAutoscaler is not served');
  });
});

describe('controllers', () => {
  const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'apps' }, spec: { secretName: 'c-tls', issuerRef: { name: 'ca', kind: 'ClusterIssuer' } } };
  const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'ca' }, spec: { selfSigned: {} } };

  test('WHEN the CRD is declared but its controller does not run THEN the check names the controller', () => {
    const report = converge([ns('apps'), certificate, issuer], { site: { prerequisites: [{ kind: 'CustomResourceDefinition', name: 'certificates.cert-manager.io', reason: 'test' }] } });
    expect(problemsOf(report, 'controllers')).toEqual([]);
    const withoutDeclaration = converge([ns('apps'), certificate], { siteStack: stack({ 'cert-manager': { chart: 'cert-manager', version: 'v1.19.1', values: { crds: { enabled: true }, cainjector: { enabled: false } } } }) });
    expect(problemsOf(withoutDeclaration, 'controllers')).toEqual([]);
  });

  test('WHEN a ServiceMonitor has the operator but no Prometheus selects it THEN the check fails', () => {
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'm', namespace: 'apps', labels: { release: 'other' } }, spec: {} };
    const operatorOnly = stack({ 'kube-prometheus-stack': { chart: 'kube-prometheus-stack', version: '88.5.3', namespace: 'monitoring', values: { prometheus: { enabled: false } } } });
    expect(problemsOf(converge([ns('apps'), monitor], { siteStack: operatorOnly }), 'controllers'))
      .toEqual(['ServiceMonitor apps/m: no Prometheus scrapes its targets; the cluster runs no operator-managed Prometheus']);
    const withPrometheus = stack({ 'kube-prometheus-stack': { chart: 'kube-prometheus-stack', version: '88.5.3', namespace: 'monitoring' } });
    expect(problemsOf(converge([ns('apps'), monitor], { siteStack: withPrometheus }), 'controllers')[0])
      .toContain('the cluster\'s kube-prometheus-stack\'s Prometheus (release kube-prometheus-stack) do not select it');
    const selected = { ...monitor, metadata: { ...monitor.metadata, labels: { release: 'kube-prometheus-stack' } } };
    expect(problemsOf(converge([ns('apps'), selected], { siteStack: withPrometheus }), 'controllers')).toEqual([]);
  });

  test('WHEN no controller runs for a served custom resource THEN the check names what would provide it', () => {
    const plan = { apiVersion: 'upgrade.cattle.io/v1', kind: 'Plan', metadata: { name: 'k3s', namespace: 'apps' } };
    const report = converge([ns('apps'), plan], { site: { prerequisites: [] } , siteStack: undefined });
    expect(problemsOf(report, 'controllers')).toEqual(['Plan apps/k3s: nothing acts on it: system-upgrade-controller (system-upgrade-controller) does not run on the cluster']);
  });

  test('WHEN a KubeEdge Device has no mapper for its protocol THEN the check fails', () => {
    const device = { apiVersion: 'devices.kubeedge.io/v1beta1', kind: 'Device', metadata: { name: 'd', namespace: 'apps' }, spec: { protocol: { protocolName: 'modbus' } } };
    const cloudcore = stack({ cloudcore: { chart: 'cloudcore', version: '1.21.0' } });
    const report = converge([ns('apps'), device], { siteStack: cloudcore });
    expect(problemsOf(report, 'controllers')).toEqual([expect.stringContaining('Device apps/d: no modbus mapper runs on the cluster (a workload whose pods carry edge.cdk8s.io/mapper-protocol: modbus)')]);
    const mapper = deployment('modbus-mapper', {}, { app: 'modbus-mapper', 'edge.cdk8s.io/mapper-protocol': 'modbus' });
    expect(problemsOf(converge([ns('apps'), device, mapper], { siteStack: cloudcore }), 'controllers')).toEqual([]);
  });
});

describe('alert evaluation', () => {
  const monitoring = { remoteWrite: { url: 'https://metrics.example.com/api/v1/write', bearerTokenSecret: { secretName: 'rw', key: 'token' } } };
  const vmalert = (groups: readonly unknown[]) => stack({ vmalert: { chart: 'victoria-metrics-alert', version: '0.47.0', values: { server: { config: { alerts: { groups } } } } } });
  const custom = { ...monitoring, alerts: { cpuPercent: 70 } };

  test('WHEN no hub vmalert group selects an agent-mode site THEN the check fails; a group that selects it resolves it', () => {
    const site = { components: { monitoring } };
    expect(problemsOf(converge([], { site }), 'controllers')).toEqual(['the alerts of an agent-mode site are evaluated at the hub, but no rule group of a hub vmalert selects site test-site: give the fleet\'s terraform.hub a metricsReceiver, or run monitoring in mode server']);
    // The common group leaves out the sites of other thresholds, test-site among them here; its own group is missing.
    const [common] = hubAlertGroups([{ name: 'a', monitoring }, { name: 'b', monitoring }, { name: 'test-site', monitoring: custom }]);
    expect(problemsOf(converge([], { site, hubStack: vmalert([common]) }), 'controllers')).toHaveLength(1);
    expect(problemsOf(converge([], { site, hubStack: vmalert(hubAlertGroups([{ name: 'a', monitoring }, { name: 'b', monitoring }, { name: 'test-site', monitoring: custom }])) }), 'controllers')).toEqual([]);
    expect(problemsOf(converge([], { site, hubStack: vmalert(hubAlertGroups([{ name: 'test-site', monitoring }])) }), 'controllers')).toEqual([]);
  });

  test('WHEN a server-mode site evaluates its own alerts THEN it needs no hub', () => {
    expect(problemsOf(converge([], { site: { components: { monitoring: { ...monitoring, mode: 'server' } } } }), 'controllers')).toEqual([]);
  });
});

describe('references', () => {
  test('WHEN a pod reads a Secret nobody provides THEN the check fails; a declared prerequisite resolves it', () => {
    const app = deployment('api', {}, { app: 'api' });
    app.spec.template.spec.containers[0] = { ...app.spec.template.spec.containers[0], env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } }] } as any;
    expect(problemsOf(converge([ns('apps'), app]), 'references'))
      .toEqual(['Deployment apps/api: spec.template.spec.containers[0].env.TOKEN refers to Secret apps/api-token, which neither the site, the platform layer nor a declared prerequisite provides']);
    const declared = converge([ns('apps'), app], { site: { prerequisites: [{ kind: 'Secret', namespace: 'apps', name: 'api-token', reason: 'issued by the fleet vault' }] } });
    expect(problemsOf(declared, 'references')).toEqual([]);
  });

  test('WHEN a hub-joined site declares a Secret in monitoring THEN it is the Secret of its own monitoring namespace', () => {
    const site = {
      cluster: { flavor: 'openyurt' as const, serverUrl: 'https://hub.example.com:6443' }, nodes: [{ name: 'node-1', runtime: 'kubelet' as const, capacity: { cpu: '4', memory: '4Gi' } }],
      prerequisites: [{ kind: 'Secret', namespace: 'monitoring', name: 'rw', reason: 'the fleet secret store' }],
    };
    const reader = (namespace: string) => {
      const app = { ...deployment('agent'), metadata: { name: 'agent', namespace } };
      (app.spec.template.spec.containers[0] as any).env = [{ name: 'T', valueFrom: { secretKeyRef: { name: 'rw', key: 't' } } }];
      return [ns(namespace), app];
    };
    expect(problemsOf(converge(reader('test-site-monitoring'), { site }), 'references')).toEqual([]);
    expect(problemsOf(converge(reader('monitoring'), { site }), 'references')).toEqual([expect.stringContaining('refers to Secret monitoring/rw')]);
  });

  test('WHEN an object lives in a namespace nothing creates THEN the check fails', () => {
    expect(problemsOf(converge([deployment('api')]), 'references')).toEqual(['Deployment apps/api: metadata.namespace refers to Namespace apps, which neither the site, the platform layer nor a declared prerequisite provides']);
  });

  test('WHEN a Service selects no pod THEN the check fails', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'apps' }, spec: { selector: { app: 'missing' }, ports: [{ port: 80 }] } };
    expect(problemsOf(converge([ns('apps'), deployment('api'), service]), 'references')).toEqual(['Service apps/s: spec.selector {"app":"missing"} selects no pod template of the site in namespace apps']);
  });

  test('WHEN a claim names a StorageClass the cluster lacks THEN the check fails; k3s\'s local-path resolves', () => {
    const claim = (storageClassName: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'apps' }, spec: { storageClassName } });
    expect(problemsOf(converge([ns('apps'), claim('fast-ssd')]), 'references')[0]).toContain('spec.storageClassName refers to StorageClass fast-ssd');
    expect(problemsOf(converge([ns('apps'), claim('local-path')]), 'references')).toEqual([]);
    expect(problemsOf(converge([ns('apps'), claim('local-path')], { site: { cluster: { disable: ['local-storage'] } } }), 'references')[0]).toContain('StorageClass local-path');
  });

  test('WHEN an HPA scales on a custom metric and no adapter serves it THEN the check fails', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'api', namespace: 'apps' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 3, metrics: [{ type: 'Pods', pods: { metric: { name: 'queue_length' }, target: { type: 'AverageValue', averageValue: '5' } } }] },
    };
    expect(problemsOf(converge([ns('apps'), deployment('api'), hpa]), 'references'))
      .toEqual(['HorizontalPodAutoscaler apps/api: its metrics need the custom.metrics.k8s.io API, which nothing on the cluster serves; prometheus-adapter with a rule for the metric would']);
    const adapter = (as: string) => stack({ adapter: { chart: 'prometheus-adapter', version: '5.3.0', values: { rules: { custom: [{ seriesQuery: as, name: { as } }] } } } });
    expect(problemsOf(converge([ns('apps'), deployment('api'), hpa], { siteStack: adapter('other_metric') }), 'references'))
      .toEqual(['HorizontalPodAutoscaler apps/api: metric queue_length is not exposed by prometheus-adapter (release adapter): no rule under rules.custom/rules.external names it']);
    expect(problemsOf(converge([ns('apps'), deployment('api'), hpa], { siteStack: adapter('queue_length') }), 'references')).toEqual([]);
  });
});

describe('namespaces', () => {
  test('WHEN the site folder writes a namespace a platform release creates THEN the check fails naming the release', () => {
    const report = converge([ns('cert-manager')], { siteStack: stack(CERT_MANAGER) });
    expect(problemsOf(report, 'namespaces')).toEqual([expect.stringContaining('Namespace "cert-manager" is also created by the Terraform release "cert-manager" (terraform/test-site/cdk.tf.json)')]);
    expect(problemsOf(converge([ns('apps')], { siteStack: stack(CERT_MANAGER) }), 'namespaces')).toEqual([]);
  });
});

describe('scheduling', () => {
  test('WHEN a pod selects labels no node has THEN the check fails naming each node\'s reason', () => {
    const app = deployment('api', { nodeSelector: { 'edge.tier': 'mec' } });
    expect(problemsOf(converge([ns('apps'), app]), 'scheduling')).toEqual(['Deployment apps/api: no node of the site can run its pods (node-1: nodeSelector edge.tier=mec does not match)']);
  });

  test('WHEN a pod does not tolerate an agent\'s edge taint THEN it cannot run there', () => {
    const site = { cluster: { serverUrl: 'https://10.0.0.10:6443' }, nodes: [{ name: 'server', role: 'server' as const, capacity: { cpu: '4', memory: '4Gi' } }, { name: 'agent', capacity: { cpu: '4', memory: '4Gi' } }] };
    const app = deployment('api', { nodeName: 'agent' });
    expect(problemsOf(converge([ns('apps'), app], { site }), 'scheduling')[0]).toContain('agent: taint node-role.kubernetes.io/edge=micro:NoSchedule is not tolerated');
  });

  test('WHEN a pod requests a GPU and no device plugin runs THEN the check fails', () => {
    const app = deployment('infer');
    (app.spec.template.spec.containers[0] as any).resources = { limits: { 'nvidia.com/gpu': 1 } };
    const site = { nodes: [{ name: 'node-1', capacity: { cpu: '4', memory: '4Gi' }, accelerator: { kind: 'nvidia-gpu' as const } }] };
    expect(problemsOf(converge([ns('apps'), app], { site }), 'scheduling')).toEqual(['Deployment apps/infer: no node of the site can run its pods (node-1: requests nvidia.com/gpu, which no device plugin on the cluster advertises)']);
    const plugin = stack({ gpu: { chart: 'nvidia-device-plugin', version: '0.20.0' } });
    expect(problemsOf(converge([ns('apps'), app], { site, siteStack: plugin }), 'scheduling')).toEqual([]);
  });

  test('WHEN hand-written pods do not fit the nodes THEN capacity counts them', () => {
    const app = deployment('big');
    app.spec.replicas = 3;
    (app.spec.template.spec.containers[0] as any).resources = { requests: { cpu: '2', memory: '1Gi' } };
    expect(problemsOf(converge([ns('apps'), app]), 'scheduling')).toEqual(expect.arrayContaining([expect.stringContaining('Deployment apps/big: replicas 2-3 of 3 do not fit')]));
  });
});

describe('images', () => {
  test('WHEN the air-gap list lacks an image the site pulls THEN the check fails', () => {
    const report = converge([], { siteImages: ['ghcr.io/acme/api:1.0.0'], imageList: [] });
    expect(problemsOf(report, 'images')).toEqual(['nodes/test-site/images.txt lacks images the site pulls: ghcr.io/acme/api:1.0.0']);
  });

  test('WHEN the list is left to the model THEN it holds the platform layer\'s images too', () => {
    const report = converge([], { siteImages: ['ghcr.io/acme/api:1.0.0'], siteStack: stack(CERT_MANAGER) });
    expect(report.imageList).toEqual(expect.arrayContaining(['ghcr.io/acme/api:1.0.0', 'quay.io/jetstack/cert-manager-controller:v1.19.1']));
    expect(problemsOf(report, 'images')).toEqual([]);
  });

  test('WHEN an air-gapped site\'s platform layer pulls from a registry no mirror serves THEN the check fails at the stack', () => {
    const site = { cluster: { airGap: true }, registryMirror: { endpoint: 'https://mirror.local:5000', registries: ['ghcr.io'] } };
    const report = converge([], { site, siteStack: stack({ gpu: { chart: 'nvidia-device-plugin', version: '0.20.0' } }) });
    expect(report.verdicts.find((v) => v.check === 'images')!.problems).toEqual([{
      path: 'test-site/terraform',
      message: 'air-gapped site test-site runs image "nvcr.io/nvidia/k8s-device-plugin:v0.20.0" from nvcr.io, which no registry mirror of node-1 serves (mirrored: ghcr.io); '
        + 'add nvcr.io (or "*") to registryMirror.registries, or pull the image from a registry inside the site (the platform layer pulls it)',
    }]);
    const mirrored = { ...site, registryMirror: { ...site.registryMirror, registries: ['ghcr.io', 'nvcr.io'] } };
    expect(problemsOf(converge([], { site: mirrored, siteStack: stack({ gpu: { chart: 'nvidia-device-plugin', version: '0.20.0' } }) }), 'images')).toEqual([]);
  });
});

describe('shared control plane', () => {
  const hubSite = (name: string) => resolveSiteSpec({
    name, tier: 'micro', cluster: { flavor: 'openyurt', serverUrl: 'https://hub.example.com:6443' },
    nodes: [{ name: `${name}-n1`, runtime: 'kubelet', capacity: { cpu: '4', memory: '4Gi' } }],
  });
  const daemonSet = (selector: Record<string, string>) => ({
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'monitoring' },
    spec: { template: { spec: { nodeSelector: selector, tolerations: [{ operator: 'Exists' }], containers: [] } } },
  });

  test('WHEN two sites that join the hub write the same object THEN the fleet check fails', () => {
    const a = hubSite('site-a');
    const b = hubSite('site-b');
    const footprints = [a, b].map((spec) => sharedControlPlaneFootprint(spec.name, [{ path: `${spec.name}/Agent`, object: daemonSet({ 'edge.site': spec.name }) }], modelNodesOf(spec)));
    expect(checkSharedControlPlane(footprints)).toEqual([{ path: 'site-b/Agent', message: 'DaemonSet monitoring/agent is also written by site site-a, which shares the hub\'s control plane: the two GitOps bundles would fight over one object' }]);
  });

  test('WHEN two sites of the shared control plane both make a PriorityClass the default THEN the fleet check fails', () => {
    const priorityClass = (name: string) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: 1000, globalDefault: true });
    const footprints = ['site-a', 'site-b'].map((name) => sharedControlPlaneFootprint(name, [{ path: `${name}/Normal`, object: priorityClass(`${name}-edge-normal`) }], modelNodesOf(hubSite(name))));
    expect(checkSharedControlPlane(footprints)).toEqual([{
      path: 'site-b/Normal',
      message: 'PriorityClass site-b-edge-normal is the cluster\'s default priority, and so is PriorityClass site-a-edge-normal of site site-a on the same control plane: Kubernetes admits only one default PriorityClass',
    }]);
  });

  test('WHEN a site joins the hub THEN its PriorityClasses do not claim the cluster default', () => {
    const objects = synthObjects(buildSite(hubSite('site-a'))).filter((o) => o.kind === 'PriorityClass');
    expect(objects.map((o) => [o.metadata.name, o.globalDefault])).toEqual([['site-a-edge-critical', false], ['site-a-edge-normal', false]]);
    expect(synthObjects(buildSite(microSite())).filter((o) => o.kind === 'PriorityClass').map((o) => o.globalDefault)).toEqual([false, true]);
  });

  test('WHEN a DaemonSet of one site selects no site THEN it would run on the other sites\' nodes', () => {
    const a = hubSite('site-a');
    const b = hubSite('site-b');
    const footprints = [
      sharedControlPlaneFootprint('site-a', [{ path: 'site-a/Agent', object: { ...daemonSet({}), metadata: { name: 'agent-a', namespace: 'monitoring' } } }], modelNodesOf(a)),
      sharedControlPlaneFootprint('site-b', [], modelNodesOf(b)),
    ];
    expect(checkSharedControlPlane(footprints)).toEqual([{ path: 'site-a/Agent', message: 'DaemonSet monitoring/agent-a would also run on nodes of other sites of the shared control plane: site-b/site-b-n1; select the site\'s own nodes (edge.site)' }]);
  });
});
