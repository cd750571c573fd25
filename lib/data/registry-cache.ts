import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { throwIfProblems } from '../core/validation/errors';
import { workloadLabels } from '../core/site/labels';
import { childPath, Problems } from '../core/validation/problems';
import { podBudget, resolveBudget } from '../core/workload/resources';
import { containerResources, DEFAULT_RUN_AS_USER } from '../core/workload/pod-defaults';
import type { AppResources } from '../core/site/edge-app';
import { EdgeSite } from '../fleet/edge-site';
import { ContainerBudget, Tier, tierProfile } from '../core/spec/tier';
import type { UsernamePasswordSecret } from './edge-database';
import { claimDeployment } from '../core/workload/claim-deployment';
import { diskNode, placementTier, urlPort } from '../core/workload/component-rules';
import { allowIngressFromAnywhere } from '../core/workload/network-access';
import { envVars, portProbe, registerPods, smallerBudget } from '../core/workload/pod-helpers';
import { checkRegistryCacheOptions } from './private/registry-cache-rules';
import { createRegistrySync } from './private/registry-sync';
import { checkDiskPin, claimClass, createClaim } from '../core/workload/volume-claims';

/** The registry image when none is given: CNCF Distribution 2.8, pinned. */
export const DEFAULT_REGISTRY_IMAGE = 'registry:2.8.3';
/** The image of the job that copies images into the cache: skopeo, pinned. */
export const DEFAULT_REGISTRY_SYNC_IMAGE = 'quay.io/skopeo/stable:v1.16.1';
/** Port the cache serves nodes on, read-only, in its pod and Service. */
export const REGISTRY_CACHE_PORT = 5000;
/** Port the cache takes the sync job's pushes on, in its pod and its `<name>-push` Service. */
export const REGISTRY_PUSH_PORT = 5001;
/** When the cache is filled from its upstream: every 6 hours, since every sync asks the upstream for each image's manifest and registries such as Docker Hub limit those requests. */
export const DEFAULT_REGISTRY_SYNC_SCHEDULE = '0 */6 * * *';
/** Where the cache keeps its blobs (the registry's default filesystem root). */
export const REGISTRY_DATA_PATH = '/var/lib/registry';

/** A site-local copy of one upstream registry's images, as written under `components.registryCache` in the inventory. */
export interface RegistryCacheOptions {
  /**
   * Name of the Deployment, Service and volume claim.
   * @default 'registry-cache'
   */
  readonly name?: string;
  /**
   * Namespace; created with its policies when the site does not have it.
   * @default 'edge-registry'
   */
  readonly namespace?: string;
  /**
   * Registry image, pinned to a version.
   * @default DEFAULT_REGISTRY_IMAGE
   */
  readonly image?: string;
  /**
   * The registry the cache stands in for, as image names spell it (`docker.io`, `ghcr.io`).
   * One cache serves one upstream (nodes ask a mirror for repository paths without the
   * registry's name); add one RegistryCache per registry, each with its own name and node port.
   * @default 'docker.io'
   */
  readonly registry?: string;
  /**
   * URL of the upstream registry's API root, which the sync job copies from.
   * @default - https://registry-1.docker.io for docker.io, else https://<registry>
   */
  readonly remoteUrl?: string;
  /**
   * A Secret with the upstream account, for private repositories or Docker Hub's pull limits.
   * @default - anonymous pulls
   */
  readonly credentials?: UsernamePasswordSecret;
  /**
   * Images of `registry` the site keeps, pinned (`nginx:1.25.3`, `docker.io/grafana/grafana:10.4.2`).
   * @default - every image of `registry` that the site's pods run
   */
  readonly images?: readonly string[];
  /**
   * Cron schedule of the sync job that copies the images from the upstream registry.
   * @default DEFAULT_REGISTRY_SYNC_SCHEDULE
   */
  readonly syncSchedule?: string;
  /**
   * Image of the sync job (it runs `/bin/sh` and `skopeo copy`), pinned to a version.
   * @default DEFAULT_REGISTRY_SYNC_IMAGE
   */
  readonly syncImage?: string;
  /**
   * Size of the cache volume.
   * @default '50Gi'
   */
  readonly storage?: string;
  /**
   * StorageClass of the cache volume.
   * @default - the class of the site's LocalStorage
   */
  readonly storageClass?: string;
  /**
   * The declared disk of the cache volume, as `<node>/<disk>` (LocalStorage `local` only).
   * @default - the smallest free disk that holds it
   */
  readonly disk?: string;
  /**
   * Node port of the Service, 30000-32767: the port every node's container runtime pulls through.
   * @default 30500
   */
  readonly nodePort?: number;
  /**
   * Whether every node of the site pulls `registry` through the cache (k3s
   * `registries.yaml`, containerd `hosts.toml`), before the site's registryMirror.
   * @default true
   */
  readonly mirrorNodes?: boolean;
  /**
   * The cache's URL as a node's container runtime reaches it. A node's containerd
   * cannot resolve cluster DNS, so it goes through the Service's node port on the
   * node itself; that needs kube-proxy in iptables mode (the k3s and kubeadm
   * default). With IPVS or nftables kube-proxy, name a node address here instead.
   * @default - http://127.0.0.1:<nodePort>
   */
  readonly mirrorEndpoint?: string;
  /**
   * CIDRs the sync job may reach the upstream registry in (its CDN included).
   * @default ['0.0.0.0/0']
   */
  readonly upstreamCidrs?: readonly string[];
  /**
   * Tier whose nodes run the cache.
   * @default - the tier of the pinned node, else the site's tier
   */
  readonly tier?: Tier;
  /**
   * Pin the cache to one node of the site.
   * @default - any node of the tier
   */
  readonly node?: string;
  /**
   * Requests and limits.
   * @default - the tier budget
   */
  readonly resources?: AppResources;
  /**
   * uid (and gid, fsGroup) the registry and the sync job run as.
   * @default 65532
   */
  readonly runAsUser?: number;
}

