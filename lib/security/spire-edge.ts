import { isIP } from 'node:net';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterSpiffeid } from '../../imports/spire.spiffe.io';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import type { AppResources } from '../core/site/edge-app';
import { EdgeSite } from '../fleet/edge-site';
import { addAllowPolicy } from '../core/workload/network-allow';
import { addSpireAgent, SPIRE_AGENT_ACCOUNT, SPIRE_AGENT_LABELS } from './private/spire-agent';
import { CONTROLLER_CLASS, SPIRE_PORTS } from './private/spire-config';
import { checkSpireEdgeOptions, DEFAULT_IDENTITY_NAME, readSpireEdgeOptions } from './private/spire-rules';
import { bundleRules, clusterGrant, CONTROLLER_MANAGER_RULES, LEADER_ELECTION_RULES, namespaceGrant, SERVER_ATTESTOR_RULES } from './private/spire-rbac';
import { addSpireServer, BUNDLE_CONFIG_MAP, SPIRE_SERVER_LABELS } from './private/spire-server';
import {
  SPIRE_HUB_ACCOUNT, SPIRE_HUB_SERVER_PORT, SPIRE_HUB_SITE_NAMESPACE, SPIRE_IGNORED_NAMESPACES, SPIRE_PLATFORM_NAMESPACE,
} from './spire-hub';

export { SPIRE_HUB_ACCOUNT, SPIRE_HUB_SERVER_PORT };

/** Namespace of the SPIRE server and spire-controller-manager (Pod Security `restricted`). */
export const SPIRE_SERVER_NAMESPACE = 'spire-server';
/** Namespace of the SPIRE agents and the trust bundle ConfigMap (Pod Security `privileged`, a named exception). */
export const SPIRE_AGENT_NAMESPACE = SPIRE_HUB_SITE_NAMESPACE;
/**
 * SPIRE of the site's server and agents: the spire-server appVersion of the pinned spire
 * chart (0.29.0), which runs the hub's server. Hub-mode agents attest to that server, and a
 * SPIRE agent may be at most one minor version older than its server and never newer
 * (spire doc/upgrading.md); one version fleet-wide keeps both modes supported.
 */
const SPIRE_VERSION = '1.15.1';
/** Pinned SPIRE server image. */
export const SPIRE_SERVER_IMAGE = `ghcr.io/spiffe/spire-server:${SPIRE_VERSION}`;
/** Pinned SPIRE agent image. */
export const SPIRE_AGENT_IMAGE = `ghcr.io/spiffe/spire-agent:${SPIRE_VERSION}`;
/** Pinned spire-controller-manager image, the version of the ClusterSPIFFEID CRD in `imports/`. */
export const SPIRE_CONTROLLER_MANAGER_IMAGE = 'ghcr.io/spiffe/spire-controller-manager:0.6.6';
/** Label that opts a pod into the default workload identity. */
export const WORKLOAD_TYPE_LABEL = 'edge.workload/type';

/** A SPIRE server at the hub (cloud) that the site's agents connect to. */
export interface SpireHubServer {
  /** Host name or IP address of the hub's SPIRE server (no scheme, no port). */
  readonly address: string;
  /**
   * Port the hub's SPIRE server is reached at: its Service's port, which the fleet's
   * hub (CloudHubStack) sets to the chart's 443, forwarding to the server's 8081.
   * @default 443
   */
  readonly port?: number;
}

/** A registration rule: which pods get which SPIFFE ID (a ClusterSPIFFEID). */
export interface SpireIdentity {
  /** Name of the ClusterSPIFFEID (DNS-1123 subdomain), unique in the site. */
  readonly name: string;
  /** SPIFFE ID template (spire-controller-manager syntax), starting with `spiffe://<trust domain>/`. */
  readonly spiffeIdTemplate: string;
  /**
   * Labels a pod must carry to get the ID.
   * @default - every pod of the selected namespaces
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Labels a namespace must carry for its pods to get the ID.
   * @default - every namespace except the SPIRE and kube-* ones
   */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /**
   * DNS name templates put into the X509-SVID.
   * @default - none
   */
  readonly dnsNameTemplates?: readonly string[];
  /**
   * Upper bound of the X509-SVID lifetime (Go duration).
   * @default - the server's svidTtl
   */
  readonly ttl?: string;
}

