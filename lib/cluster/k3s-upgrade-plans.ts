import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Plan, PlanSpecDrain, PlanSpecDrainTimeout } from '../../imports/upgrade.cattle.io';
import { podTemplateOf } from '../core/policy/pod-security';
import { PSS_EXCEPTION_ANNOTATION } from '../core/workload/pod-defaults';
import { addAllowPolicy } from '../core/workload/network-allow';
import { EdgeSite } from '../fleet/edge-site';
import { tolerateAllEdgeTaints } from '../core/site/placement';
import type { ResolvedNodeSpec } from '../core/spec/site-spec';
import { K3S_UPGRADE_IMAGE } from '../core/node/k3s-versions';

/** The namespace of the system-upgrade-controller and its Plans. */
export const SYSTEM_UPGRADE_NAMESPACE = 'system-upgrade';
/** The ServiceAccount the system-upgrade-controller's manifest creates for its jobs. */
export const SYSTEM_UPGRADE_ACCOUNT = 'system-upgrade';
/** Name of the Plan that upgrades the servers. */
export const SERVER_PLAN = 'k3s-server';
/** Name of the Plan that upgrades the agents, after the servers. */
export const AGENT_PLAN = 'k3s-agent';
/** Why `system-upgrade` runs pods above `restricted`. */
export const UPGRADE_PSS_REASON = 'the system-upgrade-controller runs the k3s upgrade jobs privileged, in the host PID namespace and with the host root filesystem mounted, to replace the k3s binary and restart k3s';

/**
 * Rolling k3s upgrades of a site by the system-upgrade-controller (upgrade.cattle.io
 * Plans): the servers one at a time, then the agents (their Plan's `prepare` step
 * waits for the server Plan), both to the site's `cluster.k3sVersion`. Every node is
 * cordoned while it upgrades; it is drained only when other nodes of its role can
 * take its pods and no edge-critical workload of the site runs a single replica (a
 * drain would stop it until the node is back). Pods keep running through the k3s
 * restart either way: containerd keeps them.
 *
 * The Plans are not pods, but the jobs the controller makes from them are
 * privileged, so `system-upgrade` is a named Pod Security exception, and its
 * default deny lets the controller reach the API server. The k3s servers install the
 * controller and its CRD from their auto-deploying manifests (system-upgrade-controller.ts).
 */
export class K3sUpgradePlans extends Construct {
  /** The Plan for the servers, when the site has k3s servers. */
  public readonly serverPlan?: Plan;
  /** The Plan for the agents, when the site has k3s agents. */
  public readonly agentPlan?: Plan;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const { cluster } = site.spec;
    const upgrade = cluster.upgrade!;
    site.ensureNamespace(SYSTEM_UPGRADE_NAMESPACE).allowPodSecurity('privileged', UPGRADE_PSS_REASON);
    addAllowPolicy(this, 'AllowApiServer', site.spec, {
      name: 'allow-api-server-egress', namespace: SYSTEM_UPGRADE_NAMESPACE, egress: [{ peer: { kind: 'api-server' } }],
    });

    const k3sNodes = site.spec.nodes.filter((n) => n.runtime === 'k3s');
    const servers = k3sNodes.filter((n) => n.role === 'server');
    const agents = k3sNodes.filter((n) => n.role === 'agent');
    const critical = singleReplicaCriticalWorkloads(site);
    const image = cluster.systemDefaultRegistry !== undefined ? `${cluster.systemDefaultRegistry}/${K3S_UPGRADE_IMAGE}` : K3S_UPGRADE_IMAGE;
    const plan = (planId: string, name: string, nodes: readonly ResolvedNodeSpec[], concurrency: number, prepare: boolean) => new Plan(this, planId, {
      metadata: { name, namespace: SYSTEM_UPGRADE_NAMESPACE, annotations: { [PSS_EXCEPTION_ANNOTATION]: UPGRADE_PSS_REASON } },
      spec: {
        version: cluster.k3sVersion,
        concurrency,
        cordon: true,
        ...(nodes.length > 1 && critical.length === 0 ? { drain: DRAIN } : {}),
        nodeSelector: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: nodes.map((n) => n.name) }] },
        serviceAccountName: SYSTEM_UPGRADE_ACCOUNT,
        tolerations: tolerateAllEdgeTaints(),
        ...(prepare ? { prepare: { image, args: ['prepare', SERVER_PLAN] } } : {}),
        upgrade: { image },
      },
    });
    // Servers go one at a time whatever the site's concurrency: etcd keeps quorum.
    if (servers.length > 0) this.serverPlan = plan('ServerPlan', SERVER_PLAN, servers, 1, false);
    if (agents.length > 0) this.agentPlan = plan('AgentPlan', AGENT_PLAN, agents, Math.min(upgrade.concurrency, agents.length), servers.length > 0);
  }
}

/** Evict through the Eviction API (PodDisruptionBudgets hold), emptyDirs are scratch space, node agents stay. */
const DRAIN: PlanSpecDrain = {
  force: false,
  ignoreDaemonSets: true,
  deleteEmptydirData: true,
  timeout: PlanSpecDrainTimeout.fromString('10m'),
};

/**
 * Deployments and StatefulSets of the site (built so far) that run one edge-critical
 * replica: draining their node would stop them, so the Plans only cordon.
 */
function singleReplicaCriticalWorkloads(site: EdgeSite): string[] {
  return site.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && (c.kind === 'Deployment' || c.kind === 'StatefulSet'))
    .map((o) => o.toJson())
    .filter((json) => (json.spec?.replicas ?? 1) === 1 && podTemplateOf(json)?.spec.priorityClassName === 'edge-critical')
    .map((json) => `${json.kind} ${json.metadata.namespace}/${json.metadata.name}`);
}
