import { kubeletSettings } from '../../private/kubelet-config';
import { registrationLabels } from '../../private/node-config';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../../site/site-spec';
import { hostPort } from './checks';

/**
 * The part of an EdgeCore node's configuration (`edgecore.config.kubeedge.io/v1alpha2`)
 * the generator owns: how the node reaches CloudCore and how its edged (EdgeCore's
 * kubelet) treats the node's tier, the same as the k3s and kubelet nodes of the tier.
 * EdgeCore fills every field this file leaves out from its own defaults.
 *
 * What it does not hold is what `keadm join` does on the node: install EdgeCore and
 * its systemd unit, and exchange CloudCore's join token (read from the site's
 * `kubeEdge.tokenFile` on the node) for the node's certificate. The token is never
 * written here.
 */
export function edgeCoreConfig(node: ResolvedNodeSpec, site: ResolvedSiteSpec): Record<string, unknown> {
  const kubeEdge = site.cluster.kubeEdge!;
  return {
    apiVersion: 'edgecore.config.kubeedge.io/v1alpha2',
    kind: 'EdgeCore',
    modules: {
      edgeHub: {
        httpServer: `https://${hostPort(kubeEdge.cloudCoreAddress, kubeEdge.certPort)}`,
        websocket: { enable: true, server: hostPort(kubeEdge.cloudCoreAddress, kubeEdge.cloudHubPort) },
        quic: { enable: false },
      },
      edgeStream: { tunnelServer: hostPort(kubeEdge.cloudCoreAddress, kubeEdge.tunnelPort) },
      edged: {
        hostnameOverride: node.name,
        nodeLabels: registrationLabels(node, site),
        tailoredKubeletConfig: kubeletSettings(node),
      },
    },
  };
}

/**
 * `keadm-join.env`: the values of the documented join command (`keadm join
 * --cloudcore-ipport=$CLOUDCORE --certport=$CERT_PORT --edgenode-name=$NODE_NAME
 * --kubeedge-version=$KUBEEDGE_VERSION --token="$(cat "$TOKEN_FILE")"`): the token
 * itself stays in its file, and EdgeCore's version is the hub's CloudCore's.
 */
export function keadmJoinEnvironment(node: ResolvedNodeSpec, site: ResolvedSiteSpec, kubeEdgeVersion: string): string {
  const kubeEdge = site.cluster.kubeEdge!;
  const lines = {
    NODE_NAME: node.name,
    CLOUDCORE: hostPort(kubeEdge.cloudCoreAddress, kubeEdge.cloudHubPort),
    CERT_PORT: String(kubeEdge.certPort),
    KUBEEDGE_VERSION: kubeEdgeVersion,
    TOKEN_FILE: kubeEdge.tokenFile,
  };
  return Object.entries(lines).map(([k, v]) => `${k}=${v}\n`).join('');
}
