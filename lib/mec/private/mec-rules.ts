import type { AppPort, AppProbes } from '../../core/site/edge-app';
import type { ResolvedNodeSpec, ResolvedSiteSpec } from '../../core/spec/site-spec';
import { checkEdgeAppOptions } from '../../core/validation/edge-app-rules';
import { DURATION_RULE, parseDurationSeconds } from '../../core/validation/duration';
import { childPath, Problems } from '../../core/validation/problems';
import { MEC_NODE_LABEL, MEC_QOS_CLASSES, MecServiceOptions } from '../mec-options';
import { ACCELERATOR_LABEL } from '../../core/site/labels';

/**
 * The rules of a MEC service, shared by the MecService construct (which throws)
 * and the inventory reader (which reports at the inventory path). The options it
 * shares with EdgeApp are checked by EdgeApp's own rules, so both say the same.
 */
export function checkMecServiceOptions(options: MecServiceOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  checkEdgeAppOptions(options, site, path, problems);
  if (!MEC_QOS_CLASSES.includes(options.qosClass)) {
    problems.add(at('qosClass'), `"${String(options.qosClass)}" is not one of ${MEC_QOS_CLASSES.join(', ')}`);
  }
  const budget = typeof options.latencyBudget === 'string' ? parseDurationSeconds(options.latencyBudget) : undefined;
  if (budget === undefined || budget <= 0) {
    problems.add(at('latencyBudget'), `"${String(options.latencyBudget)}" is not a positive latency budget (${DURATION_RULE}, e.g. 5ms)`);
  }
  if ((options.ports ?? []).length === 0) problems.add(at('ports'), 'must list at least one port: the LoadBalancer Service exposes them');
  checkUdpProbes(options.probes, options.ports ?? [], at('probes'), problems);
  if (options.zoneSpread !== undefined && options.zoneSpread !== 'DoNotSchedule' && options.zoneSpread !== 'ScheduleAnyway') {
    problems.add(at('zoneSpread'), `"${String(options.zoneSpread)}" is not one of DoNotSchedule, ScheduleAnyway`);
  }
  const gpus = options.gpu ?? 0;
  if (options.gpu !== undefined && (!Number.isInteger(options.gpu) || options.gpu < 1)) {
    problems.add(at('gpu'), `must be a whole number of GPUs >= 1, got ${options.gpu}`);
  }
  const tier = options.tier ?? site.tier;
  const mecNodes = site.nodes.filter((n) => n.tier === tier && n.labels[MEC_NODE_LABEL] === 'true');
  if (mecNodes.length === 0) {
    problems.add(options.tier !== undefined ? at('tier') : path, `site ${site.name} has no MEC node of tier ${tier} (a node labelled ${MEC_NODE_LABEL}: "true") to run the service`);
  } else if (Number.isInteger(gpus) && gpus > 0) {
    checkGpus(mecNodes, gpus, options.replicas ?? 1, at('gpu'), problems);
  }
}

function checkGpus(mecNodes: readonly ResolvedNodeSpec[], gpus: number, replicas: number, path: string, problems: Problems): void {
  const gpuNodes = mecNodes.filter((n) => n.accelerator?.kind === 'nvidia-gpu');
  if (gpuNodes.length === 0) {
    problems.add(path, `no MEC node has an nvidia-gpu accelerator (MEC nodes: ${mecNodes.map((n) => n.name).join(', ')})`);
    return;
  }
  const most = Math.max(...gpuNodes.map((n) => n.accelerator!.count));
  const total = gpuNodes.reduce((sum, n) => sum + n.accelerator!.count, 0);
  if (most < gpus) problems.add(path, `${gpus} GPUs per pod, but the MEC node with the most has ${most}`);
  else if (total < gpus * replicas) problems.add(path, `${replicas} replicas × ${gpus} GPUs need ${gpus * replicas}, but the MEC nodes have ${total}`);
}

/** A probe by port number must not target a port the service declares as UDP only. */
function checkUdpProbes(probes: AppProbes | undefined, ports: readonly AppPort[], path: string, problems: Problems): void {
  for (const which of ['liveness', 'readiness'] as const) {
    const probe = probes?.[which];
    const port = probe?.http?.port ?? probe?.tcp?.port;
    if (typeof port !== 'number') continue;
    const declared = ports.filter((p) => p.port === port);
    if (declared.length > 0 && declared.every((p) => p.protocol === 'UDP')) {
      problems.add(childPath(path, which), `probes port ${port}, which is UDP; http and tcp probes need a TCP port`);
    }
  }
}

/** Node labels MEC pods select: MEC servers of the site's region, with NVIDIA GPUs when the pods need them. */
export function mecNodeLabels(site: ResolvedSiteSpec, gpus: number): Record<string, string> {
  const labels: Record<string, string> = { [MEC_NODE_LABEL]: 'true' };
  if (site.region) labels['topology.kubernetes.io/region'] = site.region;
  if (gpus > 0) labels[ACCELERATOR_LABEL] = 'nvidia-gpu';
  return labels;
}