/** Props of a RegistryCache. */
export interface RegistryCacheProps extends RegistryCacheOptions {}

/**
 * A registry on the site's local storage holding the site's images, so nodes restart and
 * reschedule pods from images already at the site while the uplink is down.
 *
 * It is not a pull-through cache: Distribution 2.8 in proxy mode asks its upstream at
 * startup and panics when it cannot resolve it (distribution/distribution#4038), so a
 * cache restarted during an outage would be gone exactly when it is needed. Instead a
 * read-only registry serves the volume to the nodes, a second registry process in the
 * same pod takes pushes on a port only the sync job reaches, and a CronJob copies the
 * images from the upstream while the uplink is up. Nothing in the pod needs the upstream.
 *
 * It runs restricted, exposes a NodePort Service, and (unless told not to) is added to every
 * node's mirrors, ahead of the site's registryMirror; the registry itself stays the
 * runtime's last resort, so an image the cache does not hold yet (or a cache that is not
 * running) only costs a retry.
 */
export class RegistryCache extends Construct {
  /** Name of the Deployment and Service. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** The registry the cache stands in for. */
  public readonly registry: string;
  /** The cache's URL as nodes reach it. */
  public readonly mirrorEndpoint: string;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The NodePort Service. */
  public readonly service: k8s.KubeService;
  /** The CronJob that fills the cache from the upstream registry. */
  public readonly sync: k8s.KubeCronJob;

  public constructor(scope: Construct, id: string, props: RegistryCacheProps = {}) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkRegistryCacheOptions(props, site.spec, this.node.path, problems);
    const storageClass = claimClass(this, props.storageClass, this.node.path, problems);
    checkDiskPin(storageClass, props.disk, childPath(this.node.path, 'disk'), problems);
    throwIfProblems(problems, `RegistryCache ${this.node.path} is invalid`);

    this.name = props.name ?? 'registry-cache';
    this.namespace = props.namespace ?? 'edge-registry';
    this.registry = props.registry ?? 'docker.io';
    const nodePort = props.nodePort ?? 30500;
    this.mirrorEndpoint = props.mirrorEndpoint ?? `http://127.0.0.1:${nodePort}`;
    const remoteUrl = props.remoteUrl ?? defaultRemoteUrl(this.registry);
    const image = props.image ?? DEFAULT_REGISTRY_IMAGE;
    const tier = placementTier(props, site.spec);
    const labels = workloadLabels(this.name);
    const budget = resolveBudget(props.resources, tierProfile(tier).containerBudget);
    site.ensureNamespace(this.namespace);

