import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { workloadLabels } from '../../core/site/labels';
import { parseBytes, parseCpuMillis } from '../../core/validation/quantity';
import type { EdgeSite } from '../../fleet/edge-site';
import { tolerateAllEdgeTaints } from '../../core/site/placement';
import { tierProfile, TIERS } from '../../core/spec/tier';
import {
  containerResources, PSS_EXCEPTION_ANNOTATION, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolumes,
} from '../../core/workload/pod-defaults';
import type { SpireEdgeOptions } from '../spire-edge';
import { resolveBudget } from '../../core/workload/resources';
import { agentConfig, PSAT_AUDIENCE, SPIRE_PATHS, SPIRE_PORTS } from './spire-config';
import { AGENT_RULES, clusterGrant } from './spire-rbac';
import { K3S_KUBELET_CA } from './spire-rules';
import { BUNDLE_CONFIG_MAP, httpProbe } from './spire-server';
import { SPIRE_HUB_AGENT_ACCOUNT } from '../spire-hub';

/** Labels the agents' pods carry. */
export const SPIRE_AGENT_LABELS = workloadLabels('spire-agent');
/** Service account of the agents; the only one the server's k8s_psat attestor accepts. */
export const SPIRE_AGENT_ACCOUNT = SPIRE_HUB_AGENT_ACCOUNT;
/** Why the agents run above the restricted profile; recorded on their namespace and DaemonSet. */
export const SPIRE_AGENT_PSS_REASON = 'SPIRE agent: hostPID to read the cgroups of the workloads it attests, hostPath for the Workload API socket directory and the kubelet CA, runs as root without capabilities to own that host directory';

const KUBELET_ADDRESS_ENV = 'KUBELET_ADDR';

/** What the agent needs beyond the options. */
export interface SpireAgentInput extends SpireEdgeOptions {
  readonly clusterName: string;
  readonly serverHost: string;
  readonly serverPort: number;
  readonly agentNamespace: string;
  readonly agentImage: string;
}

/**
 * The SPIRE agent on every node: k8s_psat attestation with a projected token,
 * the k8s workload attestor asking its own kubelet (at the host IP, so the pod
 * needs no host network), the Workload API socket in a host directory.
 */
