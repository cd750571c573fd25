import { MecService } from '../../lib/mec/mec-service';
import type { MecServiceOptions } from '../../lib/mec/mec-options';
import { readMecServices } from '../../lib/mec/private/read-mec-service';
import { MEC_SERVICES_COMPONENT } from '../../lib/mec/mec-component';
import { EdgeValidationError, resolveSiteSpec, SiteSpec } from '../../lib';
import { checkWorkloadPodSecurity, namespaceEnforceLevel } from '../../lib/core/policy/pod-security';
import { Problems } from '../../lib/core/validation/problems';
import { buildSite, findObject, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';
import { validateConstructs } from '../../lib/core/manifests';

/** A MEC site: a control-plane server and a GPU server next to the UPF. */
function mecSite(overrides: Partial<SiteSpec> = {}): SiteSpec {
  return {
    name: 'mec-site',
    tier: 'mec',
    region: 'cn-north',
    zone: 'cn-north-haidian',
    cluster: { serverUrl: 'https://10.88.0.10:6443' },
    nodes: [
      { name: 'mec-cp-01', role: 'server', capacity: { cpu: '16', memory: '64Gi' } },
      { name: 'mec-gpu-01', capacity: { cpu: '32', memory: '128Gi' }, labels: { 'node.kubernetes.io/mec': 'true' }, accelerator: { kind: 'nvidia-gpu', count: 2 } },
    ],
    ...overrides,
  };
}

/** The seed's cloud-gaming service. */
const GAMING: MecServiceOptions = {
  name: 'cloud-gaming',
  namespace: 'gaming',
  image: 'registry.example.com/mec/cloud-gaming:3.2.1',
  replicas: 2,
  qosClass: 'Delay-critical GBR',
  latencyBudget: '5ms',
  gpu: 1,
  ports: [{ name: 'http', port: 8080 }, { name: 'rtc', port: 5004, protocol: 'UDP' }],
  probes: { liveness: { http: { path: '/healthz', port: 'http' } }, readiness: { http: { path: '/ready', port: 'http' } } },
  resources: { requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '8', memory: '16Gi' } },
};

function objectsOf(options: Partial<MecServiceOptions> = {}, spec: Partial<SiteSpec> = {}): any[] {
  const site = buildSite(mecSite(spec));
  new MecService(site, 'Gaming', { ...GAMING, ...options });
  return synthObjects(site);
}

function problemsOf(options: Partial<MecServiceOptions>, spec: Partial<SiteSpec> = {}): string[] {
  try {
    objectsOf(options, spec);
  } catch (error) {
    if (error instanceof EdgeValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('MecService Deployment', () => {
  test('WHEN the service is added THEN its pods go to the MEC nodes of the region through the placement helper', () => {
    const spec = findObject(objectsOf(), 'Deployment', 'cloud-gaming', 'gaming').spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'node.kubernetes.io/mec': 'true', 'topology.kubernetes.io/region': 'cn-north', 'accelerator': 'nvidia-gpu', 'edge.tier': 'mec' });
    expect(spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Equal', value: 'mec', effect: 'NoSchedule' }]);
  });

  test('WHEN the service has replicas THEN they spread over zones with max skew 1, not scheduling when they cannot', () => {
    const spec = findObject(objectsOf(), 'Deployment', 'cloud-gaming', 'gaming').spec.template.spec;
    expect(spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'cloud-gaming' } },
    }]);
    expect(findObject(objectsOf({ zoneSpread: 'ScheduleAnyway' }), 'Deployment', 'cloud-gaming', 'gaming').spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable).toBe('ScheduleAnyway');
  });

  test('WHEN a GPU is asked for THEN the container has the resources from props and an nvidia.com/gpu limit', () => {
    const c = findObject(objectsOf(), 'Deployment', 'cloud-gaming', 'gaming').spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '4', memory: '8Gi' }, limits: { 'cpu': '8', 'memory': '16Gi', 'nvidia.com/gpu': 1 } });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'rtc', containerPort: 5004, protocol: 'UDP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  });

  test('WHEN no GPU is asked for THEN there is no GPU limit and no accelerator selector', () => {
    const spec = findObject(objectsOf({ gpu: undefined }), 'Deployment', 'cloud-gaming', 'gaming').spec.template.spec;
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(spec.nodeSelector.accelerator).toBeUndefined();
  });

  test('WHEN NET_ADMIN is not asked for THEN the pod meets restricted', () => {
    const objects = objectsOf();
    expect(checkWorkloadPodSecurity(findObject(objects, 'Deployment', 'cloud-gaming', 'gaming'), 'restricted', { version: '1.25' })).toEqual([]);
    expect(namespaceEnforceLevel(findObject(objects, 'Namespace', 'gaming'))).toBe('restricted');
  });

  test('WHEN NET_ADMIN is asked for THEN only that capability is added, as a documented exception of a privileged namespace', () => {
    const objects = objectsOf({ netAdmin: true });
    const deployment = findObject(objects, 'Deployment', 'cloud-gaming', 'gaming');
    expect(deployment.spec.template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_ADMIN'] });
    expect(deployment.metadata.annotations['edge.cdk8s.io/pss-exception']).toMatch(/NET_ADMIN/);
    const ns = findObject(objects, 'Namespace', 'gaming');
    expect(namespaceEnforceLevel(ns)).toBe('privileged');
    expect(ns.metadata.annotations['edge.cdk8s.io/pss-exception']).toMatch(/NET_ADMIN/);
    expect(checkWorkloadPodSecurity(deployment, 'baseline', { version: '1.25' }).map((v) => v.control)).toEqual(['Capabilities']);
  });

  test('WHEN the service is added THEN the capacity check sees its replicas on the MEC node', () => {
    const site = buildSite(mecSite());
    new MecService(site, 'Gaming', GAMING);
    expect(site.workloadDemands.find((d) => d.description === 'Deployment gaming/cloud-gaming')).toMatchObject({
      replicas: 2, cpuMillis: 4000, nodeLabels: { 'node.kubernetes.io/mec': 'true', 'accelerator': 'nvidia-gpu' },
    });
    expect(validateConstructs(site)).toEqual([]);
  });

  test('WHEN the replicas do not fit the MEC node THEN the site capacity check names the node', () => {
    const site = buildSite(mecSite());
    new MecService(site, 'Gaming', { ...GAMING, gpu: undefined, replicas: 2, resources: { requests: { cpu: '20', memory: '8Gi' }, limits: { cpu: '20', memory: '16Gi' } } });
    expect(validateConstructs(site).map((p) => p.message)).toEqual([expect.stringMatching(/Deployment gaming\/cloud-gaming .* replica 2 of 2 does not fit .*mec-gpu-01 has cpu 11300m/)]);
  });
});

