import { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { parseBytes, parseCpuMillis } from '../validation/quantity';
import type { SecretKeyReference } from '../site/edge-app';
import { EdgeSite } from '../../fleet/edge-site';
import type { ComputeResources, ContainerBudget, Tier } from '../spec/tier';

/** Per value, the smaller of two budgets: a component's own default never exceeds its tier's budget. */
export function smallerBudget(a: ContainerBudget, b: ContainerBudget): ContainerBudget {
  const cpu = (x: string, y: string) => (parseCpuMillis(x)! <= parseCpuMillis(y)! ? x : y);
  const memory = (x: string, y: string) => (parseBytes(x)! <= parseBytes(y)! ? x : y);
  const pick = (x: ComputeResources, y: ComputeResources): ComputeResources => ({ cpu: cpu(x.cpu, y.cpu), memory: memory(x.memory, y.memory) });
  return { requests: pick(a.requests, b.requests), limits: pick(a.limits, b.limits) };
}

/** Plain variables first (in the order given), then Secret references; values of secrets never enter the output. */
export function envVars(plain: Readonly<Record<string, string>>, secret: Readonly<Record<string, SecretKeyReference>> = {}): k8s.EnvVar[] {
  return [
    ...Object.entries(plain).map(([name, value]): k8s.EnvVar => ({ name, value })),
    ...Object.entries(secret).map(([name, ref]): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } })),
  ];
}

/** What a component's pods ask of the nodes, for the site's capacity check. */
export interface PodDemand {
  readonly description: string;
  readonly tiers: readonly Tier[];
  readonly nodeName?: string;
  /** Undefined for a DaemonSet. */
  readonly replicas?: number;
  readonly budget: ContainerBudget;
}

/** Registers a component's pods with its site, like every workload of the library. */
export function registerPods(scope: IConstruct, demand: PodDemand): void {
  EdgeSite.of(scope).registerWorkload({
    path: scope.node.path,
    description: demand.description,
    tiers: demand.tiers,
    nodeName: demand.nodeName,
    replicas: demand.replicas,
    cpuMillis: parseCpuMillis(demand.budget.requests.cpu)!,
    memoryBytes: parseBytes(demand.budget.requests.memory)!,
  });
}

/** Probe timing shared by the components: generous on slow edge hardware. */
export function probeTiming(initialDelaySeconds: number): Pick<k8s.Probe, 'initialDelaySeconds' | 'periodSeconds' | 'failureThreshold' | 'timeoutSeconds'> {
  return { initialDelaySeconds, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 };
}

/** An HTTP GET probe when a path is given, else a TCP connect, on a named port. */
export function portProbe(port: string, path: string | undefined, initialDelaySeconds: number): k8s.Probe {
  const handler = path !== undefined
    ? { httpGet: { path, port: k8s.IntOrString.fromString(port) } }
    : { tcpSocket: { port: k8s.IntOrString.fromString(port) } };
  return { ...handler, ...probeTiming(initialDelaySeconds) };
}
