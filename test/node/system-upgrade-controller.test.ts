import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { EdgeFleet } from '../../lib';
import { hasNvidiaNodes, k3sProvidesNvidiaRuntimeClass } from '../../lib/cluster/nvidia-runtime-class';
import {
  SYSTEM_UPGRADE_CONTROLLER_CRD, SYSTEM_UPGRADE_CONTROLLER_MANIFEST, SYSTEM_UPGRADE_CONTROLLER_TAG,
} from '../../lib/core/node/system-upgrade-controller-manifests';
import { controllerManifest, systemUpgradeControllerImages } from '../../lib/core/node/system-upgrade-controller';
import { loadInventoryFile } from '../../lib/fleet/inventory';

const FACTS = path.join(__dirname, '..', '..', '..', 'shared', 'charts', 'system-upgrade-controller', SYSTEM_UPGRADE_CONTROLLER_TAG);
const fleet = loadInventoryFile(path.join(__dirname, '..', '..', 'apps', 'fleet.yaml'));
const exampleSite = (name: string) => fleet.sites.find((s) => s.name === name)!;
// The example fleet as a whole: its sites converge on the platform and the hub it describes.
const exampleFleet = EdgeFleet.fromInventoryFile(path.join(__dirname, '..', '..', 'apps', 'fleet.yaml'));

describe('system-upgrade-controller', () => {
  test('WHEN the embedded release assets are compared with upstream at the pinned tag THEN they are identical', () => {
    expect(SYSTEM_UPGRADE_CONTROLLER_MANIFEST).toBe(fs.readFileSync(path.join(FACTS, 'system-upgrade-controller.yaml'), 'utf8'));
    expect(SYSTEM_UPGRADE_CONTROLLER_CRD).toBe(fs.readFileSync(path.join(FACTS, 'crd.yaml'), 'utf8'));
  });

  test('WHEN dc-hub-01 asks for upgrades THEN every k3s server auto-deploys the CRD and the controller, and images.txt lists its images', () => {
    // Regression: the site wrote upgrade.cattle.io Plans and nothing installed the controller.
    const spec = exampleSite('dc-hub-01');
    const synthesis = exampleFleet.synthSite(spec);
    const file = (p: string) => synthesis.files.find((f: { path: string }) => f.path === p)?.content;
    for (const server of ['dc-cp-01', 'dc-cp-02', 'dc-cp-03']) {
      const crd = yaml.load(file(`nodes/dc-hub-01/${server}/k3s/server/manifests/system-upgrade-crd.yaml`)!) as any;
      expect(crd.metadata.name).toBe('plans.upgrade.cattle.io');
      const docs = yaml.loadAll(file(`nodes/dc-hub-01/${server}/k3s/server/manifests/system-upgrade-controller.yaml`)!) as any[];
      expect(docs.map((d) => d.kind)).not.toContain('Namespace');
      const deployment = docs.find((d) => d.kind === 'Deployment');
      expect(deployment.spec.template.spec.containers[0].image).toBe('registry.dc-hub-01.acme.internal:5000/rancher/system-upgrade-controller:v0.20.1');
      const env = docs.find((d) => d.kind === 'ConfigMap').data;
      expect(env.SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE).toBe('registry.dc-hub-01.acme.internal:5000/rancher/kubectl:v1.30.3');
      expect(env.SYSTEM_UPGRADE_JOB_IMAGE_PULL_POLICY).toBe('IfNotPresent');
    }
    expect(file('nodes/dc-hub-01/dc-worker-01/k3s/server/manifests/system-upgrade-controller.yaml')).toBeUndefined();
    const images = file('nodes/dc-hub-01/images.txt')!.split('\n');
    expect(images).toEqual(expect.arrayContaining(systemUpgradeControllerImages(spec)));
  });

  test('WHEN a site asks for no upgrades THEN it installs no controller', () => {
    expect(systemUpgradeControllerImages(exampleSite('retail-store-01'))).toEqual([]);
  });

  test('WHEN the site has no system default registry THEN the upstream images stay', () => {
    const manifest = controllerManifest(exampleSite('retail-store-01'));
    expect(manifest).toContain('image: rancher/system-upgrade-controller:v0.20.1');
  });
});

describe('nvidia RuntimeClass', () => {
  test('WHEN beijing-mec-01 runs plain kubelets with a GPU node THEN the site writes the nvidia RuntimeClass for the GPU nodes', () => {
    const spec = exampleSite('beijing-mec-01');
    expect(hasNvidiaNodes(spec) && !k3sProvidesNvidiaRuntimeClass(spec)).toBe(true);
    const synthesis = exampleFleet.synthSite(spec);
    const file = synthesis.files.find((f: { path: string }) => f.path === 'sites/beijing-mec-01/_cluster/runtimeclass-nvidia.yaml');
    expect(yaml.load(file!.content)).toMatchObject({
      apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'nvidia' }, handler: 'nvidia', scheduling: { nodeSelector: { accelerator: 'nvidia-gpu' } },
    });
  });

  test('WHEN vision-01 runs a k3s server of a release with runtimes.yaml THEN k3s provides the RuntimeClass and the site writes none', () => {
    expect(k3sProvidesNvidiaRuntimeClass(exampleSite('vision-01'))).toBe(true);
  });
});