describe('MecService Service and PodDisruptionBudget', () => {
  test('WHEN the service is added THEN a LoadBalancer with Local traffic policy exposes mixed TCP and UDP ports and the MEC annotations', () => {
    const service = findObject(objectsOf(), 'Service', 'cloud-gaming', 'gaming');
    expect(service.metadata.annotations).toEqual({ 'mec.5g.io/upf-breakout': 'true', 'mec.5g.io/qos-class': 'Delay-critical GBR', 'mec.5g.io/latency-budget': '5ms' });
    expect(service.spec).toEqual({
      type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { 'app.kubernetes.io/name': 'cloud-gaming' },
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }, { name: 'rtc', port: 5004, targetPort: 'rtc', protocol: 'UDP' }],
    });
  });

  test('WHEN the UPF does not break out locally THEN the annotation says false', () => {
    expect(findObject(objectsOf({ upfBreakout: false }), 'Service', 'cloud-gaming', 'gaming').metadata.annotations['mec.5g.io/upf-breakout']).toBe('false');
  });

  test('WHEN there are two replicas THEN a PodDisruptionBudget keeps one, and one replica has none', () => {
    expect(findObject(objectsOf(), 'PodDisruptionBudget', 'cloud-gaming', 'gaming').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'cloud-gaming' } } });
    expect(objectsOf({ replicas: 1 }).some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });
});

