import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { throwIfProblems } from '../core/validation/errors';
import { workloadLabels } from '../core/site/labels';
import { childPath, Problems } from '../core/validation/problems';
import { parseBytes } from '../core/validation/quantity';
import { resolveBudget } from '../core/workload/resources';
import {
  containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolumes,
} from '../core/workload/pod-defaults';
import type { AppResources } from '../core/site/edge-app';
import { EdgeSite } from '../fleet/edge-site';
import { placePods } from '../core/site/placement';
import { ContainerBudget, Tier, tierProfile } from '../core/spec/tier';
import { diskNode, placementTier } from '../core/workload/component-rules';
import { createBackup } from './private/database-backup';
import { checkEdgeDatabaseOptions } from './private/edge-database-rules';
import { allowClients } from '../core/workload/network-access';
import { envVars, probeTiming, registerPods, smallerBudget } from '../core/workload/pod-helpers';
import { checkDiskPin, claimClass, claimSpec, createClaim, registerClaim } from '../core/workload/volume-claims';

/** What kind of database. */
export type DatabaseEngine = 'postgres' | 'sqlite';
/** Every database engine. */
export const DATABASE_ENGINES: readonly DatabaseEngine[] = ['postgres', 'sqlite'];

/** The PostgreSQL image when none is given: the seed's `postgres:14-alpine`, pinned to a release. */
export const DEFAULT_POSTGRES_IMAGE = 'postgres:14.13-alpine';
/** PostgreSQL's port. */
export const POSTGRES_PORT = 5432;
/** Where the data volume is mounted; PGDATA is a directory inside it, so the volume's own lost+found never bothers initdb. */
export const POSTGRES_DATA_MOUNT = '/var/lib/postgresql/data';

