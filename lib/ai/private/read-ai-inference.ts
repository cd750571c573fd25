import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { ACCELERATOR_KINDS } from '../../core/spec/site-spec';
import { TIERS } from '../../core/spec/tier';
import { childPath, Problems } from '../../core/validation/problems';
import { describe, MappingReader } from '../../core/validation/reader';
import { readAppPart } from '../../core/validation/read-app-part';
import {
  EdgeAIInferenceOptions, INFERENCE_DEVICES, InferenceAutoscalingOptions, InferenceModelOptions, InferenceResultsOptions,
} from '../ai-options';
import { checkEdgeAIInferenceOptions } from './ai-rules';

/** The EdgeApp options an inference workload shares. */
const AI_APP_KEYS = [
  'name', 'namespace', 'image', 'command', 'args', 'env', 'secretEnv', 'ports', 'probes', 'resources',
  'writablePaths', 'writableSizeLimit', 'priorityClass', 'labels', 'runAsUser', 'runAsGroup', 'fsGroup',
];
const AI_KEYS = ['accelerator', 'inferenceDevice', 'inputSource', 'model', 'results', 'metricsPort', 'metricsPath', 'gpu', 'runtimeClassName', 'autoscaling', 'tier'];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads `components.aiInference`: a list of inference workloads, unique by namespace and name. */
export function readAiInference(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): EdgeAIInferenceOptions[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list of inference workloads, got ${describe(value)}`);
    return undefined;
  }
  const workloads: EdgeAIInferenceOptions[] = [];
  const seen = new Map<string, string>();
  value.forEach((item, index) => {
    const itemPath = childPath(path, index);
    const workload = readOne(item, itemPath, problems, site);
    if (!workload) return;
    const key = `${workload.namespace}/${workload.name}`;
    const first = seen.get(key);
    if (first) problems.add(childPath(itemPath, 'name'), `inference workload ${key} is already defined at ${first}`);
    else seen.set(key, itemPath);
    workloads.push(workload);
  });
  return workloads;
}

function readOne(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): EdgeAIInferenceOptions | undefined {
  const r = MappingReader.of(value, path, problems, [...AI_APP_KEYS, ...AI_KEYS]);
  if (!r) return undefined;
  const app = readAppPart(value, path, problems, AI_APP_KEYS);
  r.require('accelerator', `the accelerator kind of the nodes: ${ACCELERATOR_KINDS.join(', ')}`);
  r.require('inferenceDevice', INFERENCE_DEVICES.join(', '));
  r.require('inputSource', 'the input, e.g. rtsp://camera-01.local:554/stream');
  r.require('model', 'the model volume: claimName and path');
  const accelerator = r.oneOf('accelerator', ACCELERATOR_KINDS);
  const inferenceDevice = r.oneOf('inferenceDevice', INFERENCE_DEVICES);
  const inputSource = r.string('inputSource');
  const model = readModel(r);
  // Optional keys are read (and reported) even when a required one is broken.
  const optional = readOptional(r);
  if (!app || !accelerator || !inferenceDevice || inputSource === undefined || !model) return undefined;
  const workload: EdgeAIInferenceOptions = { ...app, accelerator, inferenceDevice, inputSource, model, ...optional };
  checkEdgeAIInferenceOptions(workload, site, path, problems);
  return workload;
}

type OptionalKeys = 'results' | 'metricsPort' | 'metricsPath' | 'gpu' | 'runtimeClassName' | 'autoscaling' | 'tier';

function readOptional(r: MappingReader): Pick<EdgeAIInferenceOptions, OptionalKeys> {
  const w: Mutable<Pick<EdgeAIInferenceOptions, OptionalKeys>> = {};
  const results = readResults(r);
  const metricsPort = r.integer('metricsPort', 1, 65535);
  const metricsPath = r.string('metricsPath');
  const gpu = r.integer('gpu', 0, 64);
  const runtimeClassName = r.string('runtimeClassName');
  const autoscaling = readAutoscaling(r);
  const tier = r.oneOf('tier', TIERS);
  if (results) w.results = results;
  if (metricsPort !== undefined) w.metricsPort = metricsPort;
  if (metricsPath !== undefined) w.metricsPath = metricsPath;
  if (gpu !== undefined) w.gpu = gpu;
  if (runtimeClassName !== undefined) w.runtimeClassName = runtimeClassName;
  if (autoscaling) w.autoscaling = autoscaling;
  if (tier !== undefined) w.tier = tier;
  return w;
}

function readModel(r: MappingReader): InferenceModelOptions | undefined {
  const m = r.mapping('model', ['claimName', 'mountPath', 'path']);
  if (!m) return undefined;
  m.require('claimName', 'the PersistentVolumeClaim holding the model');
  m.require('path', 'the model file, e.g. /models/yolov8n.engine');
  const claimName = m.string('claimName');
  const modelPath = m.string('path');
  const mountPath = m.string('mountPath');
  if (claimName === undefined || modelPath === undefined) return undefined;
  return { claimName, path: modelPath, ...(mountPath !== undefined ? { mountPath } : {}) };
}

function readResults(r: MappingReader): InferenceResultsOptions | undefined {
  const m = r.mapping('results', ['claimName', 'mountPath', 'sizeLimit']);
  if (!m) return undefined;
  const results: Mutable<InferenceResultsOptions> = {};
  const claimName = m.string('claimName');
  const mountPath = m.string('mountPath');
  const sizeLimit = m.string('sizeLimit');
  if (claimName !== undefined) results.claimName = claimName;
  if (mountPath !== undefined) results.mountPath = mountPath;
  if (sizeLimit !== undefined) results.sizeLimit = sizeLimit;
  return results;
}

function readAutoscaling(r: MappingReader): InferenceAutoscalingOptions | undefined {
  const m = r.mapping('autoscaling', ['minReplicas', 'maxReplicas', 'cpuUtilization', 'queueLength']);
  if (!m) return undefined;
  const a: Mutable<InferenceAutoscalingOptions> = {};
  const min = m.integer('minReplicas', 1, 1000);
  const max = m.integer('maxReplicas', 1, 1000);
  const cpu = m.integer('cpuUtilization', 1, 100);
  const queue = m.raw('queueLength');
  if (min !== undefined) a.minReplicas = min;
  if (max !== undefined) a.maxReplicas = max;
  if (cpu !== undefined) a.cpuUtilization = cpu;
  if (typeof queue === 'number') a.queueLength = queue;
  else if (queue !== undefined) m.report('queueLength', `must be a positive number, got ${describe(queue)}`);
  return a;
}
