import { Construct } from 'constructs';
import {
  CiliumNetworkPolicy, CiliumNetworkPolicySpecEgressToEntities, CiliumNetworkPolicySpecEgressToPortsPortsProtocol,
} from '../../../imports/cilium.io';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';

/** What a monitoring pod reaches outside the pod network. */
export interface NodeEgressOptions {
  /** Name of the policy. */
  readonly name: string;
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels of the pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** TCP ports on the nodes' host network the pods reach (e.g. node-exporter). */
  readonly nodePorts: readonly number[];
}

/**
 * On a Cilium site, a CiliumNetworkPolicy for the paths to the API server and the
 * nodes: Cilium gives nodes their own identities (`kube-apiserver`, `host`,
 * `remote-node`) that a NetworkPolicy ipBlock does not match, so the ipBlock rules
 * alone would leave discovery and host-network scrapes blocked there. Nothing on
 * other sites. Cilium adds these allows to the NetworkPolicy ones.
 */
export function ciliumNodeEgress(scope: Construct, id: string, site: ResolvedSiteSpec, options: NodeEgressOptions): CiliumNetworkPolicy | undefined {
  if (site.network.cni !== 'cilium') return undefined;
  const tcp = (ports: readonly number[]) => [{ ports: ports.map((port) => ({ port: String(port), protocol: CiliumNetworkPolicySpecEgressToPortsPortsProtocol.TCP })) }];
  return new CiliumNetworkPolicy(scope, id, {
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      endpointSelector: { matchLabels: { ...options.podLabels } },
      egress: [
        { toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER], toPorts: tcp([443, 6443]) },
        ...(options.nodePorts.length > 0 ? [{
          toEntities: [CiliumNetworkPolicySpecEgressToEntities.HOST, CiliumNetworkPolicySpecEgressToEntities.REMOTE_HYPHEN_NODE],
          toPorts: tcp(options.nodePorts),
        }] : []),
      ],
    },
  });
}
