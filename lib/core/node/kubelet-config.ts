import type { NodeRegistryMirror } from './micro-edge-node';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../spec/site-spec';
import { endpointsFor, mirroredRegistries, nodeMirrors } from './k3s-config';
import { joinMap, kubeletProfile, kubeletTierArgs, registrationLabels, registrationTaint, reservationMap } from './node-config';
import { toYaml } from '../yaml';

/**
 * The folder a plain-kubelet node's drop-ins go to, given to the kubelet as `--config-dir`
 * (the path the Kubernetes documentation uses).
 */
export const KUBELET_CONFIG_DIR = '/etc/kubernetes/kubelet.conf.d';

/** The tier's drop-in, relative to the node's folder: the kubelet reads only `*.conf` files there. */
export const KUBELET_TIER_DROP_IN = 'kubelet.conf.d/50-edge-tier.conf';

/** `--config-dir` came with Kubernetes 1.28, alpha: 1.28 and 1.29 accept it only with this variable set (any value). */
const DROP_IN_MINOR = 28;
const DROP_IN_BETA_MINOR = 30;
const DROP_IN_ALPHA_VARIABLE = 'KUBELET_CONFIG_DROPIN_DIR_ALPHA';

/**
 * The files of a node that runs a plain kubelet, joined by `kubeadm join` or OpenYurt's
 * `yurtadm join` (which runs `kubeadm join`). kubeadm owns the kubelet's `--config` file
 * (`/var/lib/kubelet/config.yaml`, written from the cluster's `kubelet-config` ConfigMap at
 * every join and upgrade): it holds what only the cluster knows (`clusterDNS`, `cgroupDriver`,
 * `authentication`, `authorization`). A file of ours as `--config` would drop those, and kubeadm
 * would overwrite it, so the tier's settings are layered on top instead:
 *
 * - from 1.28, a KubeletConfiguration drop-in ({@link KUBELET_TIER_DROP_IN}, for
 *   {@link KUBELET_CONFIG_DIR}), which the kubelet merges over its `--config` file;
 * - before 1.28, which has no drop-in folder, the same settings as kubelet flags.
 *
 * `kubelet.env` goes to `/etc/default/kubelet`: the EnvironmentFile of kubeadm's kubelet unit
 * (`/etc/sysconfig/kubelet` in its RPM packages) and of the unit yurtadm v1.4 writes, whose
 * `KUBELET_EXTRA_ARGS` come last on the kubelet's command line; neither tool writes the file.
 */
export function kubeletFiles(node: ResolvedNodeSpec, site: ResolvedSiteSpec): { path: string; content: string }[] {
  const minor = Number(site.kubernetesVersion.split('.')[1]);
  const labels = `--node-labels=${joinMap(registrationLabels(node, site))}`;
  if (minor < DROP_IN_MINOR) {
    return [{ path: 'kubelet.env', content: `KUBELET_EXTRA_ARGS="${[labels, ...kubeletFlags(node)].join(' ')}"\n` }];
  }
  const env = [
    ...(minor < DROP_IN_BETA_MINOR ? [`${DROP_IN_ALPHA_VARIABLE}=on`] : []),
    `KUBELET_EXTRA_ARGS="--config-dir=${KUBELET_CONFIG_DIR} ${labels}"`,
  ];
  return [
    { path: KUBELET_TIER_DROP_IN, content: toYaml(kubeletDropIn(node)) },
    { path: 'kubelet.env', content: `${env.join('\n')}\n` },
  ];
}

/** The tier's KubeletConfiguration drop-in (kubelet.config.k8s.io/v1beta1): a drop-in names its kind too. */
export function kubeletDropIn(node: ResolvedNodeSpec): Record<string, unknown> {
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

/** {@link kubeletSettings} as the kubelet's flags, for minors without a drop-in folder. */
function kubeletFlags(node: ResolvedNodeSpec): string[] {
  const taint = registrationTaint(node);
  // k3s leaves enforce-node-allocatable at its default; a plain kubelet's flags say it.
  const [maxPods, systemReserved, kubeReserved, ...eviction] = kubeletTierArgs(node);
  return [
    maxPods, systemReserved, kubeReserved, 'enforce-node-allocatable=pods', ...eviction,
    ...(taint ? [`register-with-taints=${taint.key}=${taint.value}:${taint.effect}`] : []),
  ].map((arg) => `--${arg}`);
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
