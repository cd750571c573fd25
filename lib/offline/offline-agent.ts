import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { urlPort } from '../core/workload/component-rules';
import { allowEgressToCidrs } from '../core/workload/network-access';
import { envVars, portProbe, registerPods } from '../core/workload/pod-helpers';
import { parseDurationSeconds } from '../core/validation/duration';
import { throwIfProblems } from '../core/validation/errors';
import { workloadLabels } from '../core/site/labels';
import { Problems } from '../core/validation/problems';
import { resolveBudget } from '../core/workload/resources';
import {
  applicationPodDefaults, containerResources, DEFAULT_RUN_AS_USER, PSS_EXCEPTION_ANNOTATION, restrictedContainerSecurityContext, scratchVolumes,
} from '../core/workload/pod-defaults';
import type { AppResources, SecretKeyReference } from '../core/site/edge-app';
import { EdgeSite } from '../fleet/edge-site';
import { placePods, tolerateAllEdgeTaints } from '../core/site/placement';
import { ContainerBudget, TIERS, tierProfile } from '../core/spec/tier';
import { checkOfflineAgentOptions } from './private/offline-agent-rules';
import { platformNamespace } from '../core/site/shared-control-plane';

/** Where the agent's cache lives on each node. */
export type OfflineCacheType = 'hostPath' | 'emptyDir';

/** Where the agent's cache is mounted in its container (also given to it as `CACHE_DIR`). */
export const OFFLINE_CACHE_MOUNT = '/var/cache/offline-agent';
/** The node directory of a hostPath cache when none is given. */
export const DEFAULT_OFFLINE_CACHE_PATH = '/var/lib/cdk8s-edge/offline-agent';
/** The image of the init container that hands a hostPath cache to the agent's user. */
export const DEFAULT_CACHE_INIT_IMAGE = 'busybox:1.36.1';

/** The agent's cache. */
export interface OfflineCacheOptions {
  /**
   * `hostPath` (the default) keeps the cache in a directory of the node, so it
   * survives pod restarts, DaemonSet upgrades and evictions: what the agent buffered
   * while offline is still there when it comes back. A hostPath volume is outside the
   * `restricted` and `baseline` Pod Security levels, so the agent's namespace enforces
   * `privileged`, named as an exception on the namespace and the DaemonSet, and a small
   * init container (root, with only the CHOWN and FOWNER capabilities) hands the
   * directory to the agent's non-root user.
   *
   * `emptyDir` keeps the agent `restricted`, at the price of losing the cache whenever
   * the pod is replaced (an upgrade, an eviction, a node drain): choose it when the cache
   * holds nothing that is not also elsewhere.
   * @default 'hostPath'
   */
  readonly type?: OfflineCacheType;
  /**
   * The node directory (`hostPath` only); created when missing.
   * @default DEFAULT_OFFLINE_CACHE_PATH
   */
  readonly path?: string;
  /**
   * Most the cache may hold (`emptyDir` only); a pod that writes more is evicted.
   * @default '1Gi'
   */
  readonly sizeLimit?: string;
  /**
   * Image of the init container that prepares a `hostPath` cache (needs `sh`, `chown` and `chmod`).
   * @default DEFAULT_CACHE_INIT_IMAGE
   */
  readonly initImage?: string;
}

/** The offline agent of every edge node, as written under `components.offlineAgent` in the inventory. */
export interface OfflineAgentOptions {
  /** The agent's image, pinned to a version. */
  readonly image: string;
  /**
   * Name of the DaemonSet.
   * @default 'offline-agent'
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default 'edge-system' (`<site>-edge-system` when the site joins the hub's control plane)
   */
  readonly namespace?: string;
  /**
   * Whether the agent runs in offline mode (`OFFLINE_MODE`): it keeps the node working from its cache when the uplink is down.
   * @default true
   */
  readonly offlineMode?: boolean;
  /**
   * The agent's cache.
   * @default - a hostPath directory on each node
   */
  readonly cache?: OfflineCacheOptions;
  /**
   * The cloud endpoint the agent checks the uplink against (`CLOUD_ENDPOINT`); its
   * address must be in the site's cloud CIDRs, and the agent may reach only those, on
   * this URL's port.
   * @default - none: the agent reaches nothing beyond DNS
   */
  readonly cloudEndpoint?: string;
  /**
   * Port of the agent's health endpoint, named `health`.
   * @default 8080
   */
  readonly healthPort?: number;
  /**
   * HTTP path of the health endpoint; without it the probes connect over TCP.
   * @default - TCP probes
   */
  readonly healthPath?: string;
  /** Further plain environment variables. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from existing Secrets. @default - none */
  readonly secretEnv?: Readonly<Record<string, SecretKeyReference>>;
  /**
   * Requests and limits of the agent, the same on every node.
   * @default - the budget of the smallest tier among the site's nodes
   */
  readonly resources?: AppResources;
  /**
   * uid (and gid, fsGroup) the agent runs as.
   * @default 65532
   */
  readonly runAsUser?: number;
}

/** Props of an OfflineAgent. */
export interface OfflineAgentProps extends OfflineAgentOptions {}

