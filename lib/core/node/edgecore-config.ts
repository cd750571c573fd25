import { kubeletSettings } from './kubelet-config';
import { registrationLabels } from './node-config';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../spec/site-spec';
import { hostPort } from '../validation/checks';

/**
 * Where EdgeCore's MetaServer answers the node's API clients (KubeEdge v1.21's default, written
 * out because the clients' configs name it). Without the `requireAuthorization` feature gate (off
 * in EdgeCore and in the cloudcore chart) it is plain HTTP on the loopback, so only host-network
 * pods reach it; CloudCore's dynamicController points the `default/kubernetes` EndpointSlice the
 * node sees at this address too.
 */
export const EDGECORE_METASERVER = '127.0.0.1:10550';

/**
 * The part of an EdgeCore node's configuration (`edgecore.config.kubeedge.io/v1alpha2`)
 * the generator owns: how the node reaches CloudCore and how its edged (EdgeCore's
 * kubelet) treats the node's tier, the same as the k3s and kubelet nodes of the tier.
 * EdgeCore fills every field this file leaves out from its own defaults (it decodes the file
 * over them, not strictly: a misspelt key is silently ignored, so every key is checked against
 * the v1alpha2 field list in the tests).
 *
 * Two modules are off by default and turned on here:
 * - `edgeStream`, the tunnel to CloudCore's cloudStream that `kubectl logs` and `kubectl exec`
 *   go over (the field is `server`; `keadm join` writes it
 *   with the default port 10004, this file with the site's `tunnelPort`);
 * - `metaManager.metaServer`, the node-local API endpoint that list/watch clients on the node
 *   use while the cloud is unreachable: every EdgeCore node runs some (Prometheus' discovery and
 *   Fluent Bit's kubernetes filter run on every node). It forwards what it has not cached to
 *   CloudCore's dynamicController, which the hub's cloudcore release enables.
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
      edgeStream: { enable: true, server: hostPort(kubeEdge.cloudCoreAddress, kubeEdge.tunnelPort) },
      metaManager: { metaServer: { enable: true, server: EDGECORE_METASERVER } },
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
