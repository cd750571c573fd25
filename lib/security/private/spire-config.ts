/**
 * The configuration files of SPIRE, in the JSON form of SPIRE's HCL config
 * (SPIRE reads either; the SPIFFE hardened Helm charts ship JSON too). Plugin
 * sections are lists of single-key objects, as HCL's repeated blocks become.
 */

import { SPIRE_CONTROLLER_CLASS, SPIRE_HUB_BUNDLE_KEY, SPIRE_HUB_PSAT_AUDIENCE } from '../spire-hub';

/** Paths and ports shared by the config files and the pod specs. */
export const SPIRE_PATHS = {
  serverDataDir: '/run/spire/data',
  serverConfigDir: '/run/spire/config',
  serverSocketDir: '/tmp/spire-server/private',
  serverSocket: '/tmp/spire-server/private/api.sock',
  agentConfigDir: '/opt/spire/conf/agent',
  agentDataDir: '/var/lib/spire',
  agentSocketDir: '/tmp/spire-agent/public',
  agentSocketName: 'spire-agent.sock',
  bundleDir: '/run/spire/bundle',
  bundleKey: SPIRE_HUB_BUNDLE_KEY,
  tokenDir: '/var/run/secrets/tokens',
  tokenFile: 'spire-agent',
  kubeletCa: '/run/spire/kubelet-ca/ca.crt',
  controllerManagerConfig: '/controller-manager-config.yaml',
} as const;

export const SPIRE_PORTS = { grpc: 8081, serverHealth: 8080, agentHealth: 9980, managerMetrics: 8082, managerHealth: 8083 } as const;

/** The audience the agent's projected token is minted for and the server's k8s_psat checks. */
export const PSAT_AUDIENCE = SPIRE_HUB_PSAT_AUDIENCE;
/** The class the controller manager and the ClusterSPIFFEIDs share, so another install never picks them up. */
export const CONTROLLER_CLASS = SPIRE_CONTROLLER_CLASS;

/** What server.conf says. */
export interface ServerConfigInput {
  readonly trustDomain: string;
  readonly clusterName: string;
  readonly agentServiceAccount: string;
  readonly bundleNamespace: string;
  readonly bundleConfigMap: string;
  readonly caTtl: string;
  readonly svidTtl: string;
  readonly jwtSvidTtl: string;
}

/** server.conf: sqlite data store on the PVC, disk key manager, k8s_psat for the site's cluster, the bundle ConfigMap notifier. */
export function serverConfig(input: ServerConfigInput): string {
  return json({
    server: {
      bind_address: '0.0.0.0',
      bind_port: String(SPIRE_PORTS.grpc),
      socket_path: SPIRE_PATHS.serverSocket,
      trust_domain: input.trustDomain,
      data_dir: SPIRE_PATHS.serverDataDir,
      log_level: 'INFO',
      ca_ttl: input.caTtl,
      default_x509_svid_ttl: input.svidTtl,
      default_jwt_svid_ttl: input.jwtSvidTtl,
    },
    plugins: {
      DataStore: [{ sql: { plugin_data: { database_type: 'sqlite3', connection_string: `${SPIRE_PATHS.serverDataDir}/datastore.sqlite3` } } }],
      // Only the agents' own service account may attest; a token of any other
      // account in the cluster is refused even with the right audience.
      NodeAttestor: [{ k8s_psat: { plugin_data: { clusters: { [input.clusterName]: { service_account_allow_list: [input.agentServiceAccount], audience: [PSAT_AUDIENCE] } } } } }],
      KeyManager: [{ disk: { plugin_data: { keys_path: `${SPIRE_PATHS.serverDataDir}/keys.json` } } }],
      Notifier: [{ k8sbundle: { plugin_data: { namespace: input.bundleNamespace, config_map: input.bundleConfigMap, config_map_key: SPIRE_PATHS.bundleKey } } }],
    },
    health_checks: healthChecks(SPIRE_PORTS.serverHealth),
  });
}

/** What agent.conf says. */
export interface AgentConfigInput {
  readonly trustDomain: string;
  readonly clusterName: string;
  readonly serverAddress: string;
  readonly serverPort: number;
  /** Verify the kubelet's serving certificate with the mounted CA; false skips verification. */
  readonly verifyKubelet: boolean;
  /** Environment variable holding the address the agent reaches its kubelet at. */
  readonly kubeletAddressEnv: string;
}

/** agent.conf: k8s_psat node attestation, the k8s workload attestor, trust bundle from the bundle ConfigMap. */
export function agentConfig(input: AgentConfigInput): string {
  const kubelet = input.verifyKubelet ? { kubelet_ca_path: SPIRE_PATHS.kubeletCa } : { skip_kubelet_verification: true };
  return json({
    agent: {
      data_dir: SPIRE_PATHS.agentDataDir,
      log_level: 'INFO',
      server_address: input.serverAddress,
      server_port: String(input.serverPort),
      socket_path: `${SPIRE_PATHS.agentSocketDir}/${SPIRE_PATHS.agentSocketName}`,
      trust_bundle_path: `${SPIRE_PATHS.bundleDir}/${SPIRE_PATHS.bundleKey}`,
      trust_bundle_format: 'pem',
      trust_domain: input.trustDomain,
    },
    plugins: {
      NodeAttestor: [{ k8s_psat: { plugin_data: { cluster: input.clusterName, token_path: `${SPIRE_PATHS.tokenDir}/${SPIRE_PATHS.tokenFile}` } } }],
      // Keys in memory: a restarted agent attests again with a fresh pod token
      // instead of keeping key material on a disk that may leave the site.
      KeyManager: [{ memory: { plugin_data: {} } }],
      WorkloadAttestor: [{ k8s: { plugin_data: { ...kubelet, node_name_env: input.kubeletAddressEnv } } }],
    },
    health_checks: healthChecks(SPIRE_PORTS.agentHealth),
  });
}

/** What the spire-controller-manager config says. */
export interface ControllerManagerConfigInput {
  readonly trustDomain: string;
  readonly clusterName: string;
  readonly ignoreNamespaces: readonly string[];
}

/** The ControllerManagerConfig file: one replica, so no leader election (and no Lease permissions). */
export function controllerManagerConfig(input: ControllerManagerConfigInput): string {
  return json({
    apiVersion: 'spire.spiffe.io/v1alpha1',
    kind: 'ControllerManagerConfig',
    metrics: { bindAddress: `0.0.0.0:${SPIRE_PORTS.managerMetrics}` },
    health: { healthProbeBindAddress: `0.0.0.0:${SPIRE_PORTS.managerHealth}` },
    leaderElection: { leaderElect: false },
    clusterName: input.clusterName,
    trustDomain: input.trustDomain,
    ignoreNamespaces: [...input.ignoreNamespaces],
    spireServerSocketPath: SPIRE_PATHS.serverSocket,
    className: CONTROLLER_CLASS,
    watchClassless: false,
  });
}

function healthChecks(port: number): Record<string, unknown> {
  return { listener_enabled: true, bind_address: '0.0.0.0', bind_port: String(port), live_path: '/live', ready_path: '/ready' };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, undefined, 2)}\n`;
}
