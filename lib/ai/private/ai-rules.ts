import { posix } from 'node:path';
import type { EdgeAppOptions } from '../../core/site/edge-app';
import { ACCELERATOR_KINDS, ResolvedNodeSpec, ResolvedSiteSpec } from '../../core/spec/site-spec';
import type { Tier } from '../../core/spec/tier';
import { checkEdgeAppOptions } from '../../core/validation/edge-app-rules';
import { dns1123SubdomainProblem } from '../../core/validation/names';
import { isPort } from '../../core/validation/network';
import { childPath, Problems } from '../../core/validation/problems';
import { parseBytes } from '../../core/validation/quantity';
import { DEVICE_ACCELERATORS, EdgeAIInferenceOptions, INFERENCE_DEVICES } from '../ai-options';

/** The metrics port as an app port. */
export const METRICS_PORT_NAME = 'metrics';

/** Resolved defaults the rules and the construct agree on. */
export interface ResolvedInference {
  readonly gpu: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly metricsPort: number;
  readonly modelMount: string;
  readonly resultsMount: string;
}

/** The defaults of an inference workload. */
export function resolveInference(o: EdgeAIInferenceOptions): ResolvedInference {
  return {
    gpu: o.gpu ?? (o.inferenceDevice === 'CUDA' || o.inferenceDevice === 'TensorRT' ? 1 : 0),
    minReplicas: o.autoscaling?.minReplicas ?? 1,
    maxReplicas: o.autoscaling?.maxReplicas ?? 5,
    metricsPort: o.metricsPort ?? 9090,
    modelMount: o.model?.mountPath ?? '/models',
    resultsMount: o.results?.mountPath ?? '/results',
  };
}

/** The app options with the metrics port added, as EdgeApp's rules and the pod see them. */
export function inferenceAppOptions(o: EdgeAIInferenceOptions, metricsPort: number): EdgeAppOptions {
  return { ...o, tier: undefined, ports: [...(o.ports ?? []), { name: METRICS_PORT_NAME, port: metricsPort, protocol: 'TCP' }] };
}

/** Nodes that can run the workload: the accelerator's nodes, of the tier when one is given. */
export function acceleratorNodes(o: EdgeAIInferenceOptions, site: ResolvedSiteSpec): ResolvedNodeSpec[] {
  return site.nodes.filter((n) => n.accelerator?.kind === o.accelerator && (o.tier === undefined || n.tier === o.tier));
}

/** Tiers of those nodes. */
export function acceleratorTiers(o: EdgeAIInferenceOptions, site: ResolvedSiteSpec): Tier[] {
  return [...new Set(acceleratorNodes(o, site).map((n) => n.tier))];
}

/**
 * The rules of an inference workload, shared by the EdgeAIInference construct
 * (which throws) and the inventory reader (which reports at the inventory path).
 */
export function checkEdgeAIInferenceOptions(o: EdgeAIInferenceOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  const r = resolveInference(o);
  const metricsOk = checkMetricsPort(o, r.metricsPort, path, problems);
  checkEdgeAppOptions(metricsOk ? inferenceAppOptions(o, r.metricsPort) : { ...o, tier: undefined }, site, path, problems);
  if (!INFERENCE_DEVICES.includes(o.inferenceDevice)) problems.add(at('inferenceDevice'), `"${String(o.inferenceDevice)}" is not one of ${INFERENCE_DEVICES.join(', ')}`);
  if (!(ACCELERATOR_KINDS as readonly string[]).includes(o.accelerator)) {
    problems.add(at('accelerator'), `"${String(o.accelerator)}" is not one of ${ACCELERATOR_KINDS.join(', ')}`);
  } else {
    const allowed = DEVICE_ACCELERATORS[o.inferenceDevice];
    if (allowed && !allowed.includes(o.accelerator)) {
      problems.add(at('inferenceDevice'), `${o.inferenceDevice} needs ${o.inferenceDevice === 'OpenVINO' ? 'an Intel' : 'an NVIDIA'} accelerator (${allowed.join(' or ')}), but the workload runs on ${o.accelerator} nodes`);
    }
    const nodes = acceleratorNodes(o, site);
    if (nodes.length === 0) {
      problems.add(at('accelerator'), `site ${site.name} has no node${o.tier ? ` of tier ${o.tier}` : ''} with a ${o.accelerator} accelerator; nodes with accelerators: ${site.nodes.filter((n) => n.accelerator).map((n) => `${n.name} (${n.accelerator!.kind})`).join(', ') || 'none'}`);
    } else {
      checkGpus(o, r, nodes, at('gpu'), problems);
    }
  }
  checkAutoscaling(o, r, at('autoscaling'), problems);
  checkVolumes(o, r, path, problems);
  checkInputSource(o.inputSource, at('inputSource'), problems);
  if (o.runtimeClassName !== undefined) {
    const problem = dns1123SubdomainProblem(o.runtimeClassName);
    if (problem) problems.add(at('runtimeClassName'), problem);
  }
  if (o.metricsPath !== undefined && !o.metricsPath.startsWith('/')) problems.add(at('metricsPath'), `"${o.metricsPath}" must start with /`);
}

function checkMetricsPort(o: EdgeAIInferenceOptions, port: number, path: string, problems: Problems): boolean {
  if (!isPort(port)) {
    problems.add(childPath(path, 'metricsPort'), `must be a port number from 1 to 65535, got ${port}`);
    return false;
  }
  let ok = true;
  (o.ports ?? []).forEach((p, i) => {
    if (p.name === METRICS_PORT_NAME) {
      problems.add(childPath(childPath(childPath(path, 'ports'), i), 'name'), `"${METRICS_PORT_NAME}" is the name of the metrics port; set metricsPort instead`);
      ok = false;
    } else if (p.port === port && (p.protocol ?? 'TCP') === 'TCP') {
      problems.add(childPath(childPath(childPath(path, 'ports'), i), 'port'), `${port}/TCP is the metrics port`);
      ok = false;
    }
  });
  return ok;
}

