import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { EdgeMonitoring } from '../monitoring/edge-monitoring';
import { throwIfProblems } from '../core/validation/errors';
import { workloadLabels } from '../core/site/labels';
import { Problems } from '../core/validation/problems';
import { resolveBudget } from '../core/workload/resources';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import { applicationPodDefaults, scratchVolumes } from '../core/workload/pod-defaults';
import { ACCELERATOR_LABEL } from '../core/site/labels';
import { EdgeSite } from '../fleet/edge-site';
import { placePods } from '../core/site/placement';
import { tierProfile, TIERS } from '../core/spec/tier';
import { appContainer, environment, resourcesWithGpus } from '../core/workload/workload-parts';
import { EdgeAIInferenceOptions, INFERENCE_QUEUE_METRIC } from './ai-options';
import {
  acceleratorTiers, checkEdgeAIInferenceOptions, inferenceAppOptions, METRICS_PORT_NAME, resolveInference,
} from './private/ai-rules';

/** Props of an EdgeAIInference. */
export interface EdgeAIInferenceProps extends EdgeAIInferenceOptions {}

/**
 * An AI inference workload (e.g. object detection on camera streams) on the
 * site's accelerator nodes: a Deployment selecting `accelerator=<kind>` with
 * `MODEL_PATH`, `INPUT_SOURCE` and `INFERENCE_DEVICE`, the model read-only from a
 * PersistentVolumeClaim, a results volume, NVIDIA GPUs when the runtime needs
 * them, a ClusterIP Service with the metrics port, a HorizontalPodAutoscaler
 * (autoscaling/v2) on CPU and queue length, and, when the site runs monitoring,
 * a scrape target (ServiceMonitor for a Prometheus Operator).
 */
export class EdgeAIInference extends Construct {
  /** Name of the workload. */
  public readonly name: string;
  /** Namespace of the workload. */
  public readonly namespace: string;
  /** Labels the Deployment selects its pods by. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The ClusterIP Service. */
  public readonly service: k8s.KubeService;
  /** The HorizontalPodAutoscaler. */
  public readonly autoscaler: k8s.KubeHorizontalPodAutoscalerV2;
  /** The PodDisruptionBudget, when at least two pods always run. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;

  public constructor(scope: Construct, id: string, props: EdgeAIInferenceProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkEdgeAIInferenceOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `EdgeAIInference ${this.node.path} is invalid`);

    const r = resolveInference(props);
    this.name = props.name;
    this.namespace = props.namespace;
    this.selectorLabels = workloadLabels(props.name);
    site.ensureNamespace(props.namespace);
    const tiers = acceleratorTiers(props, site.spec);
    // Several tiers of accelerator nodes: the largest tier's budget is the default.
    const budgetTier = [...TIERS].reverse().find((t) => tiers.includes(t))!;
    const budget = resolveBudget(props.resources, tierProfile(budgetTier).containerBudget);
    const nodeLabels = { [ACCELERATOR_LABEL]: props.accelerator };
    const app = inferenceAppOptions(props, r.metricsPort);
    const ports = app.ports ?? [];
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...this.selectorLabels, ...props.labels } };
    const selector = { matchLabels: { ...this.selectorLabels } };

    const scratch = scratchVolumes(props.writablePaths ?? ['/tmp'], props.writableSizeLimit ?? '64Mi');
    const resultsVolume: k8s.Volume = props.results?.claimName
      ? { name: 'results', persistentVolumeClaim: { claimName: props.results.claimName } }
      : { name: 'results', emptyDir: { sizeLimit: k8s.Quantity.fromString(props.results?.sizeLimit ?? '1Gi') } };
    const env = [
      { name: 'MODEL_PATH', value: props.model.path },
      { name: 'INPUT_SOURCE', value: props.inputSource },
      { name: 'INFERENCE_DEVICE', value: props.inferenceDevice },
      ...environment(props.env, props.secretEnv),
    ];
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        // No replicas here: the autoscaler owns them, and a fleet engine re-applying a
        // count would undo every scale-up. It starts at minReplicas.
        selector,
        // No spare accelerator to surge onto: replace one pod at a time.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels: { ...this.selectorLabels, ...props.labels, 'edge.site': site.spec.name } },
          spec: {
            ...placePods({ tiers, nodeLabels }),
            runtimeClassName: props.runtimeClassName,
            ...applicationPodDefaults(props.priorityClass ?? 'edge-normal', props),
            topologySpreadConstraints: r.maxReplicas > 1 ? [{
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              // A site often has one accelerator node: prefer spreading, never block.
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { ...this.selectorLabels } },
            }] : undefined,
            containers: [appContainer(app, {
              resources: resourcesWithGpus(budget, r.gpu),
              env,
              probeDelays: { liveness: 30, readiness: 10 },
              volumeMounts: [
                { name: 'model', mountPath: r.modelMount, readOnly: true },
                { name: 'results', mountPath: r.resultsMount },
                ...scratch.volumeMounts,
              ],
            })],
            volumes: [
              { name: 'model', persistentVolumeClaim: { claimName: props.model.claimName, readOnly: true } },
              resultsVolume,
              ...scratch.volumes,
            ],
          },
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selectorLabels },
        ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol ?? 'TCP' })),
      },
    });
    this.autoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
        minReplicas: r.minReplicas,
        maxReplicas: r.maxReplicas,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.autoscaling?.cpuUtilization ?? 70 } } },
          {
            type: 'Pods',
            pods: {
              metric: { name: INFERENCE_QUEUE_METRIC },
              target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(String(props.autoscaling?.queueLength ?? 10)) },
            },
          },
        ],
        // A model loads slowly: keep pods for five minutes after load drops.
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
    });
    if (r.minReplicas > 1) {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
      });
    }
    EdgeMonitoring.registerScrapeTarget(this, {
      name: props.name,
      namespace: props.namespace,
      selector: this.selectorLabels,
      port: METRICS_PORT_NAME,
      portNumber: r.metricsPort,
      path: props.metricsPath ?? '/metrics',
      service: true,
    });
    site.registerWorkload({
      path: this.node.path,
      description: `Deployment ${props.namespace}/${props.name}`,
      tiers,
      nodeLabels,
      replicas: r.minReplicas,
      cpuMillis: parseCpuMillis(budget.requests.cpu)!,
      memoryBytes: parseBytes(budget.requests.memory)!,
    });
  }
}
