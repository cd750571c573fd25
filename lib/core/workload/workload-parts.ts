import { k8s } from 'cdk8s-plus-28';
import { containerResources, restrictedContainerSecurityContext } from './pod-defaults';
import type { AppPort, EdgeAppOptions, ProbeOptions, SecretKeyReference } from '../site/edge-app';
import type { ContainerBudget } from '../spec/tier';

/**
 * Pieces of a container spec shared by every workload built from EdgeApp-style
 * options (EdgeApp, MecService, EdgeAIInference, the flavors' spread workloads):
 * probes by port name, plain and Secret-referenced environment, ports and rollout,
 * so an option means the same everywhere. Resources are completed by
 * `resolveBudget` in lib/private/resources.ts.
 */

/** The resource name of NVIDIA GPUs advertised by the NVIDIA device plugin. */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * Requests and limits of a container, with whole GPUs when asked for. Extended
 * resources cannot be overcommitted: Kubernetes takes the limit as the request.
 */
export function resourcesWithGpus(budget: ContainerBudget, gpus: number): k8s.ResourceRequirements {
  const base = containerResources(budget);
  if (gpus <= 0) return base;
  return { requests: base.requests, limits: { ...base.limits, [NVIDIA_GPU_RESOURCE]: k8s.Quantity.fromNumber(gpus) } };
}

/** Plain variables first, then Secret references (values never enter the output). */
export function environment(
  env: Readonly<Record<string, string>> | undefined,
  secretEnv: Readonly<Record<string, SecretKeyReference>> | undefined,
): k8s.EnvVar[] {
  const plain = Object.entries(env ?? {}).map(([name, value]): k8s.EnvVar => ({ name, value }));
  const secret = Object.entries(secretEnv ?? {}).map(([name, ref]): k8s.EnvVar => ({
    name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
  }));
  return [...plain, ...secret];
}

/** Container ports of named app ports. */
export function containerPorts(ports: readonly AppPort[]): k8s.ContainerPort[] {
  return ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' }));
}

/** A probe as written, or a TCP connect to the first TCP port. */
export function toProbe(probe: ProbeOptions | undefined, ports: readonly AppPort[], defaultDelay: number): k8s.Probe {
  const timing = {
    initialDelaySeconds: probe?.initialDelaySeconds ?? defaultDelay,
    periodSeconds: probe?.periodSeconds ?? 10,
    failureThreshold: probe?.failureThreshold ?? 3,
    timeoutSeconds: 2,
  };
  if (probe?.http) return { ...timing, httpGet: { path: probe.http.path, port: intOrString(probe.http.port) } };
  if (probe?.exec) return { ...timing, exec: { command: [...probe.exec] } };
  const firstTcp = ports.find((p) => (p.protocol ?? 'TCP') === 'TCP');
  return { ...timing, tcpSocket: { port: intOrString(probe?.tcp?.port ?? firstTcp!.name) } };
}

/** A port given by name or number. */
export function intOrString(port: string | number): k8s.IntOrString {
  return typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port);
}

/** One replica replaces in place; several roll one at a time without a surge pod (no spare GPU or capacity at the edge). */
export function deploymentStrategy(replicas: number): k8s.DeploymentStrategy {
  if (replicas === 1) return { type: 'Recreate' };
  return { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) } };
}

/** The EdgeApp options a container is built from. */
export type AppContainerOptions = Pick<EdgeAppOptions, 'name' | 'image' | 'command' | 'args' | 'ports' | 'probes' | 'env' | 'secretEnv'>;

/** What differs between the containers of app-style workloads. */
export interface AppContainerParts {
  /** Requests and limits. */
  readonly resources: k8s.ResourceRequirements;
  /** Volume mounts (scratch paths and the workload's own volumes). */
  readonly volumeMounts: k8s.VolumeMount[];
  /** Environment. @default - the options' env, then their secretEnv */
  readonly env?: k8s.EnvVar[];
  /** Security context. @default - the restricted container context */
  readonly securityContext?: k8s.SecurityContext;
  /** Seconds before the first probes when the options do not say. @default 15 (liveness), 5 (readiness) */
  readonly probeDelays?: { readonly liveness: number; readonly readiness: number };
}

/** The one container of an app-style workload: pinned image pulled only if absent, probes, restricted security. */
export function appContainer(app: AppContainerOptions, parts: AppContainerParts): k8s.Container {
  const ports = app.ports ?? [];
  const env = parts.env ?? environment(app.env, app.secretEnv);
  return {
    name: app.name,
    image: app.image,
    imagePullPolicy: 'IfNotPresent',
    command: app.command ? [...app.command] : undefined,
    args: app.args ? [...app.args] : undefined,
    ports: ports.length ? containerPorts(ports) : undefined,
    env: env.length ? env : undefined,
    resources: parts.resources,
    securityContext: parts.securityContext ?? restrictedContainerSecurityContext(),
    livenessProbe: toProbe(app.probes?.liveness, ports, parts.probeDelays?.liveness ?? 15),
    readinessProbe: toProbe(app.probes?.readiness, ports, parts.probeDelays?.readiness ?? 5),
    volumeMounts: parts.volumeMounts,
  };
}
