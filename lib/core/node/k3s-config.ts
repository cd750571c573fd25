import type { NodeRegistryMirror } from './micro-edge-node';
import { hostUrl } from '../validation/checks';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../spec/site-spec';
import { kubeletTierArgs, registrationLabels, registrationTaint } from './node-config';

/**
 * k3s config drop-ins (`/etc/rancher/k3s/config.yaml.d/*.yaml`). List keys end in
 * `+` so k3s appends them to what the base config.yaml and other drop-ins set
 * instead of replacing it. Labels and taints here apply only when the node first
 * registers; the cluster-side Node label patch keeps labels reconciled afterwards.
 */

/** `10-tier.yaml`: what the node's tier means for its kubelet. */
export function k3sTierConfig(node: ResolvedNodeSpec, site: ResolvedSiteSpec): Record<string, unknown> {
  const taint = registrationTaint(node);
  return {
    'node-label+': Object.entries(registrationLabels(node, site)).map(([k, v]) => `${k}=${v}`),
    ...(taint ? { 'node-taint+': [`${taint.key}=${taint.value}:${taint.effect}`] } : {}),
    'kubelet-arg+': kubeletTierArgs(node),
  };
}

/**
 * `20-site.yaml`: how the node joins the site's cluster. One server bootstraps the
 * cluster; on an HA site the first server initialises embedded etcd and the others
 * join it, all answering for the site's API address. The token stays on the node:
 * only the path of the file holding it is written.
 */
export function k3sSiteConfig(node: ResolvedNodeSpec, site: ResolvedSiteSpec): Record<string, unknown> {
  const config: Record<string, unknown> = { 'node-name': node.name };
  const cluster = site.cluster;
  const servers = site.nodes.filter((n) => n.role === 'server');
  const ha = servers.length >= 3;
  if (node.role === 'agent') config.server = cluster.serverUrl;
  else if (ha && node.name === servers[0].name) config['cluster-init'] = true;
  else if (ha) config.server = cluster.serverUrl ?? hostUrl('https', servers[0].name, 6443);
  config['token-file'] = cluster.tokenFile;
  if (node.role === 'server') {
    if (cluster.apiEndpoint !== undefined) config['tls-san+'] = [cluster.apiEndpoint];
    if (cluster.disable.length > 0) config['disable+'] = [...cluster.disable];
    if (site.network.cni === 'cilium') {
      // Cilium replaces flannel and enforces NetworkPolicy itself.
      config['flannel-backend'] = 'none';
      config['disable-network-policy'] = true;
    }
    if (cluster.systemDefaultRegistry !== undefined) config['system-default-registry'] = cluster.systemDefaultRegistry;
  }
  // Air-gapped: a registry with a mirror never falls back to the registry itself.
  if (cluster.airGap) config['disable-default-registry-endpoint'] = true;
  return config;
}

/**
 * `30-etcd-snapshots.yaml` of an HA site's servers: the snapshot schedule and
 * retention, and the S3 store's location. Credentials are never written: they
 * come from the config Secret or from the servers' environment (see
 * {@link k3sCredentialsDropIn}).
 */
export function k3sEtcdSnapshotConfig(node: ResolvedNodeSpec, site: ResolvedSiteSpec): Record<string, unknown> | undefined {
  const snapshots = site.cluster.etcdSnapshots;
  if (node.role !== 'server' || node.runtime !== 'k3s' || !snapshots) return undefined;
  const config: Record<string, unknown> = {
    'etcd-snapshot-schedule-cron': snapshots.schedule,
    'etcd-snapshot-retention': snapshots.retention,
  };
  const s3 = snapshots.s3;
  if (s3) {
    config['etcd-s3'] = true;
    if (s3.configSecret !== undefined) {
      config['etcd-s3-config-secret'] = s3.configSecret;
    } else {
      Object.assign(config, {
        'etcd-s3-endpoint': s3.endpoint,
        'etcd-s3-bucket': s3.bucket,
        'etcd-s3-folder': s3.folder,
        'etcd-s3-region': s3.region,
        ...(s3.endpointCaFile !== undefined ? { 'etcd-s3-endpoint-ca': s3.endpointCaFile } : {}),
      });
    }
  }
  return config;
}

/**
 * A systemd drop-in for `k3s.service` that reads the S3 keys from the site's
 * credentials file: k3s takes `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` from its
 * environment, so the keys never enter a config file the generator writes.
 */
export function k3sCredentialsDropIn(node: ResolvedNodeSpec, site: ResolvedSiteSpec): string | undefined {
  const file = site.cluster.etcdSnapshots?.s3?.credentialsFile;
  if (node.role !== 'server' || node.runtime !== 'k3s' || file === undefined) return undefined;
  return `# etcd snapshot S3 keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) for k3s, from a file kept on the node.\n[Service]\nEnvironmentFile=${file}\n`;
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
