import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { applicationPodDefaults, containerResources, restrictedContainerSecurityContext, scratchVolumes } from './pod-defaults';
import { placePods } from '../site/placement';
import type { ContainerBudget, Tier } from '../spec/tier';

/** A one-replica Deployment whose pod owns one volume claim (a cache, an outbox). */
export interface ClaimDeploymentOptions {
  /** Name of the Deployment. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Labels of the Deployment and its pods, and its selector. */
  readonly labels: Readonly<Record<string, string>>;
  /** Tier the pod is placed on. */
  readonly tier: Tier;
  /**
   * Node the pod is pinned to.
   * @default - any node of the tier
   */
  readonly node?: string;
  /**
   * UID the pod runs as.
   * @default - the library's default non-root UID
   */
  readonly runAsUser?: number;
  /** The container's resources, from its budget. */
  readonly budget: ContainerBudget;
  /** The container, without resources, security context and volume mounts (added here). */
  readonly container: k8s.Container;
  /**
   * More containers of the pod, without security context and volume mounts: each gets the
   * same security context and mounts as `container`, and keeps the resources it names.
   * @default - none
   */
  readonly sidecars?: readonly k8s.Container[];
  /** The claim's volume: its name in the pod, the claim, and where the container mounts it. */
  readonly volume: { readonly name: string; readonly claimName: string; readonly mountPath: string };
}

/**
 * The Deployment: restricted pod and container defaults, a writable `/tmp` beside a
 * read-only root filesystem, and the `Recreate` strategy, because the claim is a
 * single-node volume: the old pod stops before the new one mounts it.
 */
export function claimDeployment(scope: Construct, options: ClaimDeploymentOptions): k8s.KubeDeployment {
  const scratch = scratchVolumes(['/tmp'], '64Mi');
  const { volume, labels } = options;
  return new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: { name: options.name, namespace: options.namespace, labels: { ...labels } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...labels } },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          ...placePods({ tiers: [options.tier], nodeName: options.node }),
          ...applicationPodDefaults('edge-critical', { runAsUser: options.runAsUser }),
          containers: [{ ...options.container, resources: containerResources(options.budget) }, ...(options.sidecars ?? [])].map((container) => ({
            ...container,
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [{ name: volume.name, mountPath: volume.mountPath }, ...scratch.volumeMounts],
          })),
          volumes: [{ name: volume.name, persistentVolumeClaim: { claimName: volume.claimName } }, ...scratch.volumes],
        },
      },
    },
  });
}
