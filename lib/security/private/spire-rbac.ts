import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';

/**
 * The RBAC of SPIRE, narrowed from the SPIFFE hardened charts to what each part
 * calls: no wildcards, no write access beyond the bundle ConfigMap and the
 * ClusterSPIFFEID status.
 */

/** k8s_psat: review the agents' tokens, read the pod and node they name. */
export const SERVER_ATTESTOR_RULES: k8s.PolicyRule[] = [
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get'] },
];

/** spire-controller-manager: watch what it registers, write back ClusterSPIFFEID status. */
export const CONTROLLER_MANAGER_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces', 'nodes', 'pods', 'endpoints'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['spire.spiffe.io'], resources: ['clusterspiffeids', 'clusterstaticentries', 'clusterfederatedtrustdomains'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['spire.spiffe.io'], resources: ['clusterspiffeids/status', 'clusterstaticentries/status', 'clusterfederatedtrustdomains/status'], verbs: ['get', 'patch', 'update'] },
];

/** k8s workload attestor: the kubelet authorizes the agent's pod queries against these. */
export const AGENT_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'nodes', 'nodes/proxy'], verbs: ['get'] },
];

/** k8sbundle notifier: read and patch the one bundle ConfigMap. */
export function bundleRules(configMap: string): k8s.PolicyRule[] {
  return [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [configMap], verbs: ['get', 'patch'] }];
}

/**
 * Leader election of a spire-controller-manager that reaches this cluster from outside
 * (the hub's, for a hub-mode site): the chart turns it on and keeps its Lease in the
 * namespace named like the hub's server release namespace (`spire-platform`), which the
 * site's own SPIRE release creates.
 */
export const LEADER_ELECTION_RULES: k8s.PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

/** A subject: a ServiceAccount. */
export interface AccountRef {
  readonly name: string;
  readonly namespace: string;
}

/** A ClusterRole and its ClusterRoleBinding to the account, both named `name`. */
export function clusterGrant(scope: Construct, id: string, name: string, rules: k8s.PolicyRule[], account: AccountRef): void {
  new k8s.KubeClusterRole(scope, `${id}Role`, { metadata: { name }, rules });
  new k8s.KubeClusterRoleBinding(scope, `${id}Binding`, {
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: account.name, namespace: account.namespace }],
  });
}

/** A Role and its RoleBinding to the account, both named `name` in `namespace`. */
export function namespaceGrant(scope: Construct, id: string, name: string, namespace: string, rules: k8s.PolicyRule[], account: AccountRef): void {
  new k8s.KubeRole(scope, `${id}Role`, { metadata: { name, namespace }, rules });
  new k8s.KubeRoleBinding(scope, `${id}Binding`, {
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name: account.name, namespace: account.namespace }],
  });
}
