import type { StorageClaim } from '../local-storage';
import { parseBytes } from '../../core/validation/quantity';
import type { Tier } from '../../core/spec/tier';

/** A declared disk of a node, offered as one local PersistentVolume. */
export interface LocalDisk {
  /** Name of the PersistentVolume. */
  readonly volumeName: string;
  readonly node: string;
  readonly tier: Tier;
  readonly disk: string;
  readonly path: string;
  readonly capacity: string;
}

/** What a claim needs of a disk: a StorageClaim without the construct path. */
export type DiskClaim = Omit<StorageClaim, 'path'>;

/** Which claim each disk is reserved for, and the claims no disk can take. */
export interface DiskAssignment<C extends DiskClaim> {
  /** Claim per PersistentVolume name. */
  readonly byVolume: ReadonlyMap<string, C>;
  /** Claims left without a disk. */
  readonly unplaced: readonly C[];
}

/** Whether a disk can hold a claim: big enough, on a node the claim's pod may run on. */
export function diskFits(disk: LocalDisk, claim: DiskClaim): boolean {
  return claim.tiers.includes(disk.tier)
    && (claim.nodeName === undefined || claim.nodeName === disk.node)
    && (claim.disk === undefined || claim.disk === `${disk.node}/${disk.disk}`)
    && parseBytes(disk.capacity)! >= parseBytes(claim.size)!;
}

/**
 * A local PersistentVolume is a whole disk and binds exactly one claim, so placing
 * claims is a bipartite matching. Augmenting paths find a disk for every claim
 * whenever any assignment exists (a greedy pass can strand a big claim behind a
 * small one that took the only big disk). Claims go largest first and try the
 * smallest fitting disk first (in declaration order on ties), so the result is
 * deterministic and leaves the big disks free where it can.
 */
export function assignClaims<C extends DiskClaim>(disks: readonly LocalDisk[], claims: readonly C[]): DiskAssignment<C> {
  const ordered = [...claims].sort((a, b) => parseBytes(b.size)! - parseBytes(a.size)! || key(a).localeCompare(key(b)));
  const order = new Map(disks.map((d, i) => [d.volumeName, i]));
  const candidates = new Map<C, LocalDisk[]>(ordered.map((claim) => [claim, disks.filter((d) => diskFits(d, claim))
    .sort((a, b) => parseBytes(a.capacity)! - parseBytes(b.capacity)! || order.get(a.volumeName)! - order.get(b.volumeName)!)]));
  const owner = new Map<string, C>();
  const place = (claim: C, visited: Set<string>): boolean => {
    for (const disk of candidates.get(claim)!) {
      if (visited.has(disk.volumeName)) continue;
      visited.add(disk.volumeName);
      const current = owner.get(disk.volumeName);
      if (current === undefined || place(current, visited)) {
        owner.set(disk.volumeName, claim);
        return true;
      }
    }
    return false;
  };
  const unplaced = ordered.filter((claim) => !place(claim, new Set()));
  return { byVolume: owner, unplaced };
}

function key(claim: DiskClaim): string {
  return `${claim.namespace}/${claim.name}`;
}
