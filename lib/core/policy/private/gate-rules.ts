import { unpinnedImageProblem } from '../../workload/image';
import { checkWorkloadPodSecurity, namespaceEnforceLevel, PodSecurityLevel, podTemplateOf } from '../pod-security';

/**
 * The rules of the policy gate over synthesized objects (plain JSON, each with the
 * construct path it came from). Pure functions, so they can also run over a
 * folder of YAML.
 */

/** A synthesized object and where in the construct tree it was defined. */
export interface GateObject {
  readonly path: string;
  readonly json: any;
}

/** The rule a violation breaks. */
export type PolicyRuleId = 'pod-security' | 'resources' | 'pinned-image' | 'secret-data' | 'rbac-wildcard';

/** One thing the gate refuses. */
export interface PolicyViolation {
  /** The rule. */
  readonly rule: PolicyRuleId;
  /** Construct path of the offending object. */
  readonly path: string;
  /** Kind, namespace and name of the object, e.g. `Deployment apps/collector`. */
  readonly object: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** Built-in ClusterRoles granting `*`: a binding to them is a wildcard grant the site cannot see. */
const WILDCARD_BUILTIN_ROLES = ['cluster-admin'];

/** Every violation of every rule. */
export function gateViolations(objects: readonly GateObject[], kubernetesVersion: string): PolicyViolation[] {
  const levels = new Map<string, PodSecurityLevel>();
  for (const { json } of objects) {
    const level = namespaceEnforceLevel(json);
    if (level) levels.set(json.metadata.name, level);
  }
  return objects.flatMap((o) => [
    ...podSecurity(o, levels, kubernetesVersion),
    ...containers(o),
    ...secretData(o),
    ...rbacWildcards(o, objects),
  ]);
}

/** `Kind namespace/name`. */
export function describeObject(json: any): string {
  const ns = json?.metadata?.namespace;
  return `${json?.kind ?? '<no kind>'} ${ns ? `${ns}/` : ''}${json?.metadata?.name ?? '<unnamed>'}`;
}

function violation(rule: PolicyRuleId, o: GateObject, message: string): PolicyViolation {
  return { rule, path: o.path, object: describeObject(o.json), message };
}

function podSecurity(o: GateObject, levels: ReadonlyMap<string, PodSecurityLevel>, version: string): PolicyViolation[] {
  if (!podTemplateOf(o.json)) return [];
  const ns = o.json.metadata?.namespace ?? 'default';
  const declared = levels.get(ns);
  // A namespace the site does not define gets the library's default: restricted.
  const level = declared ?? 'restricted';
  const why = declared ? `namespace ${ns} enforces ${level}` : `namespace ${ns} is not defined in the site, so restricted applies`;
  return checkWorkloadPodSecurity(o.json, level, { version: `v${version}` }).map((v) =>
    violation('pod-security', o, `violates Pod Security ${level} (${why}): ${v.path}: ${v.message}`));
}

function containers(o: GateObject): PolicyViolation[] {
  const template = podTemplateOf(o.json);
  if (!template) return [];
  const prefix = template.path ? `${template.path}.spec` : 'spec';
  const out: PolicyViolation[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    (template.spec[field] ?? []).forEach((c: any, i: number) => {
      const at = `${prefix}.${field}[${i}]`;
      const name = `container "${c?.name ?? i}" (${at})`;
      const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter((key) => {
        const [section, resource] = key.split('.');
        const value = c?.resources?.[section]?.[resource];
        return value === undefined || value === null || value === '';
      });
      if (missing.length) {
        out.push(violation('resources', o, `${name} has no resources.${missing.join(', resources.')}; every container sets cpu and memory requests and limits (the tier budget by default)`));
      }
      const image = typeof c?.image === 'string' ? c.image : '';
      const problem = image === '' ? `${name} has no image` : unpinnedImageProblem(image);
      if (problem) out.push(violation('pinned-image', o, `${image === '' ? problem : `${name}: ${problem}`}; edge nodes restart pods offline with imagePullPolicy IfNotPresent, so images are pinned`));
    });
  }
  return out;
}

function secretData(o: GateObject): PolicyViolation[] {
  if (o.json?.kind !== 'Secret' || o.json?.apiVersion !== 'v1') return [];
  const keys = [...Object.keys(o.json.data ?? {}), ...Object.keys(o.json.stringData ?? {})];
  if (keys.length === 0) return [];
  return [violation('secret-data', o, `carries secret data in the output (keys: ${[...new Set(keys)].sort().join(', ')}); reference an existing Secret by name and key instead, never write values`)];
}

function rbacWildcards(o: GateObject, objects: readonly GateObject[]): PolicyViolation[] {
  const kind = o.json?.kind;
  if ((kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding') || o.json?.apiVersion !== 'rbac.authorization.k8s.io/v1') return [];
  const accounts = (o.json.subjects ?? []).filter((s: any) => s?.kind === 'ServiceAccount');
  if (accounts.length === 0) return [];
  const ref = o.json.roleRef ?? {};
  const wildcard = wildcardOf(ref, kind === 'RoleBinding' ? o.json.metadata?.namespace : undefined, objects);
  if (!wildcard) return [];
  const who = accounts.map((s: any) => `ServiceAccount ${s.namespace ?? o.json.metadata?.namespace}/${s.name}`).join(', ');
  return [violation('rbac-wildcard', o, `binds ${who} to ${ref.kind} ${ref.name}, which ${wildcard}; grant the API groups, resources and verbs it needs by name (least privilege)`)];
}

/** Why the referenced role is a wildcard grant, or undefined when it names everything. */
function wildcardOf(ref: any, namespace: string | undefined, objects: readonly GateObject[]): string | undefined {
  if (ref.kind === 'ClusterRole' && WILDCARD_BUILTIN_ROLES.includes(ref.name)) return 'is the built-in role granting every verb on every resource';
  const role = objects.find(({ json }) => json?.kind === ref.kind && json?.metadata?.name === ref.name
    && json?.apiVersion === 'rbac.authorization.k8s.io/v1' && (ref.kind === 'ClusterRole' || json.metadata?.namespace === namespace));
  for (const [i, rule] of (role?.json.rules ?? []).entries()) {
    // A path pattern such as /healthz/* is how non-resource URLs are granted; only `*` alone is everything.
    const fields = ['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs']
      .filter((f) => (rule?.[f] ?? []).some((v: string) => (f === 'nonResourceURLs' ? v === '*' : v.includes('*'))));
    if (fields.length) return `has a wildcard in rules[${i}].${fields.join(', ')}`;
  }
  return undefined;
}
