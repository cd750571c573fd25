import { EdgeAIInference } from '../../lib/ai/edge-ai-inference';
import type { EdgeAIInferenceOptions } from '../../lib/ai/ai-options';
import { readAiInference } from '../../lib/ai/private/read-ai-inference';
import { AI_INFERENCE_COMPONENT } from '../../lib/ai/ai-component';
import { EdgeMonitoring } from '../../lib/monitoring/edge-monitoring';
import { EdgeValidationError, resolveSiteSpec, SiteSpec } from '../../lib';
import { checkWorkloadPodSecurity, namespaceEnforceLevel } from '../../lib/core/policy/pod-security';
import { Problems } from '../../lib/core/validation/problems';
import { buildSite, findObject, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';
import { validateConstructs } from '../../lib/core/manifests';

/** A camera-analytics site: a server, a Jetson, a GPU server and an Intel box. */
function visionSite(overrides: Partial<SiteSpec> = {}): SiteSpec {
  return {
    name: 'vision',
    tier: 'mini',
    cluster: { serverUrl: 'https://10.30.0.10:6443' },
    namespaces: ['vision'],
    nodes: [
      { name: 'vision-srv-01', role: 'server', tier: 'standard', capacity: { cpu: '8', memory: '32Gi' } },
      { name: 'jetson-01', capacity: { cpu: '8', memory: '16Gi' }, accelerator: { kind: 'nvidia-jetson' } },
      { name: 'gpu-01', tier: 'standard', capacity: { cpu: '16', memory: '64Gi' }, accelerator: { kind: 'nvidia-gpu', count: 4 } },
      { name: 'nuc-01', capacity: { cpu: '4', memory: '8Gi' }, accelerator: { kind: 'intel-gpu' } },
    ],
    ...overrides,
  };
}

/** The seed's object detection on a GPU server. */
const DETECTION: EdgeAIInferenceOptions = {
  name: 'object-detection',
  namespace: 'vision',
  image: 'ghcr.io/acme/object-detection:2.4.0',
  accelerator: 'nvidia-gpu',
  inferenceDevice: 'TensorRT',
  inputSource: 'rtsp://camera-01.local:554/stream',
  model: { claimName: 'models', path: '/models/yolov8n.engine' },
  ports: [{ name: 'http', port: 8080 }],
  autoscaling: { maxReplicas: 4 },
};

function build(options: Partial<EdgeAIInferenceOptions> = {}, monitoring = false): any[] {
  const site = buildSite(visionSite());
  if (monitoring) new EdgeMonitoring(site, 'Monitoring', { remoteWrite: { url: 'https://metrics.example.com/write' } });
  new EdgeAIInference(site, 'Detection', { ...DETECTION, ...options });
  return synthObjects(site);
}

function podSpec(objects: any[]): any {
  return findObject(objects, 'Deployment', 'object-detection', 'vision').spec.template.spec;
}

function problemsOf(options: Partial<EdgeAIInferenceOptions>): string[] {
  try {
    build(options);
  } catch (error) {
    if (error instanceof EdgeValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('EdgeAIInference Deployment', () => {
  test('WHEN the workload is added THEN it runs on the accelerator nodes through the placement helper', () => {
    const spec = podSpec(build());
    expect(spec.nodeSelector).toEqual({ 'accelerator': 'nvidia-gpu', 'edge.tier': 'standard' });
    expect(spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Equal', value: 'standard', effect: 'NoSchedule' }]);
  });

  test('WHEN TensorRT runs THEN the container gets one nvidia.com/gpu, the tier budget and the inference environment', () => {
    const c = podSpec(build()).containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { 'cpu': '1', 'memory': '1Gi', 'nvidia.com/gpu': 1 } });
    expect(c.env).toEqual([
      { name: 'MODEL_PATH', value: '/models/yolov8n.engine' },
      { name: 'INPUT_SOURCE', value: 'rtsp://camera-01.local:554/stream' },
      { name: 'INFERENCE_DEVICE', value: 'TensorRT' },
    ]);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
  });

  test('WHEN the model and results are mounted THEN the model is a read-only claim and results an emptyDir', () => {
    const spec = podSpec(build());
    expect(spec.volumes.slice(0, 2)).toEqual([
      { name: 'model', persistentVolumeClaim: { claimName: 'models', readOnly: true } },
      { name: 'results', emptyDir: { sizeLimit: '1Gi' } },
    ]);
    expect(spec.containers[0].volumeMounts.slice(0, 2)).toEqual([{ name: 'model', mountPath: '/models', readOnly: true }, { name: 'results', mountPath: '/results' }]);
  });

  test('WHEN results go to a claim THEN the results volume is that claim', () => {
    expect(podSpec(build({ results: { claimName: 'detections', mountPath: '/data/out' } })).volumes[1]).toEqual({ name: 'results', persistentVolumeClaim: { claimName: 'detections' } });
  });

  test('WHEN a Jetson shares its integrated GPU THEN gpu 0 sets no GPU limit and the NVIDIA runtime class is used', () => {
    const spec = podSpec(build({ accelerator: 'nvidia-jetson', gpu: 0, runtimeClassName: 'nvidia', autoscaling: { maxReplicas: 3 } }));
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(spec.runtimeClassName).toBe('nvidia');
    expect(spec.nodeSelector).toEqual({ 'accelerator': 'nvidia-jetson', 'edge.tier': 'mini' });
  });

  test('WHEN OpenVINO runs on an Intel node THEN there is no GPU limit', () => {
    const spec = podSpec(build({ accelerator: 'intel-gpu', inferenceDevice: 'OpenVINO' }));
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(spec.nodeSelector.accelerator).toBe('intel-gpu');
  });

  test('WHEN the Deployment is synthesized THEN the autoscaler owns its replicas and the pod meets restricted', () => {
    const deployment = findObject(build(), 'Deployment', 'object-detection', 'vision');
    expect(deployment.spec.replicas).toBeUndefined();
    expect(checkWorkloadPodSecurity(deployment, 'restricted', { version: '1.25' })).toEqual([]);
  });
});

describe('EdgeAIInference autoscaling and monitoring', () => {
  test('WHEN defaults apply THEN an autoscaling/v2 HPA scales on 70% CPU and 10 queued inferences per pod', () => {
    const hpa = findObject(build({ autoscaling: undefined, gpu: 0 }), 'HorizontalPodAutoscaler', 'object-detection', 'vision');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'object-detection' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Pods', pods: { metric: { name: 'inference_queue_length' }, target: { type: 'AverageValue', averageValue: '10' } } },
      ],
    });
  });

  test('WHEN at least two pods always run THEN a PodDisruptionBudget protects them', () => {
    expect(build({ autoscaling: { minReplicas: 2, maxReplicas: 4 } }).some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
    expect(build().some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test('WHEN the site runs monitoring THEN the metrics port gets a scrape job, and a ServiceMonitor only for an operator-managed Prometheus', () => {
    const objects = build({}, true);
    expect(objects.some((o) => o.kind === 'ServiceMonitor')).toBe(false);
    expect(findObject(objects, 'ConfigMap', 'prometheus-config', 'monitoring').data['prometheus.yml']).toContain('job_name: vision/object-detection');
    expect(findObject(objects, 'Service', 'object-detection', 'vision').spec.ports).toContainEqual({ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' });
  });

  test('WHEN the workload is added THEN the capacity check places its minimum replicas on the accelerator nodes and the site validates', () => {
    const site = buildSite(visionSite());
    new EdgeAIInference(site, 'Detection', { ...DETECTION, autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    expect(site.workloadDemands.find((d) => d.description === 'Deployment vision/object-detection')).toMatchObject({
      replicas: 2, tiers: ['standard'], nodeLabels: { accelerator: 'nvidia-gpu' }, cpuMillis: 500,
    });
    expect(validateConstructs(site)).toEqual([]);
  });

  test('WHEN the site runs no monitoring THEN no ServiceMonitor is emitted', () => {
    expect(build().some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  });
});

describe('EdgeAIInference validation', () => {
  const AT = 'vision/Detection';
  test.each<[string, Partial<EdgeAIInferenceOptions>, string]>([
    ['TensorRT runs on an Intel accelerator', { accelerator: 'intel-gpu', gpu: 0 }, `${AT}.inferenceDevice: TensorRT needs an NVIDIA accelerator (nvidia-gpu or nvidia-jetson), but the workload runs on intel-gpu nodes`],
    ['CUDA runs on an Intel accelerator', { accelerator: 'intel-gpu', inferenceDevice: 'CUDA', gpu: 0 }, `${AT}.inferenceDevice: CUDA needs an NVIDIA accelerator`],
    ['OpenVINO runs on an NVIDIA accelerator', { inferenceDevice: 'OpenVINO', gpu: 0 }, `${AT}.inferenceDevice: OpenVINO needs an Intel accelerator (intel-gpu or intel-vpu), but the workload runs on nvidia-gpu nodes`],
    ['minReplicas is above maxReplicas', { autoscaling: { minReplicas: 4, maxReplicas: 2 } }, `${AT}.autoscaling.minReplicas: 4 is above maxReplicas 2`],
    ['the GPU count is not a whole number', { gpu: 0.5 }, `${AT}.gpu: must be a whole number of GPUs (0 for a shared integrated GPU), got 0.5`],
    ['the GPU count is negative', { gpu: -1 }, `${AT}.gpu: must be a whole number of GPUs (0 for a shared integrated GPU), got -1`],
    ['the pods need more GPUs than the nodes have', { gpu: 2, autoscaling: { maxReplicas: 3 } }, `${AT}.gpu: up to 3 pods × 2 GPUs need 6, but the nvidia-gpu nodes have 4`],
    ['a pod needs more GPUs than a node has', { gpu: 8, autoscaling: { maxReplicas: 1 } }, `${AT}.gpu: 8 GPUs per pod, but the nvidia-gpu node with the most has 4`],
    ['no node has the accelerator', { accelerator: 'google-coral', inferenceDevice: 'CPU' }, `${AT}.accelerator: site vision has no node with a google-coral accelerator`],
    ['the model path is outside the model mount', { model: { claimName: 'models', path: '/data/model.onnx' } }, `${AT}.model.path: "/data/model.onnx" is not inside the model mount /models`],
    ['the model path is the mount itself', { model: { claimName: 'models', path: '/models' } }, `${AT}.model.path: "/models" is not inside the model mount /models`],
    ['the results overlap the model mount', { results: { mountPath: '/models/out' } }, `${AT}.results.mountPath: /models/out overlaps the read-only model mount /models`],
    ['the input source carries credentials', { inputSource: 'rtsp://admin:secret@camera-01.local/stream' }, `${AT}.inputSource: carries credentials; pass them through secretEnv`],
    ['the CPU target is above 100', { autoscaling: { cpuUtilization: 150 } }, `${AT}.autoscaling.cpuUtilization: must be a whole percentage from 1 to 100, got 150`],
    ['a port is named metrics', { ports: [{ name: 'metrics', port: 8000 }] }, `${AT}.ports[0].name: "metrics" is the name of the metrics port; set metricsPort instead`],
    ['a shared EdgeApp rule is broken', { image: 'ghcr.io/acme/object-detection:latest' }, `${AT}.image: image "ghcr.io/acme/object-detection:latest" uses the "latest" tag`],
  ])('WHEN %s THEN the constructor reports it at its path', (_what, options, expected) => {
    const problems = problemsOf(options);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });
});

describe('components.aiInference in the inventory', () => {
  const site = resolveSiteSpec(visionSite());
  const PATH = 'sites[0].components.aiInference';

  function read(value: unknown): { options: unknown; problems: string[] } {
    const problems = new Problems();
    const options = readAiInference(value, PATH, problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  }

  test('WHEN a required key is missing THEN it is reported at its inventory path', () => {
    const { model: _model, ...rest } = DETECTION;
    expect(read([rest]).problems).toEqual([`${PATH}[0].model: is required: the model volume: claimName and path`]);
  });

  test('WHEN a rule is broken THEN it is reported at the inventory path', () => {
    expect(read([{ ...DETECTION, inferenceDevice: 'OpenVINO', gpu: 0 }]).problems).toEqual([
      `${PATH}[0].inferenceDevice: OpenVINO needs an Intel accelerator (intel-gpu or intel-vpu), but the workload runs on nvidia-gpu nodes`,
    ]);
  });

  test('WHEN the block is not a list THEN it says so', () => {
    expect(read({ name: 'x' }).problems).toEqual([`${PATH}: must be a list of inference workloads, got a mapping`]);
  });

  test('WHEN the reader reads its own output again THEN it gets the same workloads and no problem', () => {
    const first = read([{
      ...DETECTION, results: { claimName: 'out', mountPath: '/out', sizeLimit: '2Gi' }, metricsPort: 9400, metricsPath: '/stats',
      gpu: 1, runtimeClassName: 'nvidia', autoscaling: { minReplicas: 1, maxReplicas: 2, cpuUtilization: 60, queueLength: 5 }, tier: 'standard',
    }]);
    expect(first.problems).toEqual([]);
    expect(read(first.options)).toEqual(first);
  });

  test('WHEN the component builds a site THEN each workload is an EdgeAIInference', () => {
    const built = buildSite(visionSite());
    AI_INFERENCE_COMPONENT.build(built, [DETECTION]);
    expect(findObject(synthObjects(built), 'HorizontalPodAutoscaler', 'object-detection', 'vision')).toBeDefined();
  });
});

describeWithSchemas('EdgeAIInference conformance', () => {
  for (const version of ['1.25', '1.32'] as const) {
    test(`WHEN a monitored workload is synthesized for Kubernetes ${version} THEN every object passes the strict schemas and CRDs`, () => {
      const site = buildSite(visionSite({ kubernetesVersion: version }));
      new EdgeMonitoring(site, 'Monitoring', { remoteWrite: { url: 'https://metrics.example.com/write' } });
      new EdgeAIInference(site, 'Detection', DETECTION);
      const objects = synthObjects(site);
      expect(validateObjects(objects, conformanceValidators())).toEqual([]);
      expect(namespaceEnforceLevel(findObject(objects, 'Namespace', 'vision'))).toBe('restricted');
    });
  }
});
requireSchemasInCi();
