import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { podTemplateOf } from '../../core/policy/pod-security';
import type { EdgeApp } from '../../core/site/edge-app';
import type { AllowPeer, AllowPolicy, AllowPort } from '../../core/workload/network-allow';
import { resolvedJson } from '../../core/resolved-json';

/** A policy EdgeIsolation made, with the object it became. */
export interface PolicyRecord {
  readonly policy: AllowPolicy;
  readonly object: ApiObject;
}

/** What a workload of the site runs: where, with which labels, listening on which ports. */
interface PodShape {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hostNetwork: boolean;
  readonly ports: readonly string[];
}

/**
 * The synth-time warnings of EdgeIsolation: allows that select no pod and ports no
 * workload exposes, judged against the pod templates the site synthesizes (so a
 * mistake in either the allow or the workload shows up), and apps the site LAN
 * cannot reach because they came after EdgeIsolation.
 */
export function isolationWarnings(site: IConstruct, records: readonly PolicyRecord[], lateApps: readonly EdgeApp[]): string[] {
  const pods = podShapes(site);
  const warnings: string[] = [];
  for (const { policy, object } of records) {
    const where = `${object.node.path}: ${object.kind} ${policy.namespace}/${policy.name}`;
    const selected = matching(pods, policy.namespace, policy.podLabels);
    if (selected.length === 0) {
      warnings.push(`${where} selects no pod: no workload in namespace ${policy.namespace}${labelText(policy.podLabels)}, so it allows nothing`);
      continue;
    }
    for (const rule of policy.ingress ?? []) {
      for (const port of unexposed(rule.ports, selected)) {
        warnings.push(`${where} allows ingress on ${port}, which no workload it selects exposes (they expose ${exposed(selected)})`);
      }
    }
    for (const rule of policy.egress ?? []) warnings.push(...egressWarnings(where, rule.peer, rule.ports, pods));
  }
  for (const app of lateApps) {
    const spec = ApiObject.of(app.workload).toJson().spec.template.spec;
    if ((spec.containers ?? []).some((c: any) => (c.ports ?? []).length > 0)) {
      warnings.push(`${app.node.path}: EdgeApp ${app.namespace}/${app.name} exposes ports but was added after EdgeIsolation, so the site LAN cannot reach it; create EdgeIsolation after the site's apps`);
    }
  }
  return warnings;
}

function egressWarnings(where: string, peer: AllowPeer, ports: readonly AllowPort[] | undefined, pods: readonly PodShape[]): string[] {
  if (peer.kind === 'pods') {
    const targets = matching(pods, peer.namespace, peer.labels);
    if (targets.length === 0) return [`${where} allows egress to pods of namespace ${peer.namespace}${labelText(peer.labels)}, but no workload there matches`];
    return unexposed(ports, targets).map((port) => `${where} allows egress to namespace ${peer.namespace}${labelText(peer.labels)} on ${port}, which no workload there exposes (they expose ${exposed(targets)})`);
  }
  if (peer.kind === 'nodes') {
    const hostPods = pods.filter((p) => p.hostNetwork);
    return unexposed(ports, hostPods).map((port) => `${where} allows egress to the nodes on ${port}, which no host-network workload of the site exposes${hostPods.length ? ` (they expose ${exposed(hostPods)})` : ''}`);
  }
  return [];
}

function podShapes(site: IConstruct): PodShape[] {
  const shapes: PodShape[] = [];
  for (const object of site.node.findAll()) {
    if (!(object instanceof ApiObject)) continue;
    const json = resolvedJson(object);
    const template = podTemplateOf(json);
    if (!template) continue;
    const containers = [...template.spec.containers ?? [], ...template.spec.initContainers ?? []];
    shapes.push({
      namespace: json.metadata?.namespace ?? 'default',
      labels: template.metadata?.labels ?? {},
      hostNetwork: template.spec.hostNetwork === true,
      ports: containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => portText(p.containerPort, p.protocol))),
    });
  }
  return shapes;
}

function matching(pods: readonly PodShape[], namespace: string, labels: Readonly<Record<string, string>> | undefined): PodShape[] {
  return pods.filter((p) => p.namespace === namespace && Object.entries(labels ?? {}).every(([k, v]) => p.labels[k] === v));
}

function unexposed(ports: readonly AllowPort[] | undefined, pods: readonly PodShape[]): string[] {
  const open = new Set(pods.flatMap((p) => p.ports));
  return (ports ?? []).map((p) => portText(p.port, p.protocol)).filter((p) => !open.has(p));
}

function exposed(pods: readonly PodShape[]): string {
  const all = [...new Set(pods.flatMap((p) => p.ports))].sort();
  return all.length ? all.join(', ') : 'no ports';
}

function portText(port: number, protocol: string | undefined): string {
  return `${port}/${protocol ?? 'TCP'}`;
}

function labelText(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length ? ` labelled ${entries.map(([k, v]) => `${k}=${v}`).join(',')}` : '';
}
