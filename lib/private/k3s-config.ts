import type { NodeRegistryMirror } from '../node/micro-edge-node';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../site/site-spec';
import { joinMap, kubeletProfile, registrationLabels, registrationTaint, reservationMap } from './node-config';

/**
 * k3s config drop-ins (`/etc/rancher/k3s/config.yaml.d/*.yaml`). List keys end in
 * `+` so k3s appends them to what the base config.yaml and other drop-ins set
 * instead of replacing it. Labels and taints here apply only when the node first
 * registers; the cluster-side Node label patch keeps labels reconciled afterwards.
 */

/** `10-tier.yaml`: what the node's tier means for its kubelet. */
export function k3sTierConfig(node: ResolvedNodeSpec, site: ResolvedSiteSpec): Record<string, unknown> {
  const kubelet = kubeletProfile(node);
  const taint = registrationTaint(node);
  return {
    'node-label+': Object.entries(registrationLabels(node, site)).map(([k, v]) => `${k}=${v}`),
    ...(taint ? { 'node-taint+': [`${taint.key}=${taint.value}:${taint.effect}`] } : {}),
    'kubelet-arg+': [
      `max-pods=${kubelet.maxPods}`,
      `system-reserved=${joinMap(reservationMap(kubelet.systemReserved))}`,
      `kube-reserved=${joinMap(reservationMap(kubelet.kubeReserved))}`,
      `eviction-hard=${joinMap(kubelet.evictionHard, '<')}`,
      `eviction-minimum-reclaim=${joinMap(kubelet.evictionMinimumReclaim)}`,
      `image-gc-high-threshold=${kubelet.imageGcHighThresholdPercent}`,
      `image-gc-low-threshold=${kubelet.imageGcLowThresholdPercent}`,
    ],
  };
}

/** `20-site.yaml`: how the node joins the site's cluster. */
export function k3sSiteConfig(node: ResolvedNodeSpec, site: ResolvedSiteSpec): Record<string, unknown> {
  const config: Record<string, unknown> = { 'node-name': node.name };
  if (node.role === 'agent') config.server = site.cluster.serverUrl;
  // The token stays on the node: only the path of the file holding it is written.
  config['token-file'] = site.cluster.tokenFile;
  if (node.role === 'server') {
    if (site.cluster.disable.length > 0) config['disable+'] = [...site.cluster.disable];
    if (site.network.cni === 'cilium') {
      // Cilium replaces flannel and enforces NetworkPolicy itself.
      config['flannel-backend'] = 'none';
      config['disable-network-policy'] = true;
    }
  }
  return config;
}

/**
 * `registries.yaml`: every mirrored registry pulls through its mirrors in order,
 * the site's own (in-cluster) mirrors first, then the site's registryMirror; k3s
 * always tries the registry itself last.
 */
export function k3sRegistries(site: ResolvedSiteSpec, extra: readonly NodeRegistryMirror[] = []): Record<string, unknown> | undefined {
  const mirrors = nodeMirrors(site, extra);
  if (mirrors.length === 0) return undefined;
  const configs = Object.fromEntries(mirrors.filter((m) => m.caFile).map((m) => [new URL(m.endpoint).host, { tls: { ca_file: m.caFile } }]));
  return {
    mirrors: Object.fromEntries(mirroredRegistries(mirrors).map((r) => [r, { endpoint: endpointsFor(mirrors, r) }])),
    ...(Object.keys(configs).length > 0 ? { configs } : {}),
  };
}

/** The mirrors of a node, in the order they are tried. */
export function nodeMirrors(site: ResolvedSiteSpec, extra: readonly NodeRegistryMirror[]): NodeRegistryMirror[] {
  return [...extra, ...(site.registryMirror ? [site.registryMirror] : [])];
}

/** Every registry some mirror serves, in first-seen order. */
export function mirroredRegistries(mirrors: readonly NodeRegistryMirror[]): string[] {
  return [...new Set(mirrors.flatMap((m) => m.registries))];
}

/** The endpoints serving a registry, in order: a wildcard mirror serves every registry, and a registry's own entry replaces the wildcard one. */
export function endpointsFor(mirrors: readonly NodeRegistryMirror[], registry: string): string[] {
  return [...new Set(mirrors.filter((m) => m.registries.includes(registry) || m.registries.includes('*')).map((m) => m.endpoint))];
}
