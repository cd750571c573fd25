import { fitWorkloads, WorkloadDemand } from '../core/node/capacity';
import type { Problem } from '../core/validation/problems';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import type { ClusterModel, ModelNode } from './cluster-model';
import { PodTemplate, podTemplatesOf } from '../core/policy/pod-templates';
import { unschedulableReason } from './selectors';
import { describeSiteObject, SiteObject } from './site-object';

/**
 * Every pod template of the output can be scheduled on some node of the site: its
 * nodeSelector, required node affinity and tolerations against the nodes' labels and
 * taints, and the extended resources it requests against what the cluster advertises.
 * Templates that no construct registered a capacity demand for (objects written by hand)
 * are added to the site's capacity fit from their own requests.
 */
export function checkScheduling(model: ClusterModel, objects: readonly SiteObject[], registered: readonly WorkloadDemand[]): Problem[] {
  const problems: Problem[] = [];
  const extra: WorkloadDemand[] = [];
  const known = new Set(registered.map((d) => d.description));
  for (const { path, object } of objects) {
    for (const template of podTemplatesOf(object)) {
      const reasons = model.nodes.map((node) => [node, whyNot(model, template, node)] as const);
      const eligible = reasons.filter(([, reason]) => reason === undefined).map(([node]) => node);
      if (eligible.length === 0) {
        const why = reasons.map(([node, reason]) => `${node.name}: ${reason}`).join('; ');
        problems.push({ path, message: `${describeSiteObject(object)}: no node of the site can run its pods (${why})` });
        continue;
      }
      const description = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
      if (!known.has(description) && object.kind !== 'Job' && object.kind !== 'CronJob') extra.push(demandOf(path, description, template, eligible));
    }
  }
  if (extra.length > 0) {
    const fit = fitWorkloads(model.nodes, [...registered, ...extra]);
    for (const { demand, reason } of fit.unplaced) {
      if (extra.includes(demand)) problems.push({ path: demand.path, message: `${demand.description}: ${reason}` });
    }
    const extraNames = new Set(extra.map((d) => d.description));
    for (const load of fit.overfilled.filter((l) => l.workloads.some((w) => extraNames.has(w)))) {
      const first = extra.find((d) => load.workloads.includes(d.description))!;
      problems.push({ path: first.path, message: `node ${load.node.name} is over-committed once the pods written by hand are counted: ${load.workloads.join(', ')}` });
    }
  }
  return problems;
}

function whyNot(model: ClusterModel, template: PodTemplate, node: ModelNode): string | undefined {
  const reason = unschedulableReason(template.spec, node);
  if (reason) return reason;
  for (const container of [...(template.spec.containers ?? []), ...(template.spec.initContainers ?? [])]) {
    for (const resource of Object.keys({ ...container.resources?.limits, ...container.resources?.requests })) {
      if (!resource.includes('/') || resource.startsWith('kubernetes.io/') || resource.startsWith('hugepages-')) continue;
      const provider = model.extendedResources.get(resource);
      if (!provider) return `requests ${resource}, which no device plugin on the cluster advertises`;
      if (resource === 'nvidia.com/gpu' && node.accelerator?.kind !== 'nvidia-gpu') return `has no ${resource}`;
    }
  }
  return undefined;
}

function demandOf(path: string, description: string, template: PodTemplate, eligible: readonly ModelNode[]): WorkloadDemand {
  const sum = (key: 'cpu' | 'memory') => (template.spec.containers ?? []).reduce((total: number, c: any) => {
    const value = c.resources?.requests?.[key];
    const parsed = value === undefined ? 0 : key === 'cpu' ? parseCpuMillis(String(value)) : parseBytes(String(value));
    return total + (parsed ?? 0);
  }, 0);
  return {
    path, description, tiers: [...new Set(eligible.map((n) => n.tier))],
    ...(eligible.length === 1 && template.replicas !== undefined ? { nodeName: eligible[0].name } : {}),
    ...(template.replicas !== undefined ? { replicas: template.replicas } : {}),
    cpuMillis: sum('cpu'), memoryBytes: sum('memory'),
  };
}
