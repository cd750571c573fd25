import type { K3sComponent } from './site-spec';

/**
 * How a site's cluster is formed and run: the `cluster:` block of a SiteSpec
 * (re-exported from lib/site/site-spec.ts with the rest of the SiteSpec types).
 */

/** How the site's cluster runs. */
export const CLUSTER_FLAVORS = ['k3s', 'openyurt', 'kubeedge'] as const;
/**
 * `k3s`: the site is a k3s cluster of its own; `openyurt`: the site's nodes are
 * OpenYurt node pools of a cloud control plane; `kubeedge`: the site's agents run
 * EdgeCore and join CloudCore.
 */
export type ClusterFlavor = (typeof CLUSTER_FLAVORS)[number];

/**
 * Where k3s servers send their etcd snapshots off-site (an S3-compatible store).
 * Credentials are referenced, never written: either `configSecret` alone (the whole
 * S3 configuration lives in that Secret), or the location fields with a
 * `credentialsFile` on each server.
 */
export interface EtcdS3Spec {
  /**
   * Name of a Secret in `kube-system` (type `etcd.k3s.cattle.io/s3-config-secret`) holding
   * the whole S3 configuration (k3s `etcd-s3-config-secret`, k3s v1.28.13+k3s1, v1.29.8+k3s1,
   * v1.30.4+k3s1 and later). k3s reads it only when no other S3 option is set, so it
   * excludes every other field here.
   * @default - the location fields and `credentialsFile` are used
   */
  readonly configSecret?: string;
  /**
   * The store's host and optional port, without a scheme (k3s `etcd-s3-endpoint`).
   * @default 's3.amazonaws.com'
   */
  readonly endpoint?: string;
  /** The bucket (k3s `etcd-s3-bucket`); required unless `configSecret` is given. @default - none */
  readonly bucket?: string;
  /**
   * Folder in the bucket (k3s `etcd-s3-folder`), so sites can share a bucket.
   * @default - the site name
   */
  readonly folder?: string;
  /**
   * The bucket's region (k3s `etcd-s3-region`).
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Absolute path, on each server, of the CA bundle that signed the store's certificate (k3s `etcd-s3-endpoint-ca`).
   * @default - the system trust store
   */
  readonly endpointCaFile?: string;
  /**
   * Absolute path, on each server, of an environment file holding `AWS_ACCESS_KEY_ID` and
   * `AWS_SECRET_ACCESS_KEY` (k3s reads its S3 keys from those variables); the node files add it to
   * the k3s unit with a systemd drop-in. Required unless `configSecret` is given.
   * @default - none
   */
  readonly credentialsFile?: string;
}

/** Scheduled etcd snapshots of an HA (embedded etcd) site. */
export interface EtcdSnapshotSpec {
  /**
   * When snapshots are taken: a 5-field cron expression in the servers' local time.
   * @default '0 3 * * *' (daily at 03:00)
   */
  readonly schedule?: string;
  /**
   * Snapshots each server keeps (with the daily default: 30 days).
   * @default 30
   */
  readonly retention?: number;
  /**
   * Off-site copies in an S3-compatible store.
   * @default - snapshots stay on the servers' disks
   */
  readonly s3?: EtcdS3Spec;
}

/** Rolling k3s upgrades by the system-upgrade-controller (Plans in `system-upgrade`). */
export interface ClusterUpgradeSpec {
  /**
   * Agents upgraded at once; servers always go one at a time (etcd quorum). Micro and
   * mini sites upgrade one node at a time.
   * @default 1
   */
  readonly concurrency?: number;
}

/** How the EdgeCore nodes of a `kubeedge` site reach CloudCore. */
export interface KubeEdgeJoinSpec {
  /**
   * Address (IP or DNS name) edge nodes reach CloudCore at: one of the hub's
   * `kubeEdge.advertiseAddresses` or `dnsNames`.
   */
  readonly cloudCoreAddress: string;
  /**
   * CloudHub's websocket port.
   * @default 10000
   */
  readonly cloudHubPort?: number;
  /**
   * CloudCore's certificate port, where a node exchanges its token for a certificate.
   * @default 10002
   */
  readonly certPort?: number;
  /**
   * CloudStream's tunnel port (logs, exec).
   * @default 10004
   */
  readonly tunnelPort?: number;
  /**
   * Absolute path, on each edge node, of the file holding CloudCore's join token (`keadm gettoken`).
   * @default '/etc/kubeedge/token'
   */
  readonly tokenFile?: string;
}