/** What SpireEdge deploys and how; shared by code and the inventory's `components.spire`. */
export interface SpireEdgeOptions {
  /** The SPIFFE trust domain, e.g. `factory.example.com`. */
  readonly trustDomain: string;
  /**
   * Name of this cluster in the k8s_psat attestor and the controller manager.
   * @default - the site name
   */
  readonly clusterName?: string;
  /**
   * The hub's SPIRE server, for sites whose agents attest to a server in the cloud:
   * one trust domain, the hub's (`trustDomain` must equal it). The agents may reach it
   * at its address when that is an IP, else at the site's `network.cloudCidrs`, else
   * at any address, on its port only. The hub attests the agents with this site's
   * `clusterName`, registers its ClusterSPIFFEIDs with a controller manager for this
   * cluster and publishes the trust bundle into `spire-system/spire-bundle`, acting in
   * the site as the `spire-hub` ServiceAccount of `spire-system` (its token is issued
   * out of band; see README "SPIRE").
   * @default - a SPIRE server (and spire-controller-manager) runs in the site
   */
  readonly hubServer?: SpireHubServer;
  /**
   * Lifetime of the server's signing CA (Go duration).
   * @default '24h'
   */
  readonly caTtl?: string;
  /**
   * Default lifetime of X509-SVIDs; shorter than caTtl.
   * @default '1h'
   */
  readonly svidTtl?: string;
  /**
   * Default lifetime of JWT-SVIDs; shorter than caTtl.
   * @default '5m'
   */
  readonly jwtSvidTtl?: string;
  /**
   * Registration rules besides the default one (`spiffe://<trust domain>/workload/{{ .PodMeta.Name }}`
   * for pods labelled `edge.workload/type: service`).
   * @default []
   */
  readonly identities?: readonly SpireIdentity[];
  /**
   * Size of the server's data volume (sqlite data store and CA keys).
   * @default '1Gi'
   */
  readonly storageSize?: string;
  /**
   * StorageClass of the server's data volume.
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;
  /**
   * Node the server is pinned to.
   * @default - any node of the site's tier
   */
  readonly serverNode?: string;
  /**
   * Host path of the CA that signed the kubelets' serving certificates, so the agent
   * verifies the kubelet it asks about pods.
   * @default '/var/lib/rancher/k3s/agent/server-ca.crt' (k3s); required when the site has plain-kubelet nodes
   */
  readonly kubeletCaPath?: string;
  /**
   * Skip verifying the kubelet's serving certificate (only for kubelets with self-signed certificates).
   * @default false
   */
  readonly skipKubeletVerification?: boolean;
  /**
   * Host directory of the Workload API socket (`spire-agent.sock`), shared with the SPIFFE CSI driver.
   * @default '/run/spire/agent-sockets'
   */
  readonly socketHostPath?: string;
  /** Requests and limits of the server container. @default - the tier budget */
  readonly serverResources?: AppResources;
  /** Requests and limits of the controller manager container. @default - the tier budget */
  readonly controllerManagerResources?: AppResources;
  /** Requests and limits of the agent container. @default - the budget of the smallest tier of the site's nodes */
  readonly agentResources?: AppResources;
}

/** Props of SpireEdge. */
export interface SpireEdgeProps extends SpireEdgeOptions {}

/**
 * SPIFFE/SPIRE for a site, modelled on the SPIFFE hardened Helm charts: a SPIRE
 * server StatefulSet (sqlite on a PVC, k8s_psat node attestation, the trust bundle
 * published to a ConfigMap) with spire-controller-manager beside it in
 * `spire-server`, or a hub server in the cloud; a SPIRE agent on every node in
 * `spire-system` (hostPID and a hostPath socket directory, a documented Pod
 * Security exception, never privileged); ClusterSPIFFEIDs that register
 * workloads; least-privilege RBAC and the network allows between them.
 *
 * The SPIRE CRDs and the SPIFFE CSI driver (how restricted pods mount the Workload
 * API) come with the platform layer.
 */
export class SpireEdge extends Construct {
  /** The trust domain. */
  public readonly trustDomain: string;
  /** host:port the agents dial. */
  public readonly serverAddress: string;
  /** The ClusterSPIFFEIDs, the default one first. */
  public readonly identities: readonly ClusterSpiffeid[];

  public constructor(scope: Construct, id: string, props: SpireEdgeProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkSpireEdgeOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `SpireEdge ${this.node.path} is invalid`);

    this.trustDomain = props.trustDomain;
    const clusterName = props.clusterName ?? site.spec.name;
    const serverHost = props.hubServer?.address ?? `spire-server.${SPIRE_SERVER_NAMESPACE}.svc`;
    const serverPort = props.hubServer ? props.hubServer.port ?? SPIRE_HUB_SERVER_PORT : SPIRE_PORTS.grpc;
    this.serverAddress = `${serverHost}:${serverPort}`;

