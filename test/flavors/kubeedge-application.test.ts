import { checkWorkloadPodSecurity, EdgeValidationError, NodeSpec, resolveSiteSpec, SiteSpec } from '../../lib';
import { KubeEdgeApplication } from '../../lib/flavors/kubeedge-application';
import { EDGE_APPLICATIONS_COMPONENT } from '../../lib/flavors/flavor-components';
import type { KubeEdgeApplicationOptions } from '../../lib/flavors/spread-options';
import { Problems } from '../../lib/core/validation/problems';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({ name, capacity: { cpu: '4', memory: '8Gi' }, ...extra });
const kubeEdge: SiteSpec = microSite({
  cluster: { flavor: 'kubeedge', serverUrl: 'https://10.0.0.1:6443', kubeEdge: { cloudCoreAddress: 'cloudcore.example.com' } },
  nodes: [node('cp', { role: 'server' }), node('e1'), node('e2'), node('m1', { tier: 'mini' }), node('cloud-worker', { runtime: 'k3s' })],
});
const sensor: KubeEdgeApplicationOptions = {
  name: 'sensor-gateway', namespace: 'devices', image: 'ghcr.io/acme/sensor-gateway:0.9.1', ports: [{ name: 'mqtt', port: 1883 }],
  env: { MODE: 'edge' }, groups: [{ tier: 'micro', replicas: 2 }, { tier: 'mini', replicas: 1 }],
};

function build(options: KubeEdgeApplicationOptions = sensor, spec: SiteSpec = kubeEdge) {
  const site = buildSite(spec);
  new KubeEdgeApplication(site, 'Sensor', options);
  return { site, objects: synthObjects(site) };
}
const application = (objects: any[]) => findObject(objects, 'EdgeApplication', 'sensor-gateway', 'devices');

describe('KubeEdgeApplication', () => {
  test('WHEN a workload is spread over two node groups THEN each group is a target with its own replicas', () => {
    expect(application(build().objects).spec.workloadScope).toEqual({
      targetNodeGroups: [
        { name: 'test-site-micro', overriders: { replicas: 2 } },
        { name: 'test-site-mini', overriders: { replicas: 1 } },
      ],
    });
  });

  test('WHEN the template is built THEN it is one complete Deployment manifest, restricted, placed on the groups\' tiers', () => {
    const [manifest] = application(build().objects).spec.workloadTemplate.manifests;
    expect(manifest).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'sensor-gateway', namespace: 'devices' } });
    expect(manifest.spec.template.spec.containers[0].env).toEqual([{ name: 'MODE', value: 'edge' }]);
    expect(manifest.spec.template.spec.tolerations.map((t: any) => t.value)).toEqual(['micro', 'mini']);
    expect(checkWorkloadPodSecurity(manifest, 'restricted', { version: '1.25' })).toEqual([]);
  });

  test('WHEN the workload is built THEN each group\'s pods are counted on that group\'s EdgeCore nodes', () => {
    const demands = build().site.workloadDemands.filter((d) => d.description.startsWith('EdgeApplication'));
    expect(demands.map((d) => [d.nodeLabels, d.replicas])).toEqual([
      [{ 'apps.kubeedge.io/belonging-to': 'test-site-micro' }, 2],
      [{ 'apps.kubeedge.io/belonging-to': 'test-site-mini' }, 1],
    ]);
  });

  test('WHEN a group is asked for more than its EdgeCore nodes hold THEN the site does not validate, even with room on the cloud side', () => {
    const site = buildSite(kubeEdge);
    new KubeEdgeApplication(site, 'Sensor', { ...sensor, resources: { requests: { cpu: '3', memory: '1Gi' } }, groups: [{ tier: 'micro', replicas: 3 }] });
    expect(site.node.validate().join('\n')).toMatch(/EdgeApplication devices\/sensor-gateway in test-site-micro/);
  });

  test.each([
    ['the site does not run KubeEdge', {}, microSite(), 'test-site/Sensor: an EdgeApplication needs cluster.flavor kubeedge; site test-site runs k3s'],
    ['a group of a tier without EdgeCore nodes', { groups: [{ tier: 'standard' as const, replicas: 1 }] }, kubeEdge, 'test-site/Sensor.groups[0].tier: site test-site has no node group of tier standard; its groups: micro, mini'],
    ['replicas on the template', { replicas: 2 }, kubeEdge, 'test-site/Sensor.replicas: is given per node group: set replicas under groups'],
  ])('WHEN an EdgeApplication has %s THEN the constructor names the problem and its path', (_what, options, spec, expected) => {
    expect(() => build({ ...sensor, ...options } as KubeEdgeApplicationOptions, spec)).toThrow(EdgeValidationError);
    expect(() => build({ ...sensor, ...options } as KubeEdgeApplicationOptions, spec)).toThrow(expected);
  });
});

describe('components.edgeApplications', () => {
  const read = (value: unknown) => {
    const problems = new Problems();
    const options = EDGE_APPLICATIONS_COMPONENT.read(value, 'sites[0].components.edgeApplications', problems, resolveSiteSpec(kubeEdge));
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  };

  test('WHEN the inventory lists a spread workload THEN it is read into the construct\'s options, and read again unchanged', () => {
    const first = read([sensor]);
    expect(first).toEqual({ options: [sensor], problems: [] });
    expect(read(first.options)).toEqual(first);
  });

  test('WHEN the inventory names no groups THEN the problem names its inventory path', () => {
    expect(read([{ ...sensor, groups: undefined }]).problems).toEqual(['sites[0].components.edgeApplications[0].groups: is required: the groups it runs in, each with tier and replicas']);
  });

  test('WHEN the component builds a site THEN the EdgeApplication is there', () => {
    const built = buildSite(kubeEdge);
    EDGE_APPLICATIONS_COMPONENT.build(built, [sensor]);
    expect(synthObjects(built).filter((o) => o.kind === 'EdgeApplication').map((o) => o.metadata.name)).toEqual(['sensor-gateway']);
  });
});

describeWithSchemas('KubeEdgeApplication conformance', () => {
  test('WHEN the workload is synthesized THEN the EdgeApplication is valid against its CRD, and its manifest against the Deployment schema of 1.25 and 1.32', () => {
    const { objects } = build();
    const [manifest] = application(objects).spec.workloadTemplate.manifests;
    expect(validateObjects([...objects, manifest], conformanceValidators())).toEqual([]);
  });
});
requireSchemasInCi();
