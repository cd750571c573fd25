import type { EdgeAppOptions } from '../core/site/edge-app';
import type { AcceleratorKind } from '../core/spec/site-spec';
import type { Tier } from '../core/spec/tier';

/**
 * The options of an AI inference workload, shared by the EdgeAIInference
 * construct, its rules and the inventory's `aiInference` list.
 */

/** What runs the model (the `INFERENCE_DEVICE` the image reads). */
export type InferenceDevice = 'CPU' | 'CUDA' | 'TensorRT' | 'OpenVINO';
/** Every inference device. */
export const INFERENCE_DEVICES: readonly InferenceDevice[] = ['CPU', 'CUDA', 'TensorRT', 'OpenVINO'];
/** Accelerators each inference device can use; CPU runs on any accelerator node. */
export const DEVICE_ACCELERATORS: Readonly<Record<InferenceDevice, readonly AcceleratorKind[] | undefined>> = {
  CPU: undefined,
  CUDA: ['nvidia-gpu', 'nvidia-jetson'],
  TensorRT: ['nvidia-gpu', 'nvidia-jetson'],
  OpenVINO: ['intel-gpu', 'intel-vpu'],
};
/** Name of the per-pod metric the autoscaler reads (served through a custom-metrics adapter). */
export const INFERENCE_QUEUE_METRIC = 'inference_queue_length';

/** The model, read from an existing PersistentVolumeClaim. */
export interface InferenceModelOptions {
  /** Name of an existing PersistentVolumeClaim in the workload's namespace holding the model. */
  readonly claimName: string;
  /**
   * Where the claim is mounted, read-only.
   * @default '/models'
   */
  readonly mountPath?: string;
  /** Absolute path of the model file inside the mount (`MODEL_PATH`), e.g. `/models/yolov8n.engine`. */
  readonly path: string;
}

/** Where the workload writes its results. */
export interface InferenceResultsOptions {
  /**
   * An existing PersistentVolumeClaim for results that must outlive the pod.
   * @default - an emptyDir of `sizeLimit`
   */
  readonly claimName?: string;
  /**
   * Mount path of the results volume.
   * @default '/results'
   */
  readonly mountPath?: string;
  /**
   * Size limit of the emptyDir (without `claimName`).
   * @default '1Gi'
   */
  readonly sizeLimit?: string;
}

/** The HorizontalPodAutoscaler (autoscaling/v2). */
export interface InferenceAutoscalingOptions {
  /** Fewest pods. @default 1 */
  readonly minReplicas?: number;
  /** Most pods. @default 5 */
  readonly maxReplicas?: number;
  /** Average CPU utilisation (percent of the request) to scale at. @default 70 */
  readonly cpuUtilization?: number;
  /** Average `inference_queue_length` per pod to scale at. @default 10 */
  readonly queueLength?: number;
}

/** The EdgeApp options an inference workload shares, with the same meaning and rules. */
export type InferenceAppOptions = Pick<EdgeAppOptions, 'name' | 'namespace' | 'image' | 'command' | 'args' | 'env' | 'secretEnv' | 'ports'
| 'probes' | 'resources' | 'writablePaths' | 'writableSizeLimit' | 'priorityClass' | 'labels' | 'runAsUser' | 'runAsGroup' | 'fsGroup'>;

/** An AI inference workload on accelerator nodes; shared by `EdgeAIInference` and the inventory. */
export interface EdgeAIInferenceOptions extends InferenceAppOptions {
  /** The accelerator kind of the nodes that run it (node label `accelerator`). */
  readonly accelerator: AcceleratorKind;
  /** What runs the model (`INFERENCE_DEVICE`): CUDA and TensorRT need an NVIDIA accelerator, OpenVINO an Intel one. */
  readonly inferenceDevice: InferenceDevice;
  /** What to run inference on (`INPUT_SOURCE`), e.g. `rtsp://camera-01.local:554/stream`; never with credentials inside. */
  readonly inputSource: string;
  /** The model volume. */
  readonly model: InferenceModelOptions;
  /** The results volume. @default - an emptyDir at /results */
  readonly results?: InferenceResultsOptions;
  /**
   * Port of the Prometheus metrics (named `metrics`); it should serve
   * `inference_latency_seconds` (histogram) and `inference_queue_length` (gauge).
   * @default 9090
   */
  readonly metricsPort?: number;
  /**
   * HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly metricsPath?: string;
  /**
   * Whole NVIDIA GPUs per pod (`nvidia.com/gpu` limit). 0 sets no limit, for a
   * Jetson's integrated GPU that every pod shares through the NVIDIA runtime.
   * @default - 1 for CUDA and TensorRT, else 0
   */
  readonly gpu?: number;
  /**
   * RuntimeClass of the pods, e.g. `nvidia` for the NVIDIA container runtime.
   * @default - the node's default runtime
   */
  readonly runtimeClassName?: string;
  /** The autoscaler. @default - 1 to 5 pods at 70% CPU or 10 queued inferences per pod */
  readonly autoscaling?: InferenceAutoscalingOptions;
  /**
   * Tier of the accelerator nodes that run it.
   * @default - every tier that has a node with the accelerator
   */
  readonly tier?: Tier;
}
