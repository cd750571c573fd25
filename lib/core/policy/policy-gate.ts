import { ApiObject } from 'cdk8s';
import type { IConstruct, IValidation } from 'constructs';
import { DEFAULT_KUBERNETES_VERSION } from '../spec/site-spec';
import { GateObject, gateViolations, PolicyViolation } from './private/gate-rules';
import { resolvedJson } from '../resolved-json';

export type { PolicyRuleId, PolicyViolation } from './private/gate-rules';

/** The kinds the rules look at: workloads, the namespaces' levels, Secrets and RBAC. */
const GATED_KINDS = new Set([
  'Pod', 'ReplicationController', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob',
  'Namespace', 'Secret', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding',
]);

/** Options of the policy gate. */
export interface PolicyGateOptions {
  /**
   * Kubernetes minor version (`'1.25'` ... `'1.32'`) whose Pod Security policy pod templates are checked against.
   * @default '1.30'
   */
  readonly kubernetesVersion?: string;
}

/**
 * The synth-time policy gate over everything a chart synthesizes, as a cdk8s
 * validation: the synth fails, naming each object by its construct path, when
 *
 * - a pod template does not meet the Pod Security level its namespace enforces
 *   (`restricted` unless the namespace is a named exception);
 * - a container has no cpu or memory request or limit;
 * - an image is untagged or `:latest`;
 * - a Secret carries data;
 * - a ServiceAccount is bound to a Role or ClusterRole with a wildcard (or to cluster-admin).
 *
 * Every EdgeSite carries it, so a site composed by hand from raw `k8s.Kube*`
 * objects gets the same checks as one built from the inventory.
 */
export class PolicyGate implements IValidation {
  /** Adds the gate to a construct (a chart) as a validation, and returns it. */
  public static addTo(scope: IConstruct, options: PolicyGateOptions = {}): PolicyGate {
    const gate = new PolicyGate(scope, options);
    scope.node.addValidation(gate);
    return gate;
  }

  private readonly kubernetesVersion: string;

  /**
   * @param scope every ApiObject under it is checked
   * @param options the Pod Security policy version
   */
  public constructor(private readonly scope: IConstruct, options: PolicyGateOptions = {}) {
    this.kubernetesVersion = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  }

  /** Every violation, each with the construct path of its object. */
  public violations(): PolicyViolation[] {
    // Resolving an object costs as much as synthesizing it: only the kinds a rule reads are resolved.
    const objects: GateObject[] = this.scope.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && GATED_KINDS.has(c.kind))
      .map((object) => ({ path: object.node.path, json: resolvedJson(object) }));
    return gateViolations(objects, this.kubernetesVersion);
  }

  /** The violations as cdk8s validation errors: `<construct path>: <Kind ns/name> <what is wrong>`. */
  public validate(): string[] {
    return this.violations().map((v) => `${v.path}: ${v.object} ${v.message} [policy ${v.rule}]`);
  }
}
