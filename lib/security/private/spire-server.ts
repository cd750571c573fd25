import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { workloadLabels } from '../../core/site/labels';
import { parseBytes, parseCpuMillis } from '../../core/validation/quantity';
import type { EdgeSite } from '../../fleet/edge-site';
import { placePods } from '../../core/site/placement';
import { tierProfile } from '../../core/spec/tier';
import {
  containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolumes,
} from '../../core/workload/pod-defaults';
import type { SpireEdgeOptions } from '../spire-edge';
import { podBudget, resolveBudget } from '../../core/workload/resources';
import { clusterGrant, CONTROLLER_MANAGER_RULES, namespaceGrant, SERVER_ATTESTOR_RULES, bundleRules } from './spire-rbac';
import { SPIRE_HUB_BUNDLE_CONFIG_MAP } from '../spire-hub';
import { controllerManagerConfig, serverConfig, SPIRE_PATHS, SPIRE_PORTS } from './spire-config';

/** Labels the server's pods carry and its Service selects. */
export const SPIRE_SERVER_LABELS = workloadLabels('spire-server');
/** Name of the ConfigMap the server publishes the trust bundle to, in the agents' namespace. */
export const BUNDLE_CONFIG_MAP = SPIRE_HUB_BUNDLE_CONFIG_MAP;

const SERVER_ACCOUNT = 'spire-server';
const CONFIG_HASH_ANNOTATION = 'edge.cdk8s.io/config-hash';

/** What the server needs beyond the options. */
export interface SpireServerInput extends SpireEdgeOptions {
  readonly clusterName: string;
  readonly ignoreNamespaces: readonly string[];
  readonly serverNamespace: string;
  readonly agentNamespace: string;
  readonly agentServiceAccount: string;
  readonly serverImage: string;
  readonly controllerManagerImage: string;
}

/**
 * The SPIRE server: a one-replica StatefulSet (sqlite cannot be shared) with its
 * data on a PVC, spire-controller-manager beside it on the server's admin socket,
 * their config, the Service the agents dial, and their RBAC.
 */
