/**
 * JSON with object keys sorted by code point at every level (arrays keep their
 * order): the same input gives the same bytes on every machine and Node version,
 * whatever order the object was built in. `localeCompare` is not used: its order
 * depends on the ICU data of the machine.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), undefined, indent);
}

/** A deep copy with sorted keys and without cdktf's `//` metadata blocks. */
export function sortKeys(value: unknown, dropKey?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, dropKey));
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareCodePoints)) {
    if (key === dropKey) continue;
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) result[key] = sortKeys(item, dropKey);
  }
  return result;
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
