import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import { EdgeSite } from '../fleet/edge-site';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import type { Tier } from '../core/spec/tier';
import { assignClaims, DiskAssignment, LocalDisk } from './private/disk-assignment';
import { checkLocalStorageOptions, longhornReplicas } from './private/local-storage-rules';

/** What provides a LocalStorage class's volumes. */
export type LocalStorageProvisioner = 'local' | 'local-path' | 'longhorn';

/** Every LocalStorage provisioner. */
export const LOCAL_STORAGE_PROVISIONERS: readonly LocalStorageProvisioner[] = ['local', 'local-path', 'longhorn'];

/** The StorageClass name of each provisioner when none is given. */
export const DEFAULT_STORAGE_CLASS_NAMES: Readonly<Record<LocalStorageProvisioner, string>> = {
  'local': 'edge-local',
  'local-path': 'edge-local-path',
  'longhorn': 'edge-longhorn',
};

/** The site's local storage, as written under `components.localStorage` in the inventory. */
export interface LocalStorageOptions {
  /**
   * What provides the volumes.
   *
   * - `local`: the disks the site's nodes declare (`nodes[].disks`), one local
   *   PersistentVolume per disk (`kubernetes.io/no-provisioner`, bound when the first
   *   pod is scheduled, kept after its claim is deleted). A local volume is a whole disk:
   *   every claim of the site's components gets its own disk, reserved for it at synth
   *   time, and a claim that no free disk can hold is an error then, not a Pending pod.
   *   Claims take the smallest free disk that holds them (largest claim first, disks in
   *   declaration order on ties) unless they name their disk.
   * - `local-path`: k3s's bundled provisioner (`rancher.io/local-path`) makes one directory
   *   per claim under k3s's storage path on the node's root disk. Sizes are not enforced by
   *   the provisioner and not checked here; needs k3s with its `local-storage` component.
   * - `longhorn`: Longhorn (`driver.longhorn.io`, installed with the platform layer)
   *   replicates each volume over several nodes, so a volume survives the loss of a node.
   *
   * Volumes are always retained when their claim is deleted.
   * @default 'local'
   */
  readonly provisioner?: LocalStorageProvisioner;
  /**
   * Name of the StorageClass.
   * @default - `edge-local`, `edge-local-path` or `edge-longhorn` after the provisioner (a
   * StorageClass cannot change its provisioner in place, so each has its own name)
   */
  readonly className?: string;
  /**
   * The declared disks that become local volumes, as `<node>/<disk>` (`local` only).
   * @default - every disk the site's nodes declare
   */
  readonly disks?: readonly string[];
  /**
   * How many copies Longhorn keeps of each volume (`longhorn` only), from 1 to the site's node count.
   * @default - the site's node count, at most 2 on micro and mini sites and at most 3 elsewhere
   */
  readonly replicas?: number;
}

/** Props of a LocalStorage. */
export interface LocalStorageProps extends LocalStorageOptions {}

/** A PersistentVolumeClaim a component makes on a LocalStorage class, checked against the disks at synth time. */
export interface StorageClaim {
  /** Namespace of the PersistentVolumeClaim. */
  readonly namespace: string;
  /** Name of the PersistentVolumeClaim; for a StatefulSet, `<template>-<statefulset>-<ordinal>`. */
  readonly name: string;
  /** Requested size, e.g. `10Gi`. */
  readonly size: string;
  /** Tiers whose nodes may run the pod that mounts the claim. */
  readonly tiers: readonly Tier[];
  /**
   * The node the pod is pinned to.
   * @default - any node of the tiers
   */
  readonly nodeName?: string;
  /**
   * The one declared disk the claim may use, as `<node>/<disk>` (`local` only).
   * @default - the smallest free disk that holds it
   */
  readonly disk?: string;
  /** Construct path of what makes the claim, for error messages. */
  readonly path: string;
}

/**
 * A StorageClass for the site's local disks and, for the `local` provisioner, one
 * local PersistentVolume per declared disk, pinned to its node by
 * `kubernetes.io/hostname`. Components register their claims with `addClaim()`;
 * with `local`, each claim gets a disk of its own before anything reaches the
 * cluster: the volume is pre-bound to the claim (`claimRef`), so the cluster binds
 * exactly what was checked, and a claim no free disk can hold fails the synth.
 */
export class LocalStorage extends Construct {
  /** Every LocalStorage of the site a construct belongs to. */
  public static inSite(scope: IConstruct): LocalStorage[] {
    return EdgeSite.of(scope).node.findAll().filter((c): c is LocalStorage => c instanceof LocalStorage);
  }

  /** The site's LocalStorage whose StorageClass has this name, if any. */
  public static withClassName(scope: IConstruct, className: string): LocalStorage | undefined {
    return LocalStorage.inSite(scope).find((s) => s.className === className);
  }

  /** The provisioner. */
  public readonly provisioner: LocalStorageProvisioner;
  /** Name of the StorageClass. */
  public readonly className: string;
  /** The StorageClass. */
  public readonly storageClass: k8s.KubeStorageClass;
  /** The declared disks offered as local volumes (`local` only). */
  public readonly disks: readonly LocalDisk[];
  /** One local PersistentVolume per disk (`local` only). */
  public readonly volumes: readonly k8s.KubePersistentVolume[];
  private readonly claims: StorageClaim[] = [];

