import { CrdSchemas, KubernetesSchemas, missingSchemaReason, Validators } from './schemas';

/**
 * Schema-backed suites run only where the schema folders are. Elsewhere they are
 * reported as skipped with the reason; under CI=true a missing folder is a failure,
 * never a silent pass.
 */
export const schemaSkipReason = missingSchemaReason();
export const describeWithSchemas = schemaSkipReason ? describe.skip : describe;

/** A test that fails in CI, and says why the schema suites are skipped elsewhere. */
export function requireSchemasInCi(): void {
  test('the schema folders are present (required under CI=true)', () => {
    if (!schemaSkipReason) return;
    if (process.env.CI === 'true') throw new Error(`conformance cannot run in CI: ${schemaSkipReason}`);
    console.warn(`conformance suites skipped: ${schemaSkipReason}`);
  });
}

let cached: Validators | undefined;
/** Validators for the oldest and newest supported minors plus every CRD, loaded once per test file. */
export function conformanceValidators(minors: readonly string[] = ['1.25', '1.32']): Validators {
  cached ??= { k8s: minors.map((m) => KubernetesSchemas.load(m)), crds: CrdSchemas.load() };
  return cached;
}