export function addSpireServer(scope: Construct, site: EdgeSite, input: SpireServerInput): k8s.KubeStatefulSet {
  const ns = input.serverNamespace;
  new k8s.KubeServiceAccount(scope, 'ServerAccount', { metadata: { name: SERVER_ACCOUNT, namespace: ns } });
  const account = { name: SERVER_ACCOUNT, namespace: ns };
  clusterGrant(scope, 'ServerAttestor', 'edge-spire-server', SERVER_ATTESTOR_RULES, account);
  clusterGrant(scope, 'ControllerManager', 'edge-spire-controller-manager', CONTROLLER_MANAGER_RULES, account);
  namespaceGrant(scope, 'Bundle', 'spire-bundle-publisher', input.agentNamespace, bundleRules(BUNDLE_CONFIG_MAP), account);

  const serverConf = serverConfig({
    trustDomain: input.trustDomain,
    clusterName: input.clusterName,
    agentServiceAccount: `${input.agentNamespace}:${input.agentServiceAccount}`,
    bundleNamespace: input.agentNamespace,
    bundleConfigMap: BUNDLE_CONFIG_MAP,
    caTtl: input.caTtl ?? '24h',
    svidTtl: input.svidTtl ?? '1h',
    jwtSvidTtl: input.jwtSvidTtl ?? '5m',
  });
  const managerConf = controllerManagerConfig({ trustDomain: input.trustDomain, clusterName: input.clusterName, ignoreNamespaces: input.ignoreNamespaces });
  new k8s.KubeConfigMap(scope, 'ServerConfig', { metadata: { name: 'spire-server', namespace: ns }, data: { 'server.conf': serverConf } });
  new k8s.KubeConfigMap(scope, 'ControllerManagerConfig', {
    metadata: { name: 'spire-controller-manager', namespace: ns },
    data: { 'controller-manager-config.yaml': managerConf },
  });
  new k8s.KubeService(scope, 'ServerService', {
    metadata: { name: 'spire-server', namespace: ns, labels: { ...SPIRE_SERVER_LABELS } },
    spec: {
      type: 'ClusterIP',
      selector: { ...SPIRE_SERVER_LABELS },
      ports: [{ name: 'grpc', port: SPIRE_PORTS.grpc, targetPort: k8s.IntOrString.fromString('grpc'), protocol: 'TCP' }],
    },
  });

  const pinned = site.spec.nodes.find((n) => n.name === input.serverNode);
  const tier = pinned?.tier ?? site.spec.tier;
  const tierBudget = tierProfile(tier).containerBudget;
  const serverBudget = resolveBudget(input.serverResources, tierBudget);
  const managerBudget = resolveBudget(input.controllerManagerResources, tierBudget);
  // One /tmp for both containers: neither keeps anything there across restarts.
  const scratch = scratchVolumes(['/tmp'], '64Mi');
  const socket = { name: 'spire-server-socket', mountPath: SPIRE_PATHS.serverSocketDir };

  const server: k8s.Container = {
    name: 'spire-server',
    image: input.serverImage,
    imagePullPolicy: 'IfNotPresent',
    args: ['-config', `${SPIRE_PATHS.serverConfigDir}/server.conf`],
    ports: [
      { name: 'grpc', containerPort: SPIRE_PORTS.grpc, protocol: 'TCP' },
      { name: 'healthz', containerPort: SPIRE_PORTS.serverHealth, protocol: 'TCP' },
    ],
    resources: containerResources(serverBudget),
    securityContext: restrictedContainerSecurityContext(),
    livenessProbe: httpProbe('/live', 'healthz', 15, 60, 2),
    readinessProbe: httpProbe('/ready', 'healthz', 5, 5, 3),
    volumeMounts: [
      { name: 'spire-config', mountPath: SPIRE_PATHS.serverConfigDir, readOnly: true },
      { name: 'spire-data', mountPath: SPIRE_PATHS.serverDataDir },
      ...scratch.volumeMounts,
      socket,
    ],
  };
  const manager: k8s.Container = {
    name: 'spire-controller-manager',
    image: input.controllerManagerImage,
    imagePullPolicy: 'IfNotPresent',
    args: [`--config=${SPIRE_PATHS.controllerManagerConfig}`],
    // The admission webhook would need a ValidatingWebhookConfiguration and API
    // server access to the pod; spec checks happen at synth time instead.
    env: [{ name: 'ENABLE_WEBHOOKS', value: 'false' }],
    ports: [{ name: 'healthz', containerPort: SPIRE_PORTS.managerHealth, protocol: 'TCP' }],
    resources: containerResources(managerBudget),
    securityContext: restrictedContainerSecurityContext(),
    livenessProbe: httpProbe('/healthz', 'healthz', 15, 10, 3),
    readinessProbe: httpProbe('/readyz', 'healthz', 5, 10, 3),
    volumeMounts: [
      { name: 'controller-manager-config', mountPath: SPIRE_PATHS.controllerManagerConfig, subPath: 'controller-manager-config.yaml', readOnly: true },
      ...scratch.volumeMounts,
      { ...socket, readOnly: true },
    ],
  };
  const metadata = { name: 'spire-server', namespace: ns, labels: { ...SPIRE_SERVER_LABELS } };
  const statefulSet = new k8s.KubeStatefulSet(scope, 'Server', {
    metadata,
    spec: {
      replicas: 1,
      serviceName: 'spire-server',
      selector: { matchLabels: { ...SPIRE_SERVER_LABELS } },
      template: {
        metadata: {
          labels: { ...SPIRE_SERVER_LABELS },
          // Pods restart when their config changes, like the chart's checksum annotations.
          annotations: { [CONFIG_HASH_ANNOTATION]: hash(serverConf + managerConf) },
        },
        spec: {
          ...placePods({ tiers: [tier], nodeName: input.serverNode }),
          serviceAccountName: SERVER_ACCOUNT,
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          priorityClassName: 'edge-critical',
          securityContext: restrictedPodSecurityContext(),
          containers: [server, manager],
          volumes: [
            { name: 'spire-config', configMap: { name: 'spire-server' } },
            { name: 'controller-manager-config', configMap: { name: 'spire-controller-manager' } },
            { name: 'spire-server-socket', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } },
            ...scratch.volumes,
          ],
        },
      },
      volumeClaimTemplates: [{
        metadata: { name: 'spire-data' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: input.storageClass,
          resources: { requests: { storage: k8s.Quantity.fromString(input.storageSize ?? '1Gi') } },
        },
      }],
    },
  });
  const pod = podBudget([serverBudget, managerBudget]);
  site.registerWorkload({
    path: statefulSet.node.path,
    description: `StatefulSet ${ns}/spire-server`,
    tiers: [tier],
    nodeName: input.serverNode,
    replicas: 1,
    cpuMillis: parseCpuMillis(pod.requests.cpu)!,
    memoryBytes: parseBytes(pod.requests.memory)!,
  });
  return statefulSet;
}

/** An HTTP GET probe on a named port. */
export function httpProbe(path: string, port: string, initialDelaySeconds: number, periodSeconds: number, failureThreshold: number): k8s.Probe {
  return { httpGet: { path, port: k8s.IntOrString.fromString(port) }, initialDelaySeconds, periodSeconds, failureThreshold, timeoutSeconds: 3 };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
