import { isIP } from 'node:net';
import { k8s } from 'cdk8s-plus-28';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';

/**
 * NetworkPolicy peers for traffic that leaves the pod network: the Kubernetes API
 * server, the nodes (host-network node-exporter) and the cloud endpoints. Every
 * site namespace denies all egress by default, so monitoring must open exactly
 * these paths; the narrowest CIDRs the SiteSpec knows are used, else any address
 * (the port still restricts the rule).
 */

const ANYWHERE: k8s.NetworkPolicyPeer[] = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];

function cidrPeers(cidrs: readonly string[]): k8s.NetworkPolicyPeer[] {
  return cidrs.length > 0 ? cidrs.map((cidr) => ({ ipBlock: { cidr } })) : ANYWHERE;
}

/** Where the site's nodes are: its LAN CIDRs, else anywhere. */
export function nodePeers(site: ResolvedSiteSpec): k8s.NetworkPolicyPeer[] {
  return cidrPeers(site.network.siteCidrs);
}

/**
 * Where the API server is after the `kubernetes` Service's DNAT: the server
 * named by `cluster.serverUrl` when it is an IP literal, else the site's nodes.
 */
export function apiServerPeers(site: ResolvedSiteSpec): k8s.NetworkPolicyPeer[] {
  const host = site.cluster.serverUrl ? new URL(site.cluster.serverUrl).hostname.replace(/^\[|\]$/g, '') : undefined;
  if (host && isIP(host) === 4) return [{ ipBlock: { cidr: `${host}/32` } }];
  if (host && isIP(host) === 6) return [{ ipBlock: { cidr: `${host}/128` } }];
  return nodePeers(site);
}

/** The API server ports: 443 (the Service port, for CNIs that match before DNAT) and 6443. */
export function apiServerPorts(): k8s.NetworkPolicyPort[] {
  return [443, 6443].map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}

/** The cloud endpoints: the site's cloud CIDRs, else anywhere. */
export function cloudPeers(site: ResolvedSiteSpec): k8s.NetworkPolicyPeer[] {
  return cidrPeers(site.network.cloudCidrs);
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'tcp:': 24224, 'tls:': 24224 };

/** The TCP port of a URL, from its scheme when it names none (24224 is the forward protocol's port). */
export function urlPort(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol] ?? 443;
}