/** Default requests and limits of the PostgreSQL container (each value capped by the tier budget). */
export const POSTGRES_DEFAULT_BUDGET: ContainerBudget = { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

/** An existing Secret holding a user name and a password; only its name and keys enter the output. */
export interface UsernamePasswordSecret {
  /** Name of a Secret in the component's namespace (e.g. of type `kubernetes.io/basic-auth`). */
  readonly secretName: string;
  /**
   * Key of the user name.
   * @default 'username'
   */
  readonly usernameKey?: string;
  /**
   * Key of the password.
   * @default 'password'
   */
  readonly passwordKey?: string;
}

/** A scheduled `pg_dump` to a second local volume. */
export interface DatabaseBackupOptions {
  /**
   * When to back up, as a cron schedule in the cluster's time zone.
   * @default '0 2 * * *'
   */
  readonly schedule?: string;
  /**
   * How many dumps to keep; older ones are deleted after each successful dump.
   * @default 7
   */
  readonly retention?: number;
  /**
   * Size of the backup volume.
   * @default - the size of the data volume
   */
  readonly storage?: string;
  /**
   * The declared disk of the backup volume, as `<node>/<disk>` (LocalStorage `local` only); never the data disk.
   * @default - the smallest free disk that holds it
   */
  readonly disk?: string;
}

/** A database of the site, as written under `components.database` in the inventory (one, or a list). */
export interface EdgeDatabaseOptions {
  /**
   * Name of the StatefulSet and its headless Service (postgres), or of the volume (sqlite).
   * @default 'edge-db'
   */
  readonly name?: string;
  /**
   * Namespace; created with its policies when the site does not have it.
   * @default 'edge-data'
   */
  readonly namespace?: string;
  /**
   * `postgres`: a PostgreSQL server (StatefulSet, headless Service on port 5432).
   *
   * `sqlite`: SQLite is an embedded database, a library inside the application that
   * owns the file, not a server: there is nothing to run, no Service and no port. This
   * engine creates only the persistent volume claim on local storage, named after the
   * database, for that application to mount (see `EdgeDatabase.volume()`); the
   * PostgreSQL options do not apply.
   * @default 'postgres'
   */
  readonly engine?: DatabaseEngine;
  /**
   * PostgreSQL image, pinned to a version (official `postgres` images: alpine variants run as uid 70, debian ones as 999).
   * @default DEFAULT_POSTGRES_IMAGE
   */
  readonly image?: string;
  /**
   * Name of the database created at first start (`POSTGRES_DB`).
   * @default 'edge'
   */
  readonly database?: string;
  /** The Secret with the user and password (`POSTGRES_USER`, `POSTGRES_PASSWORD`); required for postgres. @default - none (sqlite) */
  readonly credentials?: UsernamePasswordSecret;
  /**
   * Size of the data volume.
   * @default '10Gi'
   */
  readonly storage?: string;
  /**
   * StorageClass of the volumes.
   * @default - the class of the site's LocalStorage
   */
  readonly storageClass?: string;
  /**
   * The declared disk of the data volume, as `<node>/<disk>` (LocalStorage `local` only).
   * @default - the smallest free disk that holds it
   */
  readonly disk?: string;
  /**
   * Tier whose nodes run the database.
   * @default - the tier of the pinned node, else the site's tier
   */
  readonly tier?: Tier;
  /**
   * Pin the database to one node of the site.
   * @default - any node of the tier (with `local` storage, the node of the disk it was given)
   */
  readonly node?: string;
  /**
   * Pods of the StatefulSet; must be 1 (the postgres image does not replicate).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Requests and limits.
   * @default - requests 200m/256Mi and limits 500m/512Mi, each capped by the tier budget
   */
  readonly resources?: AppResources;
  /**
   * uid (and gid, fsGroup) PostgreSQL runs as.
   * @default - 70 for alpine images, 999 otherwise
   */
  readonly runAsUser?: number;
  /**
   * A backup CronJob.
   * @default - no backup
   */
  readonly backup?: DatabaseBackupOptions;
  /**
   * Namespaces whose pods may connect, besides the database's own.
   * @default []
   */
  readonly clientNamespaces?: readonly string[];
}

/** Props of an EdgeDatabase. */
export interface EdgeDatabaseProps extends EdgeDatabaseOptions {}

/**
 * A database that keeps working offline and never loses data because of how it
 * was deployed: PostgreSQL as a one-replica StatefulSet on a LocalStorage class,
 * credentials from an existing Secret, restricted pod security, `edge-critical`
 * priority, network access only from its clients, and an optional `pg_dump`
 * CronJob to a second local volume. Or, for SQLite, the application's volume.
 */
export class EdgeDatabase extends Construct {
  /** Name of the StatefulSet and Service (postgres) or of the volume claim (sqlite). */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Engine. */
  public readonly engine: DatabaseEngine;
  /** Tier the database runs on. */
  public readonly tier: Tier;
  /** Name of the claim holding the data: `data-<name>-0` (postgres) or `<name>` (sqlite). */
  public readonly claimName: string;
  /** The StatefulSet (postgres). */
  public readonly statefulSet?: k8s.KubeStatefulSet;
  /** The headless Service (postgres). */
  public readonly service?: k8s.KubeService;
  /** The backup CronJob, when asked for. */
  public readonly backup?: k8s.KubeCronJob;

  public constructor(scope: Construct, id: string, props: EdgeDatabaseProps = {}) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkEdgeDatabaseOptions(props, site.spec, this.node.path, problems);
    const storageClass = claimClass(this, props.storageClass, this.node.path, problems);
    checkDiskPin(storageClass, props.disk, childPath(this.node.path, 'disk'), problems);
    checkDiskPin(storageClass, props.backup?.disk, childPath(childPath(this.node.path, 'backup'), 'disk'), problems);
    throwIfProblems(problems, `EdgeDatabase ${this.node.path} is invalid`);

    this.name = props.name ?? 'edge-db';
    this.namespace = props.namespace ?? 'edge-data';
    this.engine = props.engine ?? 'postgres';
    this.tier = placementTier(props, site.spec);
    site.ensureNamespace(this.namespace);
    const size = props.storage ?? '10Gi';
    const nodeName = props.node ?? diskNode(props.disk);
    const claim = { namespace: this.namespace, size, tiers: [this.tier], nodeName, disk: props.disk };

    if (this.engine === 'sqlite') {
      this.claimName = this.name;
      createClaim(this, 'Claim', storageClass!, { ...claim, name: this.name });
      return;
    }

    this.claimName = `data-${this.name}-0`;
    registerClaim(this, storageClass!, { ...claim, name: this.claimName });
    const image = props.image ?? DEFAULT_POSTGRES_IMAGE;
    const uid = props.runAsUser ?? postgresUid(image);
    const budget = resolveBudget(props.resources, smallerBudget(POSTGRES_DEFAULT_BUDGET, tierProfile(this.tier).containerBudget));
    const labels = workloadLabels(this.name);
    const credentials = props.credentials!;
    const secret = { secretName: credentials.secretName, usernameKey: credentials.usernameKey ?? 'username', passwordKey: credentials.passwordKey ?? 'password' };
    const database = props.database ?? 'edge';

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        clusterIp: 'None',
        selector: { ...labels },
        ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgres'), protocol: 'TCP' }],
      },
    });
    // Only the server's socket directory and /tmp are writable besides the data volume.
    const scratch = scratchVolumes(['/var/run/postgresql', '/tmp'], '64Mi');
    const ready: k8s.ExecAction = { command: ['sh', '-c', `exec pg_isready --host=127.0.0.1 --port=${POSTGRES_PORT} --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"`] };
    const container: k8s.Container = {
      name: 'postgres',
      image,
      imagePullPolicy: 'IfNotPresent',
      args: ['-c', `shared_buffers=${sharedBuffersMb(budget)}MB`],
      ports: [{ name: 'postgres', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
      env: envVars({ POSTGRES_DB: database, PGDATA: `${POSTGRES_DATA_MOUNT}/pgdata` }, {
        POSTGRES_USER: { secretName: secret.secretName, key: secret.usernameKey },
        POSTGRES_PASSWORD: { secretName: secret.secretName, key: secret.passwordKey },
      }),
      resources: containerResources(budget),
      securityContext: restrictedContainerSecurityContext(),
      // First start runs initdb and a start after a power cut replays the WAL: give
      // both five minutes before liveness may restart the server.
      startupProbe: { exec: ready, ...probeTiming(5), failureThreshold: 30 },
      livenessProbe: { exec: ready, ...probeTiming(0), failureThreshold: 6, timeoutSeconds: 5 },
      readinessProbe: { exec: ready, ...probeTiming(0), timeoutSeconds: 5 },
      volumeMounts: [{ name: 'data', mountPath: POSTGRES_DATA_MOUNT }, ...scratch.volumeMounts],
    };
    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        serviceName: this.name,
        replicas: 1,
        selector: { matchLabels: { ...labels } },
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            ...placePods({ tiers: [this.tier], nodeName: props.node }),
            priorityClassName: 'edge-critical',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // Time for a clean shutdown checkpoint, so the next start needs no recovery.
            terminationGracePeriodSeconds: 60,
            securityContext: restrictedPodSecurityContext({ runAsUser: uid }),
            containers: [container],
            volumes: scratch.volumes,
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: claimSpec(storageClass!.className, size) }],
      },
    });
    registerPods(this, { description: `StatefulSet ${this.namespace}/${this.name}`, tiers: [this.tier], nodeName, replicas: 1, budget });
    allowClients(this, { name: this.name, namespace: this.namespace, selector: labels, port: POSTGRES_PORT }, props.clientNamespaces ?? []);

    if (props.backup) {
      this.backup = createBackup(this, {
        name: this.name, namespace: this.namespace, image, uid, database, ...secret,
        schedule: props.backup.schedule ?? '0 2 * * *',
        retention: props.backup.retention ?? 7,
        size: props.backup.storage ?? size,
        disk: props.backup.disk,
        claimClass: storageClass!,
        tier: this.tier,
        budget: tierProfile(this.tier).containerBudget,
      }).cronJob;
    }
  }

  /** The pod volume of a SQLite database's claim, for the application that owns the file to mount. */
  public volume(volumeName = 'sqlite'): k8s.Volume {
    if (this.engine !== 'sqlite') throw new Error(`${this.node.path} is a PostgreSQL server: connect to ${this.host}:${POSTGRES_PORT}; only a sqlite database is mounted by its application`);
    return { name: volumeName, persistentVolumeClaim: { claimName: this.claimName } };
  }

  /** Host name clients connect to (postgres): `<name>.<namespace>.svc`. */
  public get host(): string {
    return `${this.name}.${this.namespace}.svc`;
  }
}

/** The uid of the `postgres` user in the official images: 70 on alpine, 999 on debian. */
export function postgresUid(image: string): number {
  const tag = image.slice(image.lastIndexOf('/') + 1);
  return /alpine/.test(tag) ? 70 : 999;
}

// A quarter of the memory limit, the usual starting point; PostgreSQL's own 128MB
// default would not fit the smaller tiers' limits.
function sharedBuffersMb(budget: ContainerBudget): number {
  return Math.max(16, Math.floor(parseBytes(budget.limits.memory)! / 4 / 2 ** 20));
}
