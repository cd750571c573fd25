import type { ResolvedSiteSpec } from '../spec/site-spec';
import type { NodeFile } from './micro-edge-node';
import {
  SYSTEM_UPGRADE_CONTROLLER_CRD, SYSTEM_UPGRADE_CONTROLLER_MANIFEST, SYSTEM_UPGRADE_CONTROLLER_TAG,
} from './system-upgrade-controller-manifests';

/**
 * How the system-upgrade-controller that acts on a site's k3s upgrade Plans gets
 * installed: as k3s auto-deploying manifests on every k3s server. k3s applies each file
 * of `/var/lib/rancher/k3s/server/manifests/` at start and whenever it changes, so the
 * controller is there with the cluster itself, before any GitOps agent or Terraform,
 * with nothing to fetch but its image (through the site's mirror when air-gapped).
 * The CRD is its own file, so `upgrade.cattle.io/v1` Plans are served as soon as a
 * server is up. The controller's file is the upstream release manifest without its
 * Namespace: the site folder owns `system-upgrade` (with its Pod Security exception and
 * default deny), and k3s retries the file until that namespace exists.
 */

/** Where a node file goes on a k3s server: this folder is `/var/lib/rancher/k3s/server/manifests/`. */
export const K3S_MANIFESTS_DIR = 'k3s/server/manifests';
/** The controller's image at the pinned release (upstream kustomization sets it). */
export const SYSTEM_UPGRADE_CONTROLLER_IMAGE = `rancher/system-upgrade-controller:${SYSTEM_UPGRADE_CONTROLLER_TAG}`;
/** The kubectl image the controller's upgrade jobs run (the release's `default-controller-env`). */
export const SYSTEM_UPGRADE_KUBECTL_IMAGE = 'rancher/kubectl:v1.30.3';

/** Whether the site's servers install the controller: it asks for upgrades and has k3s servers. */
export function installsSystemUpgradeController(site: ResolvedSiteSpec): boolean {
  return site.cluster.upgrade !== undefined && site.nodes.some((n) => n.role === 'server' && n.runtime === 'k3s');
}

/** The images the controller pulls on the site, with its system default registry. */
export function systemUpgradeControllerImages(site: ResolvedSiteSpec): string[] {
  if (!installsSystemUpgradeController(site)) return [];
  return [SYSTEM_UPGRADE_CONTROLLER_IMAGE, SYSTEM_UPGRADE_KUBECTL_IMAGE].map((image) => withRegistry(site, image));
}

/** The auto-deploying manifests of one k3s server of the site (none for other nodes). */
export function systemUpgradeControllerFiles(site: ResolvedSiteSpec, node: { role: string; runtime: string }): NodeFile[] {
  if (!installsSystemUpgradeController(site) || node.role !== 'server' || node.runtime !== 'k3s') return [];
  return [
    { path: `${K3S_MANIFESTS_DIR}/system-upgrade-crd.yaml`, content: SYSTEM_UPGRADE_CONTROLLER_CRD },
    { path: `${K3S_MANIFESTS_DIR}/system-upgrade-controller.yaml`, content: controllerManifest(site) },
  ];
}

/**
 * The release manifest with three named changes: no Namespace document (the site owns
 * it), both images from the site's system default registry, and the jobs' pull policy
 * IfNotPresent instead of Always (an edge node restarts jobs while its uplink is down).
 */
export function controllerManifest(site: ResolvedSiteSpec): string {
  const documents = SYSTEM_UPGRADE_CONTROLLER_MANIFEST.split(/^---\n/m).filter((doc) => !/^kind: Namespace$/m.test(doc));
  let manifest = documents.join('---\n');
  const replace = (from: string, to: string) => {
    if (!manifest.includes(from)) throw new Error(`system-upgrade-controller ${SYSTEM_UPGRADE_CONTROLLER_TAG} manifest has no "${from}"`);
    manifest = manifest.split(from).join(to);
  };
  replace(`image: ${SYSTEM_UPGRADE_CONTROLLER_IMAGE}`, `image: ${withRegistry(site, SYSTEM_UPGRADE_CONTROLLER_IMAGE)}`);
  replace(`SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE: ${SYSTEM_UPGRADE_KUBECTL_IMAGE}`, `SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE: ${withRegistry(site, SYSTEM_UPGRADE_KUBECTL_IMAGE)}`);
  replace('SYSTEM_UPGRADE_JOB_IMAGE_PULL_POLICY: Always', 'SYSTEM_UPGRADE_JOB_IMAGE_PULL_POLICY: IfNotPresent');
  return manifest;
}

function withRegistry(site: ResolvedSiteSpec, image: string): string {
  return site.cluster.systemDefaultRegistry !== undefined ? `${site.cluster.systemDefaultRegistry}/${image}` : image;
}
