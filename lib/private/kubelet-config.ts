import type { NodeRegistryMirror } from '../node/micro-edge-node';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../site/site-spec';
import { endpointsFor, mirroredRegistries, nodeMirrors } from './k3s-config';
import { kubeletProfile, registrationLabels, registrationTaint, reservationMap } from './node-config';

/** KubeletConfiguration (kubelet.config.k8s.io/v1beta1) for nodes that run a plain kubelet. */
export function kubeletConfiguration(node: ResolvedNodeSpec): Record<string, unknown> {
  return { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', ...kubeletSettings(node) };
}

/**
 * The kubelet settings a node's tier asks for, in KubeletConfiguration field names:
 * shared by plain kubelets and KubeEdge's EdgeCore (its edged takes the same fields).
 */
export function kubeletSettings(node: ResolvedNodeSpec): Record<string, unknown> {
  const kubelet = kubeletProfile(node);
  const taint = registrationTaint(node);
  return {
    maxPods: kubelet.maxPods,
    systemReserved: reservationMap(kubelet.systemReserved),
    kubeReserved: reservationMap(kubelet.kubeReserved),
    enforceNodeAllocatable: ['pods'],
    evictionHard: { ...kubelet.evictionHard },
    evictionMinimumReclaim: { ...kubelet.evictionMinimumReclaim },
    imageGCHighThresholdPercent: kubelet.imageGcHighThresholdPercent,
    imageGCLowThresholdPercent: kubelet.imageGcLowThresholdPercent,
    ...(taint ? { registerWithTaints: [taint] } : {}),
  };
}

/**
 * `kubelet.env`: node labels have no KubeletConfiguration field, so they go to the
 * kubelet's command line (`KUBELET_EXTRA_ARGS`, read by the kubeadm systemd unit).
 */
export function kubeletEnvironment(node: ResolvedNodeSpec, site: ResolvedSiteSpec): string {
  const labels = Object.entries(registrationLabels(node, site)).map(([k, v]) => `${k}=${v}`).join(',');
  return `KUBELET_EXTRA_ARGS="--node-labels=${labels}"\n`;
}

/**
 * containerd `certs.d/<registry>/hosts.toml` files that send pulls through the
 * node's mirrors in order (in-cluster ones first, then the site's registryMirror),
 * falling back to the registry itself.
 */
export function containerdMirrorHosts(site: ResolvedSiteSpec, extra: readonly NodeRegistryMirror[] = []): { path: string; content: string }[] {
  const mirrors = nodeMirrors(site, extra);
  return mirroredRegistries(mirrors).map((registry) => {
    const dir = registry === '*' ? '_default' : registry;
    const upstream = registry === 'docker.io' ? 'https://registry-1.docker.io' : `https://${registry}`;
    const hosts = endpointsFor(mirrors, registry).map((endpoint) => {
      const caFile = mirrors.find((m) => m.endpoint === endpoint && m.caFile)?.caFile;
      return [`[host."${endpoint}"]`, '  capabilities = ["pull", "resolve"]', ...(caFile ? [`  ca = "${caFile}"`] : [])].join('\n');
    });
    const lines = [...(registry === '*' ? [] : [`server = "${upstream}"`, '']), hosts.join('\n\n')];
    return { path: `containerd/certs.d/${dir}/hosts.toml`, content: `${lines.join('\n')}\n` };
  });
}
