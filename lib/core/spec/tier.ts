/**
 * Tiers: the contract between edge nodes and the workloads placed on them.
 *
 * A node of tier `t` carries the label `edge.tier=t` (set by its k3s config at
 * registration), the label `node-role.kubernetes.io/edge=""` (set from the cluster
 * side: a kubelet may not give itself node-role labels) and the taint
 * `node-role.kubernetes.io/edge=t:NoSchedule`, so only workloads that were placed
 * there on purpose run on it.
 */

/** The size classes of edge nodes, smallest first. */
export type Tier = 'micro' | 'mini' | 'standard' | 'mec';

/** Every tier, smallest first. */
export const TIERS: readonly Tier[] = ['micro', 'mini', 'standard', 'mec'];

/** Label carrying a node's tier; set by the node's own k3s config. */
export const TIER_LABEL = 'edge.tier';
/** Role label of edge nodes; applied from the cluster side (NodeRestriction forbids the kubelet). */
export const EDGE_ROLE_LABEL = 'node-role.kubernetes.io/edge';
/** Key of the taint that keeps unplaced workloads off edge nodes. */
export const EDGE_TAINT_KEY = 'node-role.kubernetes.io/edge';

/** CPU and memory of one container, as Kubernetes quantities. */
export interface ComputeResources {
  /** CPU quantity, e.g. `100m`. */
  readonly cpu: string;
  /** Memory quantity, e.g. `64Mi`. */
  readonly memory: string;
}

/** Requests and limits of one container. */
export interface ContainerBudget {
  /** What the scheduler reserves for the container. */
  readonly requests: ComputeResources;
  /** The most the container may use. */
  readonly limits: ComputeResources;
}

/** CPU, memory and ephemeral storage a node sets aside for something other than pods. */
export interface Reservation extends ComputeResources {
  /** Ephemeral storage quantity, e.g. `1Gi`. */
  readonly ephemeralStorage: string;
}

/** Kubelet settings that protect a node of a tier from its own workloads. */
export interface KubeletProfile {
  /** Most pods the kubelet runs. */
  readonly maxPods: number;
  /** Set aside for the OS and its daemons. */
  readonly systemReserved: Reservation;
  /** Set aside for the kubelet and the container runtime. */
  readonly kubeReserved: Reservation;
  /** Hard eviction thresholds (signal → threshold). */
  readonly evictionHard: Readonly<Record<string, string>>;
  /** How much an eviction reclaims beyond its threshold, so it does not fire again at once. */
  readonly evictionMinimumReclaim: Readonly<Record<string, string>>;
  /** Disk usage (percent) at which image garbage collection always runs. */
  readonly imageGcHighThresholdPercent: number;
  /** Disk usage (percent) image garbage collection frees down to. */
  readonly imageGcLowThresholdPercent: number;
}

/** Everything a tier means, for nodes and for the workloads placed on them. */
export interface TierProfile {
  /** The tier. */
  readonly tier: Tier;
  /** What kind of hardware the tier is for. */
  readonly description: string;
  /** Resources of a container that does not set its own. */
  readonly containerBudget: ContainerBudget;
  /** Kubelet reservations, eviction and pod limits of the tier's nodes. */
  readonly kubelet: KubeletProfile;
}

// Eviction thresholds are the same on every tier: 100Mi of memory and 5% of disk
// are already the floor below which a node thrashes. What scales with the hardware
// is what the OS and the kubelet keep back.
const EVICTION_HARD = { 'memory.available': '100Mi', 'nodefs.available': '5%', 'imagefs.available': '5%' };

const PROFILES: Record<Tier, TierProfile> = {
  micro: {
    tier: 'micro',
    description: 'single-board computers and gateways (2-4 cores, 1-4 GiB)',
    containerBudget: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    kubelet: {
      maxPods: 30,
      systemReserved: { cpu: '250m', memory: '256Mi', ephemeralStorage: '512Mi' },
      kubeReserved: { cpu: '100m', memory: '128Mi', ephemeralStorage: '512Mi' },
      evictionHard: EVICTION_HARD,
      evictionMinimumReclaim: { 'memory.available': '50Mi', 'nodefs.available': '256Mi', 'imagefs.available': '512Mi' },
      imageGcHighThresholdPercent: 75,
      imageGcLowThresholdPercent: 65,
    },
  },
  mini: {
    tier: 'mini',
    description: 'small industrial PCs and store servers (4-8 cores, 8-16 GiB)',
    containerBudget: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    kubelet: {
      maxPods: 60,
      systemReserved: { cpu: '500m', memory: '512Mi', ephemeralStorage: '1Gi' },
      kubeReserved: { cpu: '200m', memory: '256Mi', ephemeralStorage: '1Gi' },
      evictionHard: EVICTION_HARD,
      evictionMinimumReclaim: { 'memory.available': '100Mi', 'nodefs.available': '500Mi', 'imagefs.available': '1Gi' },
      imageGcHighThresholdPercent: 80,
      imageGcLowThresholdPercent: 70,
    },
  },
  standard: {
    tier: 'standard',
    description: 'rack servers at larger sites (8+ cores, 32+ GiB)',
    containerBudget: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    kubelet: {
      maxPods: 110,
      systemReserved: { cpu: '500m', memory: '1Gi', ephemeralStorage: '1Gi' },
      kubeReserved: { cpu: '200m', memory: '256Mi', ephemeralStorage: '1Gi' },
      evictionHard: EVICTION_HARD,
      evictionMinimumReclaim: { 'memory.available': '100Mi', 'nodefs.available': '1Gi', 'imagefs.available': '2Gi' },
      imageGcHighThresholdPercent: 85,
      imageGcLowThresholdPercent: 80,
    },
  },
  mec: {
    tier: 'mec',
    description: '5G multi-access edge computing servers next to the UPF (16+ cores, 64+ GiB, often GPUs)',
    containerBudget: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    kubelet: {
      maxPods: 110,
      systemReserved: { cpu: '500m', memory: '1Gi', ephemeralStorage: '1Gi' },
      kubeReserved: { cpu: '200m', memory: '256Mi', ephemeralStorage: '1Gi' },
      evictionHard: EVICTION_HARD,
      evictionMinimumReclaim: { 'memory.available': '100Mi', 'nodefs.available': '1Gi', 'imagefs.available': '2Gi' },
      imageGcHighThresholdPercent: 85,
      imageGcLowThresholdPercent: 80,
    },
  },
};

/** The profile of a tier. */
export function tierProfile(tier: Tier): TierProfile {
  return PROFILES[tier];
}

/** Whether a string names a tier. */
export function isTier(value: string): value is Tier {
  return (TIERS as readonly string[]).includes(value);
}
