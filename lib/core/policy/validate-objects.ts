/**
 * Routes Kubernetes objects to the schemas that can check them: custom resources to their CRDs,
 * built-in objects to every Kubernetes minor the output must be valid on.
 */
import type { CrdSchemas } from './crd-schemas';
import type { KubernetesSchemas } from './kubernetes-schemas';
import { apiVersionOf, splitApiVersion } from './private/schema-util';

export { describeObject } from './private/schema-errors';

/** The schemas objects are validated against, for {@link validateObjects} and {@link checkObjectSchema}. */
export interface Validators {
  /**
   * Kubernetes minors every built-in object must be valid for, e.g. the oldest and newest a
   * fleet runs. Empty: built-in objects are not checked.
   */
  readonly k8s: readonly KubernetesSchemas[];
  /**
   * Schemas of the CRDs custom resources are checked against.
   *
   * @default - custom resources are not checked, and neither is any object whose API group no
   * Kubernetes minor in `k8s` serves
   */
  readonly crds?: CrdSchemas;
}

/** One schema error of an object. */
export interface ObjectSchemaError {
  /** What the object was checked against: a Kubernetes minor (`'1.25'`) or `'crd'`. */
  readonly against: string;
  /** What is wrong, e.g. `Deployment edge-system/foo: spec.replicas: must be integer (got string)`. */
  readonly message: string;
}

/** What {@link checkObjectSchema} found for one object. */
export interface ObjectSchemaResult {
  /**
   * Whether some schema covered the object. False when it is a custom resource and no CRDs
   * were given, or a built-in object and no Kubernetes minor was given.
   */
  readonly checked: boolean;
  /** Every error, empty when the object is valid or was not checked. */
  readonly errors: readonly ObjectSchemaError[];
}

/**
 * Validates one object. An object whose API group a CRD defines is checked against that CRD;
 * any other against every Kubernetes minor of `validators.k8s` (so with CRDs given, an object
 * that neither Kubernetes nor a CRD serves is an error). Without CRDs, an object whose group no
 * given Kubernetes minor serves is a custom resource and is left unchecked.
 *
 * @param obj the object as the API server would receive it (plain JSON)
 * @param validators the schemas to check against
 */
export function checkObjectSchema(obj: unknown, validators: Validators): ObjectSchemaResult {
  const { group } = splitApiVersion(apiVersionOf(obj));
  if (validators.crds?.groups.has(group)) {
    return { checked: true, errors: validators.crds.validate(obj).map((message) => ({ against: 'crd', message })) };
  }
  const builtIn = validators.crds !== undefined || validators.k8s.some((k8s) => k8s.groups.has(group));
  if (!builtIn || validators.k8s.length === 0) return { checked: false, errors: [] };
  return {
    checked: true,
    errors: validators.k8s.flatMap((k8s) => k8s.validate(obj).map((message) => ({ against: k8s.minor, message }))),
  };
}

/**
 * Validates objects (see {@link checkObjectSchema} for which schemas check which object) and
 * returns every error as one line prefixed with what it was checked against:
 * `[1.25] Deployment edge-system/foo: spec.replicas: must be integer (got string)`,
 * `[crd] Certificate edge-system/mqtt: spec.duration: must be string (got integer)`.
 *
 * @param objs the objects as the API server would receive them (plain JSON)
 * @param validators the schemas to check against
 */
export function validateObjects(objs: readonly unknown[], validators: Validators): string[] {
  return objs.flatMap((obj) => checkObjectSchema(obj, validators).errors.map((e) => `[${e.against}] ${e.message}`));
}