/**
 * The offline agent: a DaemonSet that runs on every node of the site (tolerating
 * every edge taint), with `OFFLINE_MODE`, `SYNC_INTERVAL` and `OFFLINE_TOLERANCE`
 * (seconds, from the site's connectivity), a cache that outlives the pod by default,
 * the budget of the site's smallest tier and `edge-critical` priority.
 */
export class OfflineAgent extends Construct {
  /** Name of the DaemonSet. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** The DaemonSet. */
  public readonly daemonSet: k8s.KubeDaemonSet;

  public constructor(scope: Construct, id: string, props: OfflineAgentProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkOfflineAgentOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `OfflineAgent ${this.node.path} is invalid`);

    this.name = props.name ?? 'offline-agent';
    this.namespace = props.namespace ?? platformNamespace(site.spec, 'edge-system');
    const labels = workloadLabels(this.name);
    // Every tier the site's nodes have, smallest first: one pod template serves them
    // all, so it gets the smallest tier's budget.
    const tiers = TIERS.filter((t) => site.spec.nodes.some((n) => n.tier === t));
    const budget = resolveBudget(props.resources, tierProfile(tiers[0]).containerBudget);
    const uid = props.runAsUser ?? DEFAULT_RUN_AS_USER;
    const cache = { type: props.cache?.type ?? 'hostPath', path: props.cache?.path ?? DEFAULT_OFFLINE_CACHE_PATH, sizeLimit: props.cache?.sizeLimit ?? '1Gi' };
    const namespace = site.ensureNamespace(this.namespace);
    const scratch = scratchVolumes(['/tmp'], '64Mi');
    const healthPort = props.healthPort ?? 8080;

    const env: k8s.EnvVar[] = [
      ...envVars({
        OFFLINE_MODE: String(props.offlineMode ?? true),
        SYNC_INTERVAL: String(Math.round(parseDurationSeconds(site.spec.connectivity.syncInterval)!)),
        OFFLINE_TOLERANCE: String(Math.round(parseDurationSeconds(site.spec.connectivity.offlineTolerance)!)),
        CACHE_DIR: OFFLINE_CACHE_MOUNT,
        ...(props.cloudEndpoint ? { CLOUD_ENDPOINT: props.cloudEndpoint } : {}),
        ...props.env,
      }, props.secretEnv),
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ];
    const container: k8s.Container = {
      name: 'agent',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'health', containerPort: healthPort, protocol: 'TCP' }],
      env,
      resources: containerResources(budget),
      securityContext: restrictedContainerSecurityContext(),
      livenessProbe: portProbe('health', props.healthPath, 15),
      readinessProbe: portProbe('health', props.healthPath, 5),
      volumeMounts: [{ name: 'cache', mountPath: OFFLINE_CACHE_MOUNT }, ...scratch.volumeMounts],
    };
    const hostPath = cache.type === 'hostPath';
    const reason = `offline-agent keeps its cache in hostPath ${cache.path} so it survives pod restarts and upgrades; `
      + `an init container (root, CHOWN and FOWNER only) hands it to uid ${uid}`;
    if (hostPath) namespace.allowPodSecurity('privileged', reason);
    const cacheVolume: k8s.Volume = hostPath
      ? { name: 'cache', hostPath: { path: cache.path, type: 'DirectoryOrCreate' } }
      : { name: 'cache', emptyDir: { sizeLimit: k8s.Quantity.fromString(cache.sizeLimit) } };
    const placement = placePods({ tiers });

    this.daemonSet = new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: { name: this.name, namespace: this.namespace, labels, ...(hostPath ? { annotations: { [PSS_EXCEPTION_ANNOTATION]: reason } } : {}) },
      spec: {
        selector: { matchLabels: { ...labels } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            nodeSelector: Object.keys(placement.nodeSelector).length > 0 ? placement.nodeSelector : undefined,
            affinity: placement.affinity,
            tolerations: tolerateAllEdgeTaints(),
            ...applicationPodDefaults('edge-critical', { runAsUser: uid }),
            initContainers: hostPath ? [prepareCache(props.cache?.initImage ?? DEFAULT_CACHE_INIT_IMAGE, uid, budget)] : undefined,
            containers: [container],
            volumes: [cacheVolume, ...scratch.volumes],
          },
        },
      },
    });
    registerPods(this, { description: `DaemonSet ${this.namespace}/${this.name}`, tiers, budget });
    if (props.cloudEndpoint) {
      allowEgressToCidrs(this, 'CloudEgress', {
        name: `${this.name}-cloud-egress`, namespace: this.namespace, selector: labels,
        cidrs: site.spec.network.cloudCidrs, port: urlPort(props.cloudEndpoint),
      });
    }
  }
}

// The only privileged step: give the node directory to the agent's user, once per start.
function prepareCache(image: string, uid: number, budget: ContainerBudget): k8s.Container {
  return {
    name: 'prepare-cache',
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', '-c', `chown ${uid}:${uid} ${OFFLINE_CACHE_MOUNT} && chmod 0700 ${OFFLINE_CACHE_MOUNT}`],
    resources: containerResources(budget),
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'cache', mountPath: OFFLINE_CACHE_MOUNT }],
  };
}
