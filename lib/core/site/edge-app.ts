import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkEdgeAppOptions } from '../validation/edge-app-rules';
import { throwIfProblems } from '../validation/errors';
import { workloadLabels } from './labels';
import { Problems } from '../validation/problems';
import { parseBytes, parseCpuMillis } from '../validation/quantity';
import { resolveBudget } from '../workload/resources';
import { appContainer, deploymentStrategy } from '../workload/workload-parts';
import { applicationPodDefaults, containerResources, PodIdentity, scratchVolumes } from '../workload/pod-defaults';
import { EdgeSite } from '../../fleet/edge-site';
import { placePods } from './placement';
import { PriorityClassName } from './priority-classes';
import { ContainerBudget, Tier, tierProfile } from '../spec/tier';

/** A port the app listens on. */
export interface AppPort {
  /** Port name (IANA service name: lowercase, at most 15 characters), used by probes and the Service. */
  readonly name: string;
  /** Container port number. */
  readonly port: number;
  /**
   * Transport protocol.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP';
}

/** An HTTP GET probe. */
export interface HttpProbeOptions {
  /** Request path, e.g. `/healthz`. */
  readonly path: string;
  /** Port name (one of the app's TCP ports) or number. */
  readonly port: string | number;
}

/** A TCP connect probe. */
export interface TcpProbeOptions {
  /** Port name (one of the app's TCP ports) or number. */
  readonly port: string | number;
}

/** A liveness or readiness probe: exactly one of `http`, `tcp` or `exec`. */
export interface ProbeOptions {
  /** Probe with an HTTP GET. @default - none */
  readonly http?: HttpProbeOptions;
  /** Probe with a TCP connect. @default - none */
  readonly tcp?: TcpProbeOptions;
  /** Probe by running this command in the container. @default - none */
  readonly exec?: readonly string[];
  /** Seconds before the first probe. @default 5 for readiness, 15 for liveness */
  readonly initialDelaySeconds?: number;
  /** Seconds between probes. @default 10 */
  readonly periodSeconds?: number;
  /** Failures in a row that count as down. @default 3 */
  readonly failureThreshold?: number;
}

/** Liveness and readiness probes. */
export interface AppProbes {
  /** Restarts the container when it fails. @default - TCP connect to the first TCP port */
  readonly liveness?: ProbeOptions;
  /** Takes the pod out of its Service when it fails. @default - TCP connect to the first TCP port */
  readonly readiness?: ProbeOptions;
}

/** CPU and/or memory; an absent value comes from the tier budget. */
export interface PartialComputeResources {
  /** CPU quantity. @default - the tier budget */
  readonly cpu?: string;
  /** Memory quantity. @default - the tier budget */
  readonly memory?: string;
}

/** Requests and limits of the app's container. */
export interface AppResources {
  /** What the scheduler reserves. @default - the tier budget's requests */
  readonly requests?: PartialComputeResources;
  /** The most the container may use. @default - the tier budget's limits */
  readonly limits?: PartialComputeResources;
}

/** An environment variable read from an existing Secret; the value never enters the output. */
export interface SecretKeyReference {
  /** Name of a Secret in the app's namespace. */
  readonly secretName: string;
  /** Key in that Secret. */
  readonly key: string;
}

/** What an EdgeApp runs and how; shared by `EdgeSite.addApp()` and the inventory's `apps` list. */
export interface EdgeAppOptions extends PodIdentity {
  /** Name of the workload, its Service and its labels (DNS-1123 label). */
  readonly name: string;
  /** Namespace to run in; created by the site when it does not exist. */
  readonly namespace: string;
  /** Container image with a pinned tag or digest (never `latest`). */
  readonly image: string;
  /**
   * `Deployment`, or `DaemonSet` for one pod per node of the tier.
   * @default 'Deployment'
   */
  readonly kind?: 'Deployment' | 'DaemonSet';
  /**
   * Pods of a Deployment. More than one adds a PodDisruptionBudget and spreads pods over nodes.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Tier whose nodes run the app.
   * @default - the tier of the pinned node, else the site's tier
   */
  readonly tier?: Tier;
  /**
   * Pin the app to one node of the site (Deployments only).
   * @default - any node of the tier
   */
  readonly node?: string;
  /** Entrypoint override. @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** Arguments. @default - the image's arguments */
  readonly args?: readonly string[];
  /** Plain environment variables (never secrets: use `secretEnv`). @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from existing Secrets. @default - none */
  readonly secretEnv?: Readonly<Record<string, SecretKeyReference>>;
  /** Ports the app listens on. @default - none */
  readonly ports?: readonly AppPort[];
  /**
   * Whether to create a ClusterIP Service for the ports.
   * @default - true when the app has ports
   */
  readonly service?: boolean;
  /** Requests and limits. @default - the tier budget */
  readonly resources?: AppResources;
  /** Probes. @default - TCP connect to the first TCP port */
  readonly probes?: AppProbes;
  /**
   * Paths the app writes to; each is an emptyDir (the root filesystem is read-only).
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];
  /**
   * Size limit of each writable path.
   * @default '64Mi'
   */
  readonly writableSizeLimit?: string;
  /**
   * Priority of the pods.
   * @default 'edge-normal'
   */
  readonly priorityClass?: PriorityClassName;
  /** Extra labels on the workload and its pods. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Props of an EdgeApp. */
export interface EdgeAppProps extends EdgeAppOptions {}

/**
 * A user's workload at the edge: a Deployment or DaemonSet placed on a tier (or a
 * node), restricted pod security, the tier's resource budget unless told
 * otherwise, probes, writable emptyDirs under a read-only root, and an optional
 * Service and PodDisruptionBudget.
 */
export class EdgeApp extends Construct {
  /** Name of the workload. */
  public readonly name: string;
  /** Namespace of the workload. */
  public readonly namespace: string;
  /** Tier the pods run on. */
  public readonly tier: Tier;
  /** Labels the workload selects its pods by. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The Deployment or DaemonSet. */
  public readonly workload: k8s.KubeDeployment | k8s.KubeDaemonSet;
  /** The Service, when the app has one. */
  public readonly service?: k8s.KubeService;
  /** The PodDisruptionBudget, when the app has more than one replica. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;

  public constructor(scope: Construct, id: string, props: EdgeAppProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkEdgeAppOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `EdgeApp ${this.node.path} is invalid`);

    this.name = props.name;
    this.namespace = props.namespace;
    const pinned = site.spec.nodes.find((n) => n.name === props.node);
    this.tier = props.tier ?? pinned?.tier ?? site.spec.tier;
    this.selectorLabels = workloadLabels(props.name);
    site.ensureNamespace(props.namespace);

    const budget = resolveBudget(props.resources, tierProfile(this.tier).containerBudget);
    const template = this.podTemplate(props, budget, site);
    const replicas = props.replicas ?? 1;
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...this.selectorLabels, ...props.labels } };
    const selector = { matchLabels: { ...this.selectorLabels } };
    this.workload = (props.kind ?? 'Deployment') === 'DaemonSet'
      ? new k8s.KubeDaemonSet(this, 'Workload', { metadata, spec: { selector, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } } } })
      : new k8s.KubeDeployment(this, 'Workload', { metadata, spec: { replicas, selector, template, strategy: deploymentStrategy(replicas) } });

    const ports = props.ports ?? [];
    if (ports.length > 0 && (props.service ?? true)) {
      this.service = new k8s.KubeService(this, 'Service', {
        metadata,
        spec: {
          type: 'ClusterIP',
          selector: { ...this.selectorLabels },
          ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol ?? 'TCP' })),
        },
      });
    }
    if (props.kind !== 'DaemonSet' && replicas > 1) {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
      });
    }

    site.registerWorkload({
      path: this.node.path,
      description: `${props.kind ?? 'Deployment'} ${props.namespace}/${props.name}`,
      tiers: [this.tier],
      nodeName: props.node,
      replicas: props.kind === 'DaemonSet' ? undefined : replicas,
      cpuMillis: parseCpuMillis(budget.requests.cpu)!,
      memoryBytes: parseBytes(budget.requests.memory)!,
    });
  }

  private podTemplate(props: EdgeAppProps, budget: ContainerBudget, site: EdgeSite): k8s.PodTemplateSpec {
    const scratch = scratchVolumes(props.writablePaths ?? ['/tmp'], props.writableSizeLimit ?? '64Mi');
    const placement = placePods({ tiers: [this.tier], nodeName: props.node });
    const container = appContainer(props, { resources: containerResources(budget), volumeMounts: scratch.volumeMounts });
    const replicas = props.kind === 'DaemonSet' ? 1 : props.replicas ?? 1;
    return {
      metadata: { labels: { ...this.selectorLabels, ...props.labels, 'edge.site': site.spec.name } },
      spec: {
        ...placement,
        ...applicationPodDefaults(props.priorityClass ?? 'edge-normal', props),
        topologySpreadConstraints: replicas > 1 ? [{
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          // Small sites may have fewer nodes than replicas: prefer spreading, never block.
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { ...this.selectorLabels } },
        }] : undefined,
        containers: [container],
        volumes: scratch.volumes,
      },
    };
  }
}