  public constructor(scope: Construct, id: string, props: LocalStorageProps = {}) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkLocalStorageOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `LocalStorage ${this.node.path} is invalid`);

    this.provisioner = props.provisioner ?? 'local';
    this.className = props.className ?? DEFAULT_STORAGE_CLASS_NAMES[this.provisioner];
    this.storageClass = new k8s.KubeStorageClass(this, 'StorageClass', {
      metadata: { name: this.className },
      ...storageClassSpec(this.provisioner, props, site.spec),
    });
    this.disks = this.provisioner === 'local' ? selectedDisks(site.spec, props.disks) : [];
    this.volumes = this.disks.map((disk) => new k8s.KubePersistentVolume(this, `Volume-${disk.volumeName}`, {
      metadata: { name: disk.volumeName, labels: { 'edge.cdk8s.io/node': disk.node, 'edge.cdk8s.io/disk': disk.disk } },
      spec: {
        capacity: { storage: k8s.Quantity.fromString(disk.capacity) },
        volumeMode: 'Filesystem',
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: this.className,
        local: { path: disk.path },
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [disk.node] }] }] },
        },
        // Resolved at synth, when every component has made its claims.
        claimRef: Lazy.any({ produce: () => this.claimRefOf(disk) }),
      },
    }));
    this.node.addValidation({ validate: () => this.claimProblems() });
  }

  /**
   * Registers a claim on this class. With `local`, the claim is given a disk of its
   * own (checked at synth time); the other provisioners size volumes themselves.
   */
  public addClaim(claim: StorageClaim): void {
    this.claims.push(claim);
  }

  /** The claims made on this class so far. */
  public get storageClaims(): readonly StorageClaim[] {
    return this.claims;
  }

  /** Which claim each local volume is reserved for (`local` only). */
  public get assignment(): DiskAssignment<StorageClaim> {
    return assignClaims(this.disks, this.claims);
  }

  private claimRefOf(disk: LocalDisk): k8s.ObjectReference | undefined {
    const claim = this.assignment.byVolume.get(disk.volumeName);
    return claim ? { namespace: claim.namespace, name: claim.name } : undefined;
  }

  private claimProblems(): string[] {
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const claim of this.claims) {
      const key = `${claim.namespace}/${claim.name}`;
      const first = seen.get(key);
      if (first) problems.push(`claim ${key} is made twice on StorageClass ${this.className} (by ${first} and ${claim.path})`);
      else seen.set(key, claim.path);
    }
    if (this.provisioner !== 'local') return problems;
    const assignment = this.assignment;
    const takenBy = new Map([...assignment.byVolume].map(([volume, claim]) => [volume, `${claim.namespace}/${claim.name}`]));
    const disks = this.disks.map((d) => `${d.node}/${d.disk} ${d.capacity} (${takenBy.has(d.volumeName) ? `taken by ${takenBy.get(d.volumeName)}` : 'free'})`);
    for (const claim of assignment.unplaced) {
      if (claim.disk !== undefined && !this.disks.some((d) => `${d.node}/${d.disk}` === claim.disk)) {
        problems.push(`claim ${claim.namespace}/${claim.name} (for ${claim.path}) names disk ${claim.disk}, which is not a local volume of StorageClass ${this.className}; its disks: ${this.disks.map((d) => `${d.node}/${d.disk}`).join(', ')}`);
        continue;
      }
      problems.push(`claim ${claim.namespace}/${claim.name} (${claim.size}, for ${claim.path}) fits no free disk of StorageClass ${this.className}: `
        + `a local volume is a whole disk, and this claim needs one of at least ${claim.size} on a node of tier ${claim.tiers.join('/')}`
        + `${claim.nodeName ? ` named ${claim.nodeName}` : ''}${claim.disk ? `, on disk ${claim.disk}` : ''}; disks: ${disks.join(', ') || 'none'}`);
    }
    return problems;
  }
}

function storageClassSpec(provisioner: LocalStorageProvisioner, props: LocalStorageProps, site: ResolvedSiteSpec): Omit<k8s.KubeStorageClassProps, 'metadata'> {
  switch (provisioner) {
    case 'local':
      return { provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Retain' };
    case 'local-path':
      return { provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Retain' };
    case 'longhorn':
      return {
        provisioner: 'driver.longhorn.io',
        volumeBindingMode: 'Immediate',
        reclaimPolicy: 'Retain',
        allowVolumeExpansion: true,
        parameters: {
          numberOfReplicas: String(props.replicas ?? longhornReplicas(site)),
          // Minutes before a replica on an unreachable node is given up and rebuilt: an
          // edge node that is rebooting or briefly cut off keeps its copy.
          staleReplicaTimeout: '2880',
          // Keep one copy on the node that runs the pod, so reads stay local.
          dataLocality: 'best-effort',
          fsType: 'ext4',
        },
      };
  }
}

/** The disks that become local volumes, in node order, named `<node>-<disk>`. */
export function selectedDisks(site: ResolvedSiteSpec, refs: readonly string[] | undefined): LocalDisk[] {
  const wanted = refs ? new Set(refs) : undefined;
  return site.nodes.flatMap((node) => node.disks
    .filter((disk) => !wanted || wanted.has(`${node.name}/${disk.name}`))
    .map((disk): LocalDisk => ({ volumeName: `${node.name}-${disk.name}`, node: node.name, tier: node.tier, disk: disk.name, path: disk.path, capacity: disk.capacity })));
}