export function addSpireAgent(scope: Construct, site: EdgeSite, input: SpireAgentInput): k8s.KubeDaemonSet {
  const ns = input.agentNamespace;
  site.ensureNamespace(ns).allowPodSecurity('privileged', SPIRE_AGENT_PSS_REASON);
  new k8s.KubeServiceAccount(scope, 'AgentAccount', { metadata: { name: SPIRE_AGENT_ACCOUNT, namespace: ns } });
  clusterGrant(scope, 'Agent', 'edge-spire-agent', AGENT_RULES, { name: SPIRE_AGENT_ACCOUNT, namespace: ns });
  // Filled by the site server's k8sbundle notifier, or in hub mode by the hub server's
  // k8s_configmap bundle publisher (with the site's kubeconfig); created empty so the
  // agents can mount it before the first bundle arrives. Appliers keep the publisher's data.
  new k8s.KubeConfigMap(scope, 'Bundle', { metadata: { name: BUNDLE_CONFIG_MAP, namespace: ns } });

  const verifyKubelet = input.skipKubeletVerification !== true;
  const conf = agentConfig({
    trustDomain: input.trustDomain,
    clusterName: input.clusterName,
    serverAddress: input.serverHost,
    serverPort: input.serverPort,
    verifyKubelet,
    kubeletAddressEnv: KUBELET_ADDRESS_ENV,
  });
  new k8s.KubeConfigMap(scope, 'AgentConfig', { metadata: { name: 'spire-agent', namespace: ns }, data: { 'agent.conf': conf } });

  // One pod spec for every node: the budget of the smallest tier it runs on.
  const tiers = TIERS.filter((t) => site.spec.nodes.some((n) => n.tier === t));
  const budget = resolveBudget(input.agentResources, tierProfile(tiers[0]).containerBudget);
  const scratch = scratchVolumes(['/tmp'], '64Mi');
  const asRoot = { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 };
  const container: k8s.Container = {
    name: 'spire-agent',
    image: input.agentImage,
    imagePullPolicy: 'IfNotPresent',
    args: ['-config', `${SPIRE_PATHS.agentConfigDir}/agent.conf`],
    env: [{ name: KUBELET_ADDRESS_ENV, valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }],
    ports: [{ name: 'healthz', containerPort: SPIRE_PORTS.agentHealth, protocol: 'TCP' }],
    resources: containerResources(budget),
    securityContext: { ...restrictedContainerSecurityContext(), ...asRoot },
    livenessProbe: httpProbe('/live', 'healthz', 15, 60, 2),
    readinessProbe: httpProbe('/ready', 'healthz', 5, 5, 3),
    volumeMounts: [
      { name: 'spire-config', mountPath: SPIRE_PATHS.agentConfigDir, readOnly: true },
      { name: 'spire-bundle', mountPath: SPIRE_PATHS.bundleDir, readOnly: true },
      { name: 'spire-token', mountPath: SPIRE_PATHS.tokenDir, readOnly: true },
      { name: 'spire-agent-data', mountPath: SPIRE_PATHS.agentDataDir },
      ...scratch.volumeMounts,
      { name: 'spire-agent-socket-dir', mountPath: SPIRE_PATHS.agentSocketDir },
      ...(verifyKubelet ? [{ name: 'kubelet-ca', mountPath: SPIRE_PATHS.kubeletCa, readOnly: true }] : []),
    ],
  };
  const annotations = { [PSS_EXCEPTION_ANNOTATION]: SPIRE_AGENT_PSS_REASON };
  const daemonSet = new k8s.KubeDaemonSet(scope, 'Agent', {
    metadata: { name: 'spire-agent', namespace: ns, labels: { ...SPIRE_AGENT_LABELS }, annotations },
    spec: {
      selector: { matchLabels: { ...SPIRE_AGENT_LABELS } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
      template: {
        metadata: { labels: { ...SPIRE_AGENT_LABELS }, annotations },
        spec: {
          hostPid: true,
          serviceAccountName: SPIRE_AGENT_ACCOUNT,
          // The workload attestor authenticates to the kubelet with this token.
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          priorityClassName: 'edge-critical',
          tolerations: tolerateAllEdgeTaints(),
          securityContext: { ...restrictedPodSecurityContext(), ...asRoot, fsGroup: undefined, fsGroupChangePolicy: undefined },
          containers: [container],
          volumes: [
            { name: 'spire-config', configMap: { name: 'spire-agent' } },
            { name: 'spire-bundle', configMap: { name: BUNDLE_CONFIG_MAP } },
            {
              name: 'spire-token',
              projected: { sources: [{ serviceAccountToken: { path: SPIRE_PATHS.tokenFile, expirationSeconds: 7200, audience: PSAT_AUDIENCE } }] },
            },
            { name: 'spire-agent-data', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ...scratch.volumes,
            { name: 'spire-agent-socket-dir', hostPath: { path: input.socketHostPath ?? '/run/spire/agent-sockets', type: 'DirectoryOrCreate' } },
            ...(verifyKubelet ? [{ name: 'kubelet-ca', hostPath: { path: input.kubeletCaPath ?? K3S_KUBELET_CA, type: 'File' } }] : []),
          ],
        },
      },
    },
  });
  site.registerWorkload({
    path: daemonSet.node.path,
    description: `DaemonSet ${ns}/spire-agent`,
    tiers,
    cpuMillis: parseCpuMillis(budget.requests.cpu)!,
    memoryBytes: parseBytes(budget.requests.memory)!,
  });
  return daemonSet;
}
