import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { claimDeployment } from '../core/workload/claim-deployment';
import { diskNode, placementTier, urlPort } from '../core/workload/component-rules';
import { allowClients, allowEgressToCidrs } from '../core/workload/network-access';
import { envVars, portProbe, registerPods } from '../core/workload/pod-helpers';
import { checkDiskPin, claimClass, createClaim } from '../core/workload/volume-claims';
import { parseDurationSeconds } from '../core/validation/duration';
import { throwIfProblems } from '../core/validation/errors';
import { workloadLabels } from '../core/site/labels';
import { childPath, Problems } from '../core/validation/problems';
import { resolveBudget } from '../core/workload/resources';
import type { AppResources, SecretKeyReference } from '../core/site/edge-app';
import { EdgeSite } from '../fleet/edge-site';
import { Tier, tierProfile } from '../core/spec/tier';
import { checkDataSyncOptions } from './private/data-sync-rules';

/** Which side wins when the edge and the cloud changed the same record. */
export type SyncMode = 'edge-first' | 'cloud-first';
/** Every sync mode. */
export const SYNC_MODES: readonly SyncMode[] = ['edge-first', 'cloud-first'];
/** Where the outbox volume is mounted (also given to the container as `OUTBOX_DIR`). */
export const OUTBOX_MOUNT = '/var/lib/data-sync';

/** The site's data sync to the cloud, as written under `components.dataSync` in the inventory. */
export interface DataSyncOptions {
  /** The sync service's image, pinned to a version. */
  readonly image: string;
  /**
   * The cloud endpoint data is sent to (`UPSTREAM_ENDPOINT`), an http(s) URL. The
   * service may connect only to the site's cloud CIDRs (and DNS), on this URL's port,
   * so an IP address here must be inside them.
   */
  readonly upstream: string;
  /**
   * Name of the Deployment, its Service and the outbox claim (`<name>-outbox`).
   * @default 'data-sync'
   */
  readonly name?: string;
  /**
   * Namespace; created with its policies when the site does not have it.
   * @default 'edge-data'
   */
  readonly namespace?: string;
  /**
   * Which side wins a conflict (`SYNC_MODE`).
   * @default 'edge-first'
   */
  readonly mode?: SyncMode;
  /**
   * Records sent per request (`BATCH_SIZE`).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Attempts per batch before it is parked in the outbox for the next sync (`RETRY_COUNT`).
   * @default 5
   */
  readonly retryCount?: number;
  /**
   * Size of the outbox volume, where data waits while the uplink is down: at least what
   * the site produces during its offline tolerance.
   * @default '5Gi'
   */
  readonly outboxSize?: string;
  /**
   * StorageClass of the outbox.
   * @default - the class of the site's LocalStorage
   */
  readonly storageClass?: string;
  /**
   * The declared disk of the outbox, as `<node>/<disk>` (LocalStorage `local` only).
   * @default - the smallest free disk that holds it
   */
  readonly outboxDisk?: string;
  /**
   * Port the service takes data on from the site's applications, named `http`.
   * @default 8080
   */
  readonly port?: number;
  /**
   * HTTP path of the health endpoint; without it the probes connect over TCP.
   * @default - TCP probes
   */
  readonly healthPath?: string;
  /**
   * Namespaces whose pods may send data to the service, besides its own.
   * @default []
   */
  readonly clientNamespaces?: readonly string[];
  /** Further plain environment variables. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from existing Secrets (e.g. the upstream token). @default - none */
  readonly secretEnv?: Readonly<Record<string, SecretKeyReference>>;
  /**
   * Tier whose nodes run the service.
   * @default - the tier of the pinned node, else the site's tier
   */
  readonly tier?: Tier;
  /**
   * Pin the service to one node of the site.
   * @default - any node of the tier
   */
  readonly node?: string;
  /**
   * Requests and limits.
   * @default - the tier budget
   */
  readonly resources?: AppResources;
  /**
   * uid (and gid, fsGroup) the service runs as.
   * @default 65532
   */
  readonly runAsUser?: number;
}

/** Props of a DataSync. */
export interface DataSyncProps extends DataSyncOptions {}

/**
 * The site's data sync: a one-replica Deployment that takes data from the site's
 * applications, keeps it in an outbox on local storage while the uplink is down, and
 * sends it to the cloud in batches (`SYNC_MODE`, `BATCH_SIZE`, `RETRY_COUNT`,
 * `SYNC_INTERVAL` from the site). Restricted pod security. Out of the cluster it
 * may reach only the site's cloud CIDRs, on the upstream port (a NetworkPolicy in its
 * namespace, on top of the namespace's default deny); inside, only DNS and the
 * services that admit it (a database listing its namespace among its clients).
 */
export class DataSync extends Construct {
  /** Name of the Deployment and Service. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service applications send data to. */
  public readonly service: k8s.KubeService;
  /** The NetworkPolicy that limits egress to the cloud CIDRs. */
  public readonly cloudEgress: k8s.KubeNetworkPolicy;

  public constructor(scope: Construct, id: string, props: DataSyncProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkDataSyncOptions(props, site.spec, this.node.path, problems);
    const storageClass = claimClass(this, props.storageClass, this.node.path, problems);
    checkDiskPin(storageClass, props.outboxDisk, childPath(this.node.path, 'outboxDisk'), problems);
    throwIfProblems(problems, `DataSync ${this.node.path} is invalid`);

    this.name = props.name ?? 'data-sync';
    this.namespace = props.namespace ?? 'edge-data';
    const tier = placementTier(props, site.spec);
    const labels = workloadLabels(this.name);
    const budget = resolveBudget(props.resources, tierProfile(tier).containerBudget);
    const port = props.port ?? 8080;
    const outbox = `${this.name}-outbox`;
    site.ensureNamespace(this.namespace);
    const nodeName = props.node ?? diskNode(props.outboxDisk);
    createClaim(this, 'Outbox', storageClass!, { name: outbox, namespace: this.namespace, size: props.outboxSize ?? '5Gi', tiers: [tier], nodeName, disk: props.outboxDisk });

    const container: k8s.Container = {
      name: 'data-sync',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
      env: envVars({
        SYNC_MODE: props.mode ?? 'edge-first',
        BATCH_SIZE: String(props.batchSize ?? 100),
        RETRY_COUNT: String(props.retryCount ?? 5),
        UPSTREAM_ENDPOINT: props.upstream,
        SYNC_INTERVAL: String(Math.round(parseDurationSeconds(site.spec.connectivity.syncInterval)!)),
        OUTBOX_DIR: OUTBOX_MOUNT,
        ...props.env,
      }, props.secretEnv),
      livenessProbe: portProbe('http', props.healthPath, 15),
      readinessProbe: portProbe('http', props.healthPath, 5),
    };
    this.deployment = claimDeployment(this, {
      name: this.name, namespace: this.namespace, labels, tier, node: props.node, runAsUser: props.runAsUser, budget, container,
      volume: { name: 'outbox', claimName: outbox, mountPath: OUTBOX_MOUNT },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...labels },
        ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    registerPods(this, { description: `Deployment ${this.namespace}/${this.name}`, tiers: [tier], nodeName, replicas: 1, budget });
    allowClients(this, { name: this.name, namespace: this.namespace, selector: labels, port }, props.clientNamespaces ?? []);
    this.cloudEgress = allowEgressToCidrs(this, 'CloudEgress', {
      name: `${this.name}-cloud-egress`, namespace: this.namespace, selector: labels,
      cidrs: site.spec.network.cloudCidrs, port: urlPort(props.upstream),
    });
  }
}
