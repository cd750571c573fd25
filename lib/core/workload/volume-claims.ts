import { k8s } from 'cdk8s-plus-28';
import type { Construct, IConstruct } from 'constructs';
import { childPath, Problems } from '../validation/problems';
import { EdgeSite } from '../../fleet/edge-site';
import type { Tier } from '../spec/tier';
import { LocalStorage } from '../../data/local-storage';

/** The StorageClass a component's claims use, and the site's LocalStorage behind it when there is one. */
export interface ClaimClass {
  readonly className: string;
  readonly storage?: LocalStorage;
}

/**
 * The class a component stores on: the one it names (a LocalStorage of the site,
 * whose disks are then checked, or any existing StorageClass), else the site's only
 * LocalStorage. Reports at `<path>.storageClass` when there is nothing to choose or
 * too much.
 */
export function claimClass(scope: IConstruct, requested: string | undefined, path: string, problems: Problems): ClaimClass | undefined {
  if (requested !== undefined) return { className: requested, storage: LocalStorage.withClassName(scope, requested) };
  const all = LocalStorage.inSite(scope);
  const at = childPath(path, 'storageClass');
  if (all.length === 1) return { className: all[0].className, storage: all[0] };
  if (all.length === 0) {
    problems.add(at, `is required: site ${EdgeSite.of(scope).spec.name} has no LocalStorage; add components.localStorage (or a LocalStorage before this construct) or name an existing StorageClass`);
  } else {
    problems.add(at, `is required: site ${EdgeSite.of(scope).spec.name} has several LocalStorage classes (${all.map((s) => s.className).join(', ')}); name one`);
  }
  return undefined;
}

/** A claim to create, and where its pod runs (for the disk check). */
export interface VolumeClaimSpec {
  readonly name: string;
  readonly namespace: string;
  readonly size: string;
  readonly tiers: readonly Tier[];
  readonly nodeName?: string;
  /** The declared disk the claim must use, as `<node>/<disk>`. */
  readonly disk?: string;
}

/** A claim may name its disk only on a `local` LocalStorage class, whose volumes are the disks. */
export function checkDiskPin(claimClassOf: ClaimClass | undefined, disk: string | undefined, path: string, problems: Problems): void {
  if (disk === undefined || claimClassOf === undefined) return;
  const provisioner = claimClassOf.storage?.provisioner;
  if (provisioner !== 'local') {
    problems.add(path, `names a disk, which only a LocalStorage with provisioner local offers; StorageClass ${claimClassOf.className} ${provisioner ? `is ${provisioner}` : 'is not a LocalStorage of the site'}`);
  }
}

/** The spec of a single-node, read-write claim of a size on a class. */
export function claimSpec(className: string, size: string): k8s.PersistentVolumeClaimSpec {
  return {
    accessModes: ['ReadWriteOnce'],
    storageClassName: className,
    volumeMode: 'Filesystem',
    resources: { requests: { storage: k8s.Quantity.fromString(size) } },
  };
}

/** Registers a claim with the class's LocalStorage, if the class has one. */
export function registerClaim(scope: IConstruct, claimClassOf: ClaimClass, claim: VolumeClaimSpec): void {
  claimClassOf.storage?.addClaim({ ...claim, path: scope.node.path });
}

/** Creates a PersistentVolumeClaim and registers it with the class's LocalStorage. */
export function createClaim(scope: Construct, id: string, claimClassOf: ClaimClass, claim: VolumeClaimSpec): k8s.KubePersistentVolumeClaim {
  registerClaim(scope, claimClassOf, claim);
  return new k8s.KubePersistentVolumeClaim(scope, id, {
    metadata: { name: claim.name, namespace: claim.namespace },
    spec: claimSpec(claimClassOf.className, claim.size),
  });
}
