import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { throwIfProblems } from '../core/validation/errors';
import { workloadLabels } from '../core/site/labels';
import { Problems } from '../core/validation/problems';
import { resolveBudget } from '../core/workload/resources';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import {
  applicationPodDefaults, PSS_EXCEPTION_ANNOTATION, restrictedContainerSecurityContext, scratchVolumes,
} from '../core/workload/pod-defaults';
import { EdgeSite } from '../fleet/edge-site';
import { placePods } from '../core/site/placement';
import { tierProfile } from '../core/spec/tier';
import {
  MEC_LATENCY_BUDGET_ANNOTATION, MEC_NET_ADMIN_PSS_REASON, MEC_QOS_CLASS_ANNOTATION, MEC_UPF_BREAKOUT_ANNOTATION, MecServiceOptions,
} from './mec-options';
import { checkMecServiceOptions, mecNodeLabels } from './private/mec-rules';
import {
  appContainer, deploymentStrategy, resourcesWithGpus,
} from '../core/workload/workload-parts';

/** Props of a MecService. */
export interface MecServiceProps extends MecServiceOptions {}

/**
 * A 5G MEC application (e.g. cloud gaming next to the UPF): a Deployment on the
 * site's MEC nodes (`node.kubernetes.io/mec=true` and the site's region), spread
 * over zones, with optional GPUs; a LoadBalancer Service with
 * `externalTrafficPolicy: Local` (the client address reaches the pod, no extra hop)
 * carrying the MEC annotations and mixed TCP/UDP ports; and a PodDisruptionBudget
 * when there is more than one replica.
 */
export class MecService extends Construct {
  /** Name of the service. */
  public readonly name: string;
  /** Namespace of the service. */
  public readonly namespace: string;
  /** Labels the Deployment selects its pods by. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The LoadBalancer Service. */
  public readonly service: k8s.KubeService;
  /** The PodDisruptionBudget, when there is more than one replica. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;

  public constructor(scope: Construct, id: string, props: MecServiceProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkMecServiceOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `MecService ${this.node.path} is invalid`);

    this.name = props.name;
    this.namespace = props.namespace;
    this.selectorLabels = workloadLabels(props.name);
    const namespace = site.ensureNamespace(props.namespace);
    if (props.netAdmin) namespace.allowPodSecurity('privileged', MEC_NET_ADMIN_PSS_REASON);

    const tier = props.tier ?? site.spec.tier;
    const replicas = props.replicas ?? 1;
    const gpus = props.gpu ?? 0;
    const nodeLabels = mecNodeLabels(site.spec, gpus);
    const budget = resolveBudget(props.resources, tierProfile(tier).containerBudget);
    const ports = props.ports ?? [];
    const scratch = scratchVolumes(props.writablePaths ?? ['/tmp'], props.writableSizeLimit ?? '64Mi');
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...this.selectorLabels, ...props.labels } };
    const selector = { matchLabels: { ...this.selectorLabels } };

    const securityContext: k8s.SecurityContext = props.netAdmin
      ? { ...restrictedContainerSecurityContext(), allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } }
      : restrictedContainerSecurityContext();
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: props.netAdmin ? { ...metadata, annotations: { [PSS_EXCEPTION_ANNOTATION]: MEC_NET_ADMIN_PSS_REASON } } : metadata,
      spec: {
        replicas,
        selector,
        strategy: deploymentStrategy(replicas),
        template: {
          metadata: { labels: { ...this.selectorLabels, ...props.labels, 'edge.site': site.spec.name } },
          spec: {
            ...placePods({ tiers: [tier], nodeLabels }),
            ...applicationPodDefaults(props.priorityClass ?? 'edge-normal', props),
            topologySpreadConstraints: [{
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: props.zoneSpread ?? 'DoNotSchedule',
              labelSelector: { matchLabels: { ...this.selectorLabels } },
            }],
            containers: [appContainer(props, { resources: resourcesWithGpus(budget, gpus), volumeMounts: scratch.volumeMounts, securityContext })],
            volumes: scratch.volumes,
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        ...metadata,
        annotations: {
          [MEC_UPF_BREAKOUT_ANNOTATION]: String(props.upfBreakout ?? true),
          [MEC_QOS_CLASS_ANNOTATION]: props.qosClass,
          [MEC_LATENCY_BUDGET_ANNOTATION]: props.latencyBudget,
        },
      },
      spec: {
        // TCP and UDP on one LoadBalancer: MixedProtocolLBService is on by default
        // from 1.24 (beta) and GA from 1.26, so this holds on every supported minor.
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        selector: { ...this.selectorLabels },
        ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol ?? 'TCP' })),
      },
    });
    if (replicas > 1) {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
      });
    }
    site.registerWorkload({
      path: this.node.path,
      description: `Deployment ${props.namespace}/${props.name}`,
      tiers: [tier],
      nodeLabels,
      replicas,
      cpuMillis: parseCpuMillis(budget.requests.cpu)!,
      memoryBytes: parseBytes(budget.requests.memory)!,
    });
  }
}