    const nodeName = props.node ?? diskNode(props.disk);
    createClaim(this, 'Claim', storageClass!, { name: this.name, namespace: this.namespace, size: props.storage ?? '50Gi', tiers: [tier], nodeName, disk: props.disk });
    const storageEnv = { REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: REGISTRY_DATA_PATH };
    // The served port is read-only, so no pod or node that reaches it can replace an image;
    // only the push process purges stale uploads (its own).
    const container: k8s.Container = {
      name: 'registry',
      image,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: REGISTRY_CACHE_PORT, protocol: 'TCP' }],
      env: envVars({
        REGISTRY_HTTP_ADDR: `:${REGISTRY_CACHE_PORT}`,
        ...storageEnv,
        REGISTRY_STORAGE_MAINTENANCE: '{"readonly": {"enabled": true}, "uploadpurging": {"enabled": false}}',
      }),
      livenessProbe: portProbe('http', '/', 10),
      readinessProbe: portProbe('http', '/', 5),
    };
    const pushBudget = smallerBudget(budget, PUSH_BUDGET);
    const push: k8s.Container = {
      name: 'registry-push',
      image,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'push', containerPort: REGISTRY_PUSH_PORT, protocol: 'TCP' }],
      env: envVars({ REGISTRY_HTTP_ADDR: `:${REGISTRY_PUSH_PORT}`, ...storageEnv }),
      resources: containerResources(pushBudget),
      livenessProbe: portProbe('push', '/', 10),
      readinessProbe: portProbe('push', '/', 5),
    };
    this.deployment = claimDeployment(this, {
      name: this.name, namespace: this.namespace, labels, tier, node: props.node, runAsUser: props.runAsUser, budget, container, sidecars: [push],
      volume: { name: 'data', claimName: this.name, mountPath: REGISTRY_DATA_PATH },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        type: 'NodePort',
        externalTrafficPolicy: 'Cluster',
        selector: { ...labels },
        ports: [{ name: 'http', port: REGISTRY_CACHE_PORT, targetPort: k8s.IntOrString.fromString('http'), nodePort, protocol: 'TCP' }],
      },
    });
    // Its own ClusterIP Service: a NodePort Service would open the push port on every node.
    const pushService = `${this.name}-push`;
    new k8s.KubeService(this, 'PushService', {
      metadata: { name: pushService, namespace: this.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...labels },
        ports: [{ name: 'push', port: REGISTRY_PUSH_PORT, targetPort: k8s.IntOrString.fromString('push'), protocol: 'TCP' }],
      },
    });
    registerPods(this, { description: `Deployment ${this.namespace}/${this.name}`, tiers: [tier], nodeName, replicas: 1, budget: podBudget([budget, pushBudget]) });
    // Node runtimes connect through the node port, from node addresses the site does not list.
    allowIngressFromAnywhere(this, { name: this.name, namespace: this.namespace, selector: labels, port: REGISTRY_CACHE_PORT });
    this.sync = createRegistrySync(this, site, {
      name: this.name, namespace: this.namespace, image: props.syncImage ?? DEFAULT_REGISTRY_SYNC_IMAGE,
      schedule: props.syncSchedule ?? DEFAULT_REGISTRY_SYNC_SCHEDULE, registry: this.registry, remoteUrl, credentials: props.credentials,
      images: props.images, registrySelector: labels, pushService, pushPort: REGISTRY_PUSH_PORT,
      upstreamCidrs: props.upstreamCidrs ?? ['0.0.0.0/0'], upstreamPort: urlPort(remoteUrl),
      uid: props.runAsUser ?? DEFAULT_RUN_AS_USER, tier, budget,
    }).cronJob;
    if (props.mirrorNodes ?? true) {
      for (const node of site.nodes) node.addRegistryMirror({ endpoint: this.mirrorEndpoint, registries: [this.registry] });
    }
  }
}

/** The API root of a registry: Docker Hub serves docker.io from registry-1.docker.io. */
export function defaultRemoteUrl(registry: string): string {
  return registry === 'docker.io' ? 'https://registry-1.docker.io' : `https://${registry}`;
}

// The push process idles between syncs and streams what it receives to the volume.
const PUSH_BUDGET: ContainerBudget = { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } };
