import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { throwIfProblems } from '../private/errors';
import { workloadLabels } from '../private/labels';
import { childPath, Problems } from '../private/problems';
import { resolveBudget } from '../private/resources';
import type { AppResources } from '../site/edge-app';
import { EdgeSite } from '../site/edge-site';
import { Tier, tierProfile } from '../site/tier';
import type { UsernamePasswordSecret } from './edge-database';
import { claimDeployment } from './private/claim-deployment';
import { diskNode, placementTier, urlPort } from './private/component-rules';
import { allowEgressToCidrs, allowIngressFromAnywhere } from './private/network-access';
import { envVars, portProbe, registerPods } from './private/pod-helpers';
import { checkRegistryCacheOptions } from './private/registry-cache-rules';
import { checkDiskPin, claimClass, createClaim } from './private/volume-claims';

/** The registry image when none is given: CNCF Distribution 2.8, pinned. */
export const DEFAULT_REGISTRY_IMAGE = 'registry:2.8.3';
/** Port the cache listens on in its pod and Service. */
export const REGISTRY_CACHE_PORT = 5000;
/** Where the cache keeps its blobs (the registry's default filesystem root). */
export const REGISTRY_DATA_PATH = '/var/lib/registry';

/** A pull-through cache of one upstream registry, as written under `components.registryCache` in the inventory. */
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
   * One cache serves one upstream (a Distribution pull-through cache mirrors a single
   * registry); add one RegistryCache per registry, each with its own name and node port.
   * @default 'docker.io'
   */
  readonly registry?: string;
  /**
   * URL of the upstream registry's API root (`REGISTRY_PROXY_REMOTEURL`).
   * @default - https://registry-1.docker.io for docker.io, else https://<registry>
   */
  readonly remoteUrl?: string;
  /**
   * A Secret with the upstream account, for private repositories or Docker Hub's pull limits.
   * @default - anonymous pulls
   */
  readonly credentials?: UsernamePasswordSecret;
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
   * CIDRs the cache may reach the upstream registry in (its CDN included).
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
   * uid (and gid, fsGroup) the registry runs as.
   * @default 65532
   */
  readonly runAsUser?: number;
}

/** Props of a RegistryCache. */
export interface RegistryCacheProps extends RegistryCacheOptions {}

/**
 * A pull-through registry cache on the site's local storage, so nodes restart and
 * reschedule pods from images already at the site while the uplink is down. It runs
 * restricted, exposes a NodePort Service, and (unless told not to) is added to every
 * node's mirrors, ahead of the site's registryMirror; the registry itself stays the
 * runtime's last resort, so a cache that is not running yet (or pulls its own image)
 * only costs a retry.
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
    const tier = placementTier(props, site.spec);
    const labels = workloadLabels(this.name);
    const budget = resolveBudget(props.resources, tierProfile(tier).containerBudget);
    site.ensureNamespace(this.namespace);

    const nodeName = props.node ?? diskNode(props.disk);
    createClaim(this, 'Claim', storageClass!, { name: this.name, namespace: this.namespace, size: props.storage ?? '50Gi', tiers: [tier], nodeName, disk: props.disk });
    const credentials = props.credentials;
    const container: k8s.Container = {
      name: 'registry',
      image: props.image ?? DEFAULT_REGISTRY_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: REGISTRY_CACHE_PORT, protocol: 'TCP' }],
      env: envVars({
        REGISTRY_HTTP_ADDR: `:${REGISTRY_CACHE_PORT}`,
        REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: REGISTRY_DATA_PATH,
        REGISTRY_PROXY_REMOTEURL: remoteUrl,
      }, credentials ? {
        REGISTRY_PROXY_USERNAME: { secretName: credentials.secretName, key: credentials.usernameKey ?? 'username' },
        REGISTRY_PROXY_PASSWORD: { secretName: credentials.secretName, key: credentials.passwordKey ?? 'password' },
      } : {}),
      livenessProbe: portProbe('http', '/', 10),
      readinessProbe: portProbe('http', '/', 5),
    };
    this.deployment = claimDeployment(this, {
      name: this.name, namespace: this.namespace, labels, tier, node: props.node, runAsUser: props.runAsUser, budget, container,
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
    registerPods(this, { description: `Deployment ${this.namespace}/${this.name}`, tiers: [tier], nodeName, replicas: 1, budget });
    // Node runtimes connect through the node port, from node addresses the site does not list.
    allowIngressFromAnywhere(this, { name: this.name, namespace: this.namespace, selector: labels, port: REGISTRY_CACHE_PORT });
    allowEgressToCidrs(this, 'UpstreamEgress', {
      name: `${this.name}-upstream-egress`, namespace: this.namespace, selector: labels,
      cidrs: props.upstreamCidrs ?? ['0.0.0.0/0'], port: urlPort(remoteUrl),
    });
    if (props.mirrorNodes ?? true) {
      for (const node of site.nodes) node.addRegistryMirror({ endpoint: this.mirrorEndpoint, registries: [this.registry] });
    }
  }
}

/** The API root of a registry: Docker Hub serves docker.io from registry-1.docker.io. */
export function defaultRemoteUrl(registry: string): string {
  return registry === 'docker.io' ? 'https://registry-1.docker.io' : `https://${registry}`;
}
