/**
 * Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * checks over plain JSON pod specs, with the semantics of the built-in Pod Security
 * Admission controller. Pure functions: no cdk8s dependency, no I/O.
 */
import { BASELINE_CONTROLS, Finding, RESTRICTED_CONTROLS } from './private/pss-controls';

/** A Pod Security Standards level, from least to most restrictive. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** One control a pod fails. */
export interface PodSecurityViolation {
  /** The control that failed, as named by the Pod Security Standards, e.g. 'Privilege Escalation'. */
  readonly control: string;
  /** The lowest level the control belongs to. */
  readonly level: 'baseline' | 'restricted';
  /** JSON-ish path inside the pod spec, e.g. 'spec.containers[0].securityContext.allowPrivilegeEscalation'. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** Options for {@link checkPodSecurity}. */
export interface PodSecurityCheckOptions {
  /**
   * Prefix for every violation path, e.g. 'spec.template' for a Deployment's pod template:
   * 'spec.containers[0]...' becomes 'spec.template.spec.containers[0]...'.
   *
   * @default '' (paths relative to the pod)
   */
  readonly pathPrefix?: string;
  /**
   * The policy version, as in the namespace label `pod-security.kubernetes.io/enforce-version`:
   * 'latest' or a Kubernetes minor ('v1.28' or '1.28'). A cluster evaluates 'latest' as its own
   * minor, so pass the cluster's minor to get exactly what that cluster enforces. The safe
   * sysctls (more from v1.27, v1.29, v1.32), the SELinux type `container_engine_t` (v1.31) and
   * the 'Host Probes / Lifecycle Hooks' control (v1.34) depend on it.
   *
   * @default 'latest' (the newest policy this module knows, v1.34)
   */
  readonly version?: string;
}

/** Pod Security Admission's namespace label carrying the enforced level. */
const PSA_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

const LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseVersion(version: string | undefined): number {
  if (version === undefined || version === 'latest') return Infinity;
  const m = /^v?1\.(0|[1-9][0-9]*)$/.exec(version);
  if (!m) throw new Error(`invalid Pod Security policy version ${JSON.stringify(version)}: must be "latest" or "v1.<minor>"`);
  return Number(m[1]);
}

function joinPath(prefix: string, path: string): string {
  return prefix === '' ? path : `${prefix}.${path}`;
}

/**
 * Checks a pod (metadata + spec as plain JSON) against a level; returns every violation (empty when it complies).
 *
 * 'privileged' accepts everything; 'restricted' includes every baseline control. Containers,
 * initContainers and ephemeralContainers are all checked. Pods with `spec.os.name: windows` are
 * exempt from the Linux-only restricted controls (Privilege Escalation, Seccomp, Capabilities).
 *
 * @param pod the pod's `metadata` (for AppArmor annotations) and `spec`
 * @param level the level to check against
 * @param options path prefix and policy version
 */
export function checkPodSecurity(
  pod: { metadata?: any; spec: any },
  level: PodSecurityLevel,
  options: PodSecurityCheckOptions = {},
): PodSecurityViolation[] {
  if (!LEVELS.includes(level)) {
    throw new Error(`invalid Pod Security level ${JSON.stringify(level)}: must be one of ${LEVELS.join(', ')}`);
  }
  const minor = parseVersion(options.version);
  if (level === 'privileged') return [];
  const subject = {
    metadata: isObj(pod?.metadata) ? pod.metadata : {},
    spec: isObj(pod?.spec) ? pod.spec : {},
    minor,
  };
  const findings: Finding[] = [];
  const controls = level === 'restricted' ? [...BASELINE_CONTROLS, ...RESTRICTED_CONTROLS] : BASELINE_CONTROLS;
  for (const control of controls) control(subject, findings);
  const prefix = options.pathPrefix ?? '';
  return findings.map((f) => ({ control: f.control, level: f.level, path: joinPath(prefix, f.path), message: f.message }));
}

/** Where the pod template sits in each workload kind, and which API groups serve the kind. */
const WORKLOADS: Record<string, { readonly groups: readonly string[]; readonly path: readonly string[] }> = {
  Pod: { groups: [''], path: [] },
  ReplicationController: { groups: [''], path: ['spec', 'template'] },
  Deployment: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], path: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  Job: { groups: ['batch'], path: ['spec', 'template'] },
  CronJob: { groups: ['batch'], path: ['spec', 'jobTemplate', 'spec', 'template'] },
};

/**
 * The pod template of a workload object (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob) or undefined for anything else; path prefix tells where
 * it sits, e.g. 'spec.template' or 'spec.jobTemplate.spec.template' ('' for a Pod).
 *
 * The kind must come from its Kubernetes API group (a custom resource named `Deployment` in
 * another group is not a workload), and the template must have a `spec` object.
 */
export function podTemplateOf(obj: any): { metadata?: any; spec: any; path: string } | undefined {
  if (!isObj(obj) || typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') return undefined;
  const workload = Object.prototype.hasOwnProperty.call(WORKLOADS, obj.kind) ? WORKLOADS[obj.kind] : undefined;
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  if (!workload || !workload.groups.includes(group)) return undefined;
  let template: any = obj;
  for (const key of workload.path) {
    template = isObj(template) ? template[key] : undefined;
  }
  if (!isObj(template) || !isObj(template.spec)) return undefined;
  return { metadata: template.metadata, spec: template.spec, path: workload.path.join('.') };
}

/**
 * Checks the pod template of a workload object (see {@link podTemplateOf}) against a level, with
 * violation paths relative to the object, e.g. 'spec.template.spec.containers[0].securityContext.privileged'.
 * Returns an empty list for objects that carry no pod template.
 *
 * @param obj the workload object as plain JSON
 * @param level the level to check against
 * @param options policy version (a `pathPrefix` here is put before the template's own path)
 */
export function checkWorkloadPodSecurity(
  obj: any,
  level: PodSecurityLevel,
  options: PodSecurityCheckOptions = {},
): PodSecurityViolation[] {
  const template = podTemplateOf(obj);
  if (!template) return [];
  const pathPrefix = [options.pathPrefix ?? '', template.path].filter((p) => p !== '').join('.');
  return checkPodSecurity(template, level, { ...options, pathPrefix });
}

/**
 * The PSA enforce level a Namespace object carries (label pod-security.kubernetes.io/enforce), or undefined.
 *
 * Undefined when the object is not a Namespace or has no such label. A label whose value is
 * not a level makes Pod Security Admission fall back to 'restricted', so that is returned.
 */
export function namespaceEnforceLevel(ns: any): PodSecurityLevel | undefined {
  if (!isObj(ns) || ns.kind !== 'Namespace' || ns.apiVersion !== 'v1') return undefined;
  const labels = isObj(ns.metadata) && isObj(ns.metadata.labels) ? ns.metadata.labels : {};
  if (!Object.prototype.hasOwnProperty.call(labels, PSA_ENFORCE_LABEL)) return undefined;
  const value = labels[PSA_ENFORCE_LABEL];
  return LEVELS.includes(value) ? value : 'restricted';
}