/** How the site's cluster is formed and run. */
export interface ClusterSpec {
  /**
   * How the cluster runs: plain k3s, OpenYurt node pools, or KubeEdge EdgeCore agents.
   * @default 'k3s'
   */
  readonly flavor?: ClusterFlavor;
  /**
   * URL of the site's Kubernetes API (`https://host:6443`) that agent nodes join.
   * Agents need it or `apiEndpoint`.
   * @default - `https://<apiEndpoint>:6443` when `apiEndpoint` is given
   */
  readonly serverUrl?: string;
  /**
   * The site's API address shared by its servers (a VIP or DNS name, no scheme or port):
   * every server's certificate carries it (`tls-san`), and nodes join through it.
   * @default - none: servers join the first server by its node name
   */
  readonly apiEndpoint?: string;
  /**
   * Absolute path, on each node, of the file holding the join token (the token itself is never written).
   * @default '/etc/rancher/k3s/cluster-token'
   */
  readonly tokenFile?: string;
  /**
   * Packaged k3s components the site does not run.
   * @default []
   */
  readonly disable?: readonly K3sComponent[];
  /**
   * The exact k3s release the site runs and upgrades to (`v1.30.14+k3s2`); its
   * Kubernetes minor must be the site's `kubernetesVersion`.
   * @default - the release pinned for the site's Kubernetes minor (lib/node/k3s-versions.ts)
   */
  readonly k3sVersion?: string;
  /**
   * Scheduled etcd snapshots; only for HA sites (three or more servers run embedded etcd).
   * @default - HA sites: daily at 03:00, 30 kept, on the servers' disks
   */
  readonly etcdSnapshots?: EtcdSnapshotSpec;
  /**
   * The site has no internet: nodes never fall back from the registry mirrors to the
   * registries themselves, and every image must come through a mirror (the site's
   * `registryMirror` or its `registryCache`).
   * @default false
   */
  readonly airGap?: boolean;
  /**
   * Registry (`host[:port]`) k3s pulls its own system images from (k3s `system-default-registry`).
   * @default - the images' own registries
   */
  readonly systemDefaultRegistry?: string;
  /**
   * Rolling k3s upgrades to `k3sVersion` by the system-upgrade-controller.
   * @default - no upgrade Plans
   */
  readonly upgrade?: ClusterUpgradeSpec;
  /**
   * How EdgeCore nodes reach CloudCore; required by `kubeedge` sites with EdgeCore nodes.
   * @default - none
   */
  readonly kubeEdge?: KubeEdgeJoinSpec;
}

/** Scheduled etcd snapshots with every default applied. */
export interface ResolvedEtcdSnapshotSpec {
  /** As `EtcdSnapshotSpec.schedule`, with its default applied. */
  readonly schedule: string;
  /** As `EtcdSnapshotSpec.retention`, with its default applied. */
  readonly retention: number;
  /** As `EtcdSnapshotSpec.s3`, with its default applied. */
  readonly s3?: EtcdS3Spec;
}

/** A cluster with every default applied. */
export interface ResolvedClusterSpec {
  /** As `ClusterSpec.flavor`, with its default applied. */
  readonly flavor: ClusterFlavor;
  /** As `ClusterSpec.serverUrl`, with its default applied. */
  readonly serverUrl?: string;
  /** As `ClusterSpec.apiEndpoint`, with its default applied. */
  readonly apiEndpoint?: string;
  /** As `ClusterSpec.tokenFile`, with its default applied. */
  readonly tokenFile: string;
  /** As `ClusterSpec.disable`, with its default applied. */
  readonly disable: readonly K3sComponent[];
  /** As `ClusterSpec.k3sVersion`, with its default applied. */
  readonly k3sVersion: string;
  /** Present on HA sites only. */
  readonly etcdSnapshots?: ResolvedEtcdSnapshotSpec;
  /** As `ClusterSpec.airGap`, with its default applied. */
  readonly airGap: boolean;
  /** As `ClusterSpec.systemDefaultRegistry`, with its default applied. */
  readonly systemDefaultRegistry?: string;
  /** As `ClusterSpec.upgrade`, with its default applied. */
  readonly upgrade?: Required<ClusterUpgradeSpec>;
  /** As `ClusterSpec.kubeEdge`, with its default applied. */
  readonly kubeEdge?: Required<KubeEdgeJoinSpec>;
}

/** Where EdgeCore nodes keep CloudCore's join token when the site names no file. */
export const DEFAULT_KUBEEDGE_TOKEN_FILE = '/etc/kubeedge/token';
/** The seed's daily etcd backup: 03:00, servers' local time. */
export const DEFAULT_ETCD_SNAPSHOT_SCHEDULE = '0 3 * * *';
/** Snapshots kept by default: 30 days of daily snapshots. */
export const DEFAULT_ETCD_SNAPSHOT_RETENTION = 30;
