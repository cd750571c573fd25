import { groupOf } from './site-object';

/**
 * The built-in kinds a Kubernetes API server serves by default, per minor: every kind of a GA
 * version (`v1`, `v2`) in the OpenAPI definitions of that minor, read from the Kubernetes JSON
 * schemas 1.25–1.32 (the test suite derives this table from them again and compares). Beta and
 * alpha versions are left out: since 1.24 no new beta API is on by default, and the older betas
 * still present in 1.25–1.32 all have a GA version, so a site that writes one is not portable.
 */

/** `apiVersion` → kind → [first minor, last minor] served. */
export const BUILTIN_KINDS: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> = {
  'admissionregistration.k8s.io/v1': { MutatingWebhookConfiguration: [25, 32], ValidatingAdmissionPolicy: [30, 32], ValidatingAdmissionPolicyBinding: [30, 32], ValidatingWebhookConfiguration: [25, 32] },
  'apiextensions.k8s.io/v1': { CustomResourceDefinition: [25, 32] },
  'apiregistration.k8s.io/v1': { APIService: [25, 32] },
  'apps/v1': { ControllerRevision: [25, 32], DaemonSet: [25, 32], Deployment: [25, 32], ReplicaSet: [25, 32], StatefulSet: [25, 32] },
  'autoscaling/v1': { HorizontalPodAutoscaler: [25, 32] },
  'autoscaling/v2': { HorizontalPodAutoscaler: [25, 32] },
  'batch/v1': { CronJob: [25, 32], Job: [25, 32] },
  'certificates.k8s.io/v1': { CertificateSigningRequest: [25, 32] },
  'coordination.k8s.io/v1': { Lease: [25, 32] },
  'discovery.k8s.io/v1': { EndpointSlice: [25, 32] },
  'events.k8s.io/v1': { Event: [25, 32] },
  'flowcontrol.apiserver.k8s.io/v1': { FlowSchema: [29, 32], PriorityLevelConfiguration: [29, 32] },
  'networking.k8s.io/v1': { Ingress: [25, 32], IngressClass: [25, 32], NetworkPolicy: [25, 32] },
  'node.k8s.io/v1': { RuntimeClass: [25, 32] },
  'policy/v1': { PodDisruptionBudget: [25, 32] },
  'rbac.authorization.k8s.io/v1': { ClusterRole: [25, 32], ClusterRoleBinding: [25, 32], Role: [25, 32], RoleBinding: [25, 32] },
  'scheduling.k8s.io/v1': { PriorityClass: [25, 32] },
  'storage.k8s.io/v1': { CSIDriver: [25, 32], CSINode: [25, 32], CSIStorageCapacity: [25, 32], StorageClass: [25, 32], VolumeAttachment: [25, 32] },
  'v1': {
    ConfigMap: [25, 32], Endpoints: [25, 32], Event: [25, 32], LimitRange: [25, 32], Namespace: [25, 32], Node: [25, 32],
    PersistentVolume: [25, 32], PersistentVolumeClaim: [25, 32], Pod: [25, 32], PodTemplate: [25, 32], ReplicationController: [25, 32],
    ResourceQuota: [25, 32], Secret: [25, 32], Service: [25, 32], ServiceAccount: [25, 32],
  },
};

/** Whether a Kubernetes minor (e.g. 30 for 1.30) serves a built-in kind at this apiVersion. */
export function isBuiltinServed(apiVersion: string, kind: string, minor: number): boolean {
  const range = BUILTIN_KINDS[apiVersion]?.[kind];
  return range !== undefined && minor >= range[0] && minor <= range[1];
}

/** Whether an apiVersion belongs to Kubernetes itself (core or a `*.k8s.io` / built-in group). */
export function isBuiltinGroup(apiVersion: string): boolean {
  const group = groupOf(apiVersion);
  return group === '' || group.endsWith('.k8s.io') || ['apps', 'autoscaling', 'batch', 'policy'].includes(group);
}

/** The minor of a `1.NN` Kubernetes version. */
export function kubernetesMinor(version: string): number {
  return Number(version.split('.')[1]);
}