describe('MecService validation', () => {
  const AT = 'mec-site/Gaming';
  test.each<[string, Partial<MecServiceOptions>, Partial<SiteSpec>, string]>([
    ['the latency budget does not parse', { latencyBudget: 'fast' }, {}, `${AT}.latencyBudget: "fast" is not a positive latency budget`],
    ['the latency budget is zero', { latencyBudget: '0ms' }, {}, `${AT}.latencyBudget: "0ms" is not a positive latency budget`],
    ['the QoS class is unknown', { qosClass: 'Best-effort' as any }, {}, `${AT}.qosClass: "Best-effort" is not one of GBR, Non-GBR, Delay-critical GBR`],
    ['replicas are zero', { replicas: 0 }, {}, `${AT}.replicas: must be a whole number >= 1, got 0`],
    ['an HTTP probe targets a named UDP port', { probes: { liveness: { http: { path: '/', port: 'rtc' } } } }, {},
      `${AT}.probes.liveness: probes port "rtc", which is UDP; http and tcp probes need a TCP port`],
    ['an HTTP probe targets a UDP port number', { probes: { readiness: { http: { path: '/', port: 5004 } } } }, {},
      `${AT}.probes.readiness: probes port 5004, which is UDP; http and tcp probes need a TCP port`],
    ['there is no port', { ports: [], probes: { liveness: { exec: ['true'] }, readiness: { exec: ['true'] } } }, {},
      `${AT}.ports: must list at least one port: the LoadBalancer Service exposes them`],
    ['the GPU count is not a whole number', { gpu: 1.5 }, {}, `${AT}.gpu: must be a whole number of GPUs >= 1, got 1.5`],
    ['the replicas need more GPUs than the MEC nodes have', { replicas: 3 }, {}, `${AT}.gpu: 3 replicas × 1 GPUs need 3, but the MEC nodes have 2`],
    ['a pod needs more GPUs than any node has', { gpu: 4, replicas: 1 }, {}, `${AT}.gpu: 4 GPUs per pod, but the MEC node with the most has 2`],
    ['the site has no MEC node', {}, { nodes: [{ name: 'plain', capacity: { cpu: '16', memory: '64Gi' } }], cluster: {} },
      `${AT}: site mec-site has no MEC node of tier mec (a node labelled node.kubernetes.io/mec: "true") to run the service`],
    ['the zone spread policy is unknown', { zoneSpread: 'Maybe' as any }, {}, `${AT}.zoneSpread: "Maybe" is not one of DoNotSchedule, ScheduleAnyway`],
    ['the image is not pinned', { image: 'registry.example.com/mec/cloud-gaming' }, {}, `${AT}.image: image "registry.example.com/mec/cloud-gaming" has no tag`],
  ])('WHEN %s THEN the constructor reports it at its path', (_what, options, spec, expected) => {
    const problems = problemsOf(options, spec);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });
});

describe('components.mecServices in the inventory', () => {
  const site = resolveSiteSpec(mecSite());
  const PATH = 'sites[0].components.mecServices';

  function read(value: unknown): { options: unknown; problems: string[] } {
    const problems = new Problems();
    const options = readMecServices(value, PATH, problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  }

  test('WHEN a service has an unknown key THEN it is reported at its inventory path', () => {
    expect(read([{ ...GAMING, latencyBugdet: '5ms' }]).problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^sites\[0\]\.components\.mecServices\[0\]\.latencyBugdet: unknown key; allowed keys here: name, namespace, image/),
    ]));
  });

  test('WHEN a shared EdgeApp option is wrong THEN EdgeApp\'s reader reports it at the inventory path', () => {
    expect(read([{ ...GAMING, ports: [{ name: 'http', port: 'eighty' }] }]).problems).toContain(`${PATH}[0].ports[0].port: must be a whole number from 1 to 65535, got "eighty"`);
  });

  test('WHEN a MEC rule is broken THEN it is reported at the inventory path', () => {
    expect(read([{ ...GAMING, latencyBudget: '-5ms' }]).problems).toEqual([`${PATH}[0].latencyBudget: "-5ms" is not a positive latency budget (a duration such as 90s, 5m, 1h30m or 24h, e.g. 5ms)`]);
  });

  test('WHEN two services share a name THEN the second is reported', () => {
    expect(read([GAMING, { ...GAMING, replicas: 1 }]).problems).toContain(`${PATH}[1].name: MEC service gaming/cloud-gaming is already defined at ${PATH}[0]`);
  });

  test('WHEN the reader reads its own output again THEN it gets the same services and no problem', () => {
    const first = read([{ ...GAMING, netAdmin: true, upfBreakout: false, zoneSpread: 'ScheduleAnyway', tier: 'mec' }]);
    expect(first.problems).toEqual([]);
    expect(read(first.options)).toEqual(first);
  });

  test('WHEN the component builds a site THEN each service is a MecService', () => {
    const built = buildSite(mecSite());
    MEC_SERVICES_COMPONENT.build(built, [GAMING]);
    expect(findObject(synthObjects(built), 'Service', 'cloud-gaming', 'gaming').spec.type).toBe('LoadBalancer');
  });
});

describeWithSchemas('MecService conformance', () => {
  for (const version of ['1.25', '1.32'] as const) {
    test(`WHEN the service is synthesized for Kubernetes ${version} THEN every object passes the strict schemas`, () => {
      const objects = objectsOf({ netAdmin: true }, { kubernetesVersion: version });
      expect(validateObjects(objects, conformanceValidators())).toEqual([]);
    });
  }

  test('WHEN the pods are checked THEN each meets the level its namespace enforces', () => {
    for (const netAdmin of [false, true]) {
      const objects = objectsOf({ netAdmin });
      const level = namespaceEnforceLevel(findObject(objects, 'Namespace', 'gaming'))!;
      expect(checkWorkloadPodSecurity(findObject(objects, 'Deployment', 'cloud-gaming', 'gaming'), level, { version: '1.25' })).toEqual([]);
    }
  });
});
requireSchemasInCi();
