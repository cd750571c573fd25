import { k8s } from 'cdk8s-plus-28';
import type { ComputeResources, ContainerBudget } from '../spec/tier';

/**
 * The restricted Pod Security defaults every application pod of the library uses.
 * Constructs build their pods from these helpers instead of writing security
 * contexts by hand, so the defaults cannot drift between constructs.
 */

/** The uid/gid application pods run as when the user names none (the distroless `nonroot` user). */
export const DEFAULT_RUN_AS_USER = 65532;

/** The Pod Security Standards level a namespace enforces. */
export type PodSecurityProfile = 'restricted' | 'baseline' | 'privileged';

/** Annotation that names why an object needs more than the restricted profile. */
export const PSS_EXCEPTION_ANNOTATION = 'edge.cdk8s.io/pss-exception';

/** The user and groups a pod runs as. */
export interface PodIdentity {
  /**
   * uid of every container.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * Primary gid of every container.
   * @default - same as runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes, so a non-root process can write them.
   * @default - same as runAsGroup
   */
  readonly fsGroup?: number;
}

/** Pod-level security context of the restricted profile. */
export function restrictedPodSecurityContext(identity: PodIdentity = {}): k8s.PodSecurityContext {
  const runAsUser = identity.runAsUser ?? DEFAULT_RUN_AS_USER;
  const runAsGroup = identity.runAsGroup ?? runAsUser;
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    fsGroup: identity.fsGroup ?? runAsGroup,
    // Only change volume ownership when it is wrong: a recursive chown of a large
    // local volume at every restart delays recovery after a power cut.
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The pod-level fields every application pod of the library shares: its priority,
 * no service account token (none of them call the API), no service-link
 * environment variables, and the restricted pod security context.
 */
export function applicationPodDefaults(priorityClassName: string, identity: PodIdentity = {}): Pick<k8s.PodSpec, 'priorityClassName' | 'automountServiceAccountToken' | 'enableServiceLinks' | 'securityContext'> {
  return { priorityClassName, automountServiceAccountToken: false, enableServiceLinks: false, securityContext: restrictedPodSecurityContext(identity) };
}

/** Container-level security context of the restricted profile (read-only root filesystem). */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Requests and limits as a ResourceRequirements, quantities typed so patches cannot null them. */
export function containerResources(budget: ContainerBudget): k8s.ResourceRequirements {
  return { requests: quantities(budget.requests), limits: quantities(budget.limits) };
}

function quantities(resources: ComputeResources): Record<string, k8s.Quantity> {
  return { cpu: k8s.Quantity.fromString(resources.cpu), memory: k8s.Quantity.fromString(resources.memory) };
}

/** A writable path backed by an emptyDir, for images that write under a read-only root. */
export interface ScratchVolumes {
  /** The emptyDir volumes of the pod. */
  readonly volumes: k8s.Volume[];
  /** Their mounts in the container. */
  readonly volumeMounts: k8s.VolumeMount[];
}

/**
 * One emptyDir per writable path (`/tmp` → volume `tmp`), with a size limit so a
 * runaway writer is evicted instead of filling the node's disk.
 */
export function scratchVolumes(paths: readonly string[], sizeLimit: string): ScratchVolumes {
  const volumes: k8s.Volume[] = [];
  const volumeMounts: k8s.VolumeMount[] = [];
  paths.forEach((mountPath, index) => {
    const name = scratchVolumeName(mountPath, index);
    volumes.push({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit) } });
    volumeMounts.push({ name, mountPath });
  });
  return { volumes, volumeMounts };
}

function scratchVolumeName(mountPath: string, index: number): string {
  const slug = mountPath.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);
  return `scratch-${index}${slug ? `-${slug}` : ''}`.replace(/-+$/, '');
}

/** Labels that make a namespace enforce, audit and warn at a Pod Security level. */
export function podSecurityLabels(level: PodSecurityProfile, kubernetesVersion: string): Record<string, string> {
  const version = `v${kubernetesVersion}`;
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': version,
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': version,
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': version,
  };
}
