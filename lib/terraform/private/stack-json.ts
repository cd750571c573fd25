import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { sortKeys } from './canonical-json';

/** cdktf's context key that keeps stack traces out of construct metadata. */
const DISABLE_STACK_TRACE_IN_METADATA = '@cdktf/disable_stack_trace_in_metadata';

/**
 * A root for stacks synthesized in memory. cdktf's `App` creates its output folders
 * on disk in its constructor; stacks only need a construct tree, so a bare root
 * keeps synthesis free of file system side effects.
 */
export class InMemoryRoot extends Construct {
  public constructor() {
    super(undefined as unknown as Construct, '');
    this.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
  }
}

/**
 * The stack's Terraform JSON, deterministic: keys sorted by code point, cdktf's `//`
 * metadata blocks (cdktf version, construct paths, backend kind) removed, two-space
 * indent, newline at the end. It is what `terraform` reads; nothing in it depends on
 * the machine, the cdktf version or the time.
 */
export function stackJson(stack: TerraformStack): string {
  stack.prepareStack();
  stack.runAllValidations();
  return `${JSON.stringify(sortKeys(stack.toTerraform(), '//'), undefined, 2)}\n`;
}

/**
 * Builds a stack's JSON in memory and leaves nothing of it behind in the process: cheap
 * stack traces while it runs (see `withCheapStackTraces`) and, afterwards, none of the
 * tokens it created in cdktf's token map.
 *
 * cdktf registers every token in one process-wide map that is never emptied (about eight
 * per site stack, each with its captured stack trace); a worker that writes thousands of
 * stacks would keep them all. The result is plain text, so once it is built the stack's
 * tokens are never looked up again. When the map is not where cdktf 0.21 keeps it, nothing
 * is removed.
 */
export function buildStackJson(build: () => string): string {
  const tokenMaps = cdktfTokenMaps();
  const before = tokenMaps.map((map) => map.size);
  try {
    return withCheapStackTraces(build);
  } finally {
    tokenMaps.forEach((map, i) => dropEntriesAfter(map, before[i]));
  }
}

/** cdktf's process-wide token maps (`global.__cdktfTokenMap`), when it has them. */
function cdktfTokenMaps(): Map<unknown, unknown>[] {
  const tokenMap = (globalThis as { __cdktfTokenMap?: Record<string, unknown> }).__cdktfTokenMap;
  if (!tokenMap) return [];
  return Object.values(tokenMap).filter((value): value is Map<unknown, unknown> => value instanceof Map);
}

/** Removes the entries added after the first `size` (a Map keeps insertion order). */
function dropEntriesAfter(map: Map<unknown, unknown>, size: number): void {
  let index = 0;
  for (const key of [...map.keys()]) if (index++ >= size) map.delete(key);
}

/**
 * Runs `build` with stack traces that cost nothing to format. cdktf captures a full
 * stack trace for every token it creates (about ten per helm_release) and keeps it
 * only for its own error messages; formatting them, especially under a source-map
 * handler (ts-node, jest), is most of the synthesis time of a stack. Errors thrown
 * meanwhile keep their message; the previous handler is always restored.
 */
function withCheapStackTraces<T>(build: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error) => `${error.name}: ${error.message}`;
  try {
    return build();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