    const namespaces = { serverNamespace: SPIRE_SERVER_NAMESPACE, agentNamespace: SPIRE_AGENT_NAMESPACE };
    if (props.hubServer) {
      this.grantHub();
    } else {
      site.ensureNamespace(SPIRE_SERVER_NAMESPACE);
      addSpireServer(this, site, {
        ...props, ...namespaces, clusterName,
        ignoreNamespaces: SPIRE_IGNORED_NAMESPACES,
        agentServiceAccount: SPIRE_AGENT_ACCOUNT,
        serverImage: SPIRE_SERVER_IMAGE,
        controllerManagerImage: SPIRE_CONTROLLER_MANAGER_IMAGE,
      });
    }
    addSpireAgent(this, site, { ...props, ...namespaces, clusterName, serverHost, serverPort, agentImage: SPIRE_AGENT_IMAGE });
    this.identities = this.addIdentities(props);
    this.addNetworkAllows(site, props, serverPort);
  }

  /**
   * The identity the hub's SPIRE server and its controller manager for this cluster
   * use here: the rights a site-local server has (k8s_psat's TokenReview, the
   * registrations, the bundle ConfigMap) plus the controller manager's leader-election
   * Lease. Its token is issued out of band (the site folder writes no Secret), and the
   * operator turns it into this cluster's kubeconfig in the hub's kubeconfig Secret.
   */
  private grantHub(): void {
    const account = { name: SPIRE_HUB_ACCOUNT, namespace: SPIRE_AGENT_NAMESPACE };
    new k8s.KubeServiceAccount(this, 'HubAccount', { metadata: { ...account } });
    clusterGrant(this, 'HubAttestor', 'edge-spire-hub', [...SERVER_ATTESTOR_RULES, ...CONTROLLER_MANAGER_RULES], account);
    namespaceGrant(this, 'HubBundle', 'spire-bundle-publisher', SPIRE_AGENT_NAMESPACE, bundleRules(BUNDLE_CONFIG_MAP), account);
    namespaceGrant(this, 'HubLeaderElection', 'spire-hub-leader-election', SPIRE_PLATFORM_NAMESPACE, LEADER_ELECTION_RULES, account);
  }

  private addIdentities(props: SpireEdgeProps): ClusterSpiffeid[] {
    const all: SpireIdentity[] = [
      {
        name: DEFAULT_IDENTITY_NAME,
        spiffeIdTemplate: `spiffe://${props.trustDomain}/workload/{{ .PodMeta.Name }}`,
        podLabels: { [WORKLOAD_TYPE_LABEL]: 'service' },
      },
      ...props.identities ?? [],
    ];
    return all.map((identity) => new ClusterSpiffeid(this, `Identity-${identity.name}`, {
      metadata: { name: identity.name },
      spec: {
        className: CONTROLLER_CLASS,
        spiffeIdTemplate: identity.spiffeIdTemplate,
        podSelector: identity.podLabels ? { matchLabels: { ...identity.podLabels } } : undefined,
        namespaceSelector: identity.namespaceLabels ? { matchLabels: { ...identity.namespaceLabels } } : undefined,
        dnsNameTemplates: identity.dnsNameTemplates ? [...identity.dnsNameTemplates] : undefined,
        ttl: identity.ttl,
      },
    }));
  }

  /**
   * Agents reach the server's agent API and their kubelet; the server reaches the
   * Kubernetes API (TokenReview, the bundle ConfigMap, the controller manager's watches).
   */
  private addNetworkAllows(site: EdgeSite, props: SpireEdgeProps, serverPort: number): void {
    const hub = props.hubServer;
    const serverPeer = hub
      ? { kind: 'cidrs' as const, cidrs: hubCidrs(hub.address, site.spec.network.cloudCidrs) }
      : { kind: 'pods' as const, namespace: SPIRE_SERVER_NAMESPACE, labels: SPIRE_SERVER_LABELS };
    addAllowPolicy(this, 'AgentEgress', site.spec, {
      name: 'spire-agent',
      namespace: SPIRE_AGENT_NAMESPACE,
      podLabels: SPIRE_AGENT_LABELS,
      egress: [
        { peer: serverPeer, ports: [{ port: serverPort }] },
        { peer: { kind: 'nodes' }, ports: [{ port: 10250 }] },
      ],
    });
    if (hub) return;
    addAllowPolicy(this, 'ServerIngress', site.spec, {
      name: 'spire-server',
      namespace: SPIRE_SERVER_NAMESPACE,
      podLabels: SPIRE_SERVER_LABELS,
      ingress: [{ peer: { kind: 'pods', namespace: SPIRE_AGENT_NAMESPACE, labels: SPIRE_AGENT_LABELS }, ports: [{ port: SPIRE_PORTS.grpc }] }],
      egress: [{ peer: { kind: 'api-server' } }],
    });
  }
}

/** Where the hub is: its address when it is an IP literal, else the site's cloud CIDRs, else anywhere. */
function hubCidrs(address: string, cloudCidrs: readonly string[]): string[] {
  if (isIP(address) === 4) return [`${address}/32`];
  if (isIP(address) === 6) return [`${address}/128`];
  return cloudCidrs.length > 0 ? [...cloudCidrs] : ['0.0.0.0/0', '::/0'];
}

/**
 * `components.spire` in the inventory: read with the construct's rules, built as
 * `<site>/Spire`. Registered in lib/private/components.ts.
 */
export const SPIRE_EDGE_COMPONENT = {
  key: 'spire' as const,
  read: readSpireEdgeOptions,
  build(site: EdgeSite, options: SpireEdgeOptions): void {
    new SpireEdge(site, 'Spire', options);
  },
};