function checkGpus(o: EdgeAIInferenceOptions, r: ResolvedInference, nodes: readonly ResolvedNodeSpec[], path: string, problems: Problems): void {
  if (o.gpu !== undefined && (!Number.isInteger(o.gpu) || o.gpu < 0)) {
    problems.add(path, `must be a whole number of GPUs (0 for a shared integrated GPU), got ${o.gpu}`);
    return;
  }
  if (r.gpu === 0) return;
  if (!o.accelerator.startsWith('nvidia-')) {
    problems.add(path, `nvidia.com/gpu needs an NVIDIA accelerator, but the workload runs on ${o.accelerator} nodes; remove gpu`);
    return;
  }
  const most = Math.max(...nodes.map((n) => n.accelerator!.count));
  const total = nodes.reduce((sum, n) => sum + n.accelerator!.count, 0);
  if (most < r.gpu) {
    problems.add(path, `${r.gpu} GPUs per pod, but the ${o.accelerator} node with the most has ${most}`);
  } else if (Number.isInteger(r.maxReplicas) && total < r.gpu * r.maxReplicas) {
    problems.add(path, `up to ${r.maxReplicas} pods × ${r.gpu} GPUs need ${r.gpu * r.maxReplicas}, but the ${o.accelerator} nodes have ${total}; `
      + 'lower autoscaling.maxReplicas, or set gpu: 0 where the pods share an integrated GPU');
  }
}

function checkAutoscaling(o: EdgeAIInferenceOptions, r: ResolvedInference, path: string, problems: Problems): void {
  const a = o.autoscaling;
  for (const key of ['minReplicas', 'maxReplicas'] as const) {
    const value = a?.[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) problems.add(childPath(path, key), `must be a whole number >= 1, got ${value}`);
  }
  if (Number.isInteger(r.minReplicas) && Number.isInteger(r.maxReplicas) && r.minReplicas > r.maxReplicas) {
    problems.add(childPath(path, 'minReplicas'), `${r.minReplicas} is above maxReplicas ${r.maxReplicas}`);
  }
  if (a?.cpuUtilization !== undefined && (!Number.isInteger(a.cpuUtilization) || a.cpuUtilization < 1 || a.cpuUtilization > 100)) {
    problems.add(childPath(path, 'cpuUtilization'), `must be a whole percentage from 1 to 100, got ${a.cpuUtilization}`);
  }
  if (a?.queueLength !== undefined && (!Number.isFinite(a.queueLength) || a.queueLength <= 0)) {
    problems.add(childPath(path, 'queueLength'), `must be a positive number, got ${a.queueLength}`);
  }
}

function checkVolumes(o: EdgeAIInferenceOptions, r: ResolvedInference, path: string, problems: Problems): void {
  const model = childPath(path, 'model');
  const claimProblem = dns1123SubdomainProblem(o.model.claimName);
  if (claimProblem) problems.add(childPath(model, 'claimName'), claimProblem);
  const mountOk = checkAbsolute(r.modelMount, childPath(model, 'mountPath'), problems);
  if (checkAbsolute(o.model.path, childPath(model, 'path'), problems) && mountOk && !isInside(o.model.path, r.modelMount)) {
    problems.add(childPath(model, 'path'), `"${o.model.path}" is not inside the model mount ${r.modelMount}`);
  }
  const results = childPath(path, 'results');
  if (o.results?.claimName !== undefined) {
    const problem = dns1123SubdomainProblem(o.results.claimName);
    if (problem) problems.add(childPath(results, 'claimName'), problem);
  }
  if (checkAbsolute(r.resultsMount, childPath(results, 'mountPath'), problems) && mountOk
    && (isInside(r.resultsMount, r.modelMount) || isInside(r.modelMount, r.resultsMount) || posix.normalize(r.resultsMount) === posix.normalize(r.modelMount))) {
    problems.add(childPath(results, 'mountPath'), `${r.resultsMount} overlaps the read-only model mount ${r.modelMount}`);
  }
  if (o.results?.sizeLimit !== undefined && !((parseBytes(o.results.sizeLimit) ?? 0) > 0)) {
    problems.add(childPath(results, 'sizeLimit'), `"${o.results.sizeLimit}" is not a positive storage quantity (e.g. 1Gi)`);
  }
}

function checkInputSource(source: string, path: string, problems: Problems): void {
  if (typeof source !== 'string' || source.trim() === '') {
    problems.add(path, 'must name the input, e.g. rtsp://camera-01.local:554/stream or /dev/video0');
    return;
  }
  let url: URL | undefined;
  try {
    url = new URL(source);
  } catch {
    url = undefined;
  }
  if (url && (url.username || url.password)) {
    problems.add(path, 'carries credentials; pass them through secretEnv and keep the URL without user:password@');
  }
}

function checkAbsolute(value: string, path: string, problems: Problems): boolean {
  if (value.startsWith('/')) return true;
  problems.add(path, `"${value}" must be an absolute path`);
  return false;
}

function isInside(file: string, dir: string): boolean {
  const f = posix.normalize(file);
  const d = posix.normalize(dir).replace(/\/$/, '');
  return f.startsWith(`${d}/`) && f.length > d.length + 1;
}
