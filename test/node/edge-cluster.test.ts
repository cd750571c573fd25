import { KUBERNETES_VERSIONS, SiteSpec } from '../../lib';
import { DISABLE_DEFAULT_ENDPOINT_GATE, ETCD_S3_CONFIG_SECRET_GATE, K3S_VERSIONS, k3sHasFeature, parseK3sVersion } from '../../lib/core/node/k3s-versions';
import { OpenYurtAppSet } from '../../lib/flavors/openyurt-app-set';
import { registryOf } from '../../lib/core/node/registry-mirrors';
import { embeddedImages } from '../../lib/core/node/embedded-images';
import { buildSite, microSite, synthObjects } from '../support/fixtures';

const app = { name: 'collector', namespace: 'apps', image: 'ghcr.io/acme/collector:1.0.0', ports: [{ name: 'http', port: 8080 }] };
const airGapped = (site: Partial<SiteSpec> = {}): Partial<SiteSpec> => ({
  cluster: { airGap: true },
  registryMirror: { endpoint: 'https://registry.site.local:5000', registries: ['docker.io', 'ghcr.io'] },
  apps: [app],
  ...site,
});
const validate = (site: Partial<SiteSpec>) => buildSite(microSite(site)).node.validate();

describe('EdgeCluster air-gap check', () => {
  test('WHEN every image of an air-gapped site comes through a mirror THEN the site validates', () => {
    expect(validate(airGapped())).toEqual([]);
  });

  test('WHEN an air-gapped site runs an image from a registry no mirror serves THEN the synth names the image, the registry and the fix', () => {
    const problems = validate(airGapped({ apps: [{ ...app, image: 'quay.io/acme/collector:1.0.0' }] }));
    expect(problems).toContainEqual(expect.stringContaining(
      'air-gapped site test-site runs image "quay.io/acme/collector:1.0.0" from quay.io, which no registry mirror of node-1 serves (mirrored: docker.io, ghcr.io); add quay.io (or "*") to registryMirror.registries'));
  });

  test('WHEN the mirror serves every registry THEN any image passes', () => {
    expect(validate(airGapped({ registryMirror: { endpoint: 'https://registry.site.local:5000', registries: ['*'] }, apps: [{ ...app, image: 'quay.io/acme/c:1.0.0' }] }))).toEqual([]);
  });

  test('WHEN an image is pulled from the mirror\'s own host THEN it comes from inside the site and passes', () => {
    expect(validate(airGapped({ apps: [{ ...app, image: 'registry.site.local:5000/acme/collector:1.0.0' }] }))).toEqual([]);
  });

  test('WHEN an air-gapped site upgrades k3s THEN the upgrade image must come through a mirror too', () => {
    const problems = validate(airGapped({ cluster: { airGap: true, upgrade: {} }, registryMirror: { endpoint: 'https://registry.site.local:5000', registries: ['ghcr.io'] } }));
    expect(problems).toContainEqual(expect.stringContaining('runs image "rancher/k3s-upgrade:v1.30.14-k3s2" from docker.io'));
  });

  test('WHEN an air-gapped site spreads a workload over node pools THEN the image inside the YurtAppSet is checked too', () => {
    const site = buildSite(microSite(airGapped({
      apps: [], cluster: { flavor: 'openyurt', airGap: true, serverUrl: 'https://10.0.0.1:6443' },
      nodes: [{ name: 'e1', role: 'agent', capacity: { cpu: '4', memory: '4Gi' } }],
    })));
    new OpenYurtAppSet(site, 'Spread', { ...app, image: 'quay.io/acme/spread:1.0.0', pools: [{ tier: 'micro', replicas: 1 }] });
    expect(site.node.validate()).toContainEqual(expect.stringContaining('runs image "quay.io/acme/spread:1.0.0" from quay.io'));
  });

  test('WHEN objects embed images outside pod templates THEN they are found for the image list', () => {
    const plan = { apiVersion: 'upgrade.cattle.io/v1', kind: 'Plan', spec: { version: 'v1.30.14+k3s2', upgrade: { image: 'rancher/k3s-upgrade' }, prepare: { image: 'rancher/k3s-upgrade' } } };
    const edgeApplication = { kind: 'EdgeApplication', spec: { workloadTemplate: { manifests: [{ spec: { template: { spec: { containers: [{ image: 'ghcr.io/a/b:1' }] } } } }] } } };
    expect(embeddedImages(plan)).toEqual(['rancher/k3s-upgrade:v1.30.14-k3s2', 'rancher/k3s-upgrade:v1.30.14-k3s2']);
    expect(embeddedImages(edgeApplication)).toEqual(['ghcr.io/a/b:1']);
    expect(embeddedImages({ kind: 'Deployment' })).toEqual([]);
  });

  test('WHEN a site is not air-gapped THEN images from any registry are fine', () => {
    expect(validate({ apps: [{ ...app, image: 'quay.io/acme/c:1.0.0' }] })).toEqual([]);
  });

  test('WHEN an image names no registry THEN it is pulled from docker.io', () => {
    expect([registryOf('nginx:1.27'), registryOf('library/nginx:1.27'), registryOf('localhost/x:1'), registryOf('reg.local:5000/x:1')])
      .toEqual(['docker.io', 'docker.io', 'localhost', 'reg.local:5000']);
  });
});

describe('EdgeCluster flavors', () => {
  test('WHEN a site runs plain k3s THEN it has neither node pools nor node groups', () => {
    const kinds = synthObjects(buildSite(microSite())).map((o) => o.kind);
    expect(kinds).not.toContain('NodePool');
    expect(kinds).not.toContain('NodeGroup');
  });
});

describe('k3s versions', () => {
  test.each(KUBERNETES_VERSIONS)('WHEN a site runs Kubernetes %s THEN a k3s release of that minor is pinned', (minor) => {
    expect(parseK3sVersion(K3S_VERSIONS[minor])?.minor).toBe(minor);
  });

  test('WHEN a release is checked against a version gate THEN it has the feature from the first release of its minor on', () => {
    expect(k3sHasFeature('v1.30.4+k3s1', ETCD_S3_CONFIG_SECRET_GATE)).toBe(true);
    expect(k3sHasFeature('v1.30.3+k3s1', ETCD_S3_CONFIG_SECRET_GATE)).toBe(false);
    expect(k3sHasFeature('v1.27.16+k3s1', ETCD_S3_CONFIG_SECRET_GATE)).toBe(false);
    expect(k3sHasFeature('v1.26.13+k3s2', DISABLE_DEFAULT_ENDPOINT_GATE)).toBe(true);
    expect(k3sHasFeature(K3S_VERSIONS['1.25'], DISABLE_DEFAULT_ENDPOINT_GATE)).toBe(false);
  });
});
