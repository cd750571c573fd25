import { childPath, Problems } from './problems';

/** Describes a value for messages: strings quoted, objects by type. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** A check that returns why a value is wrong, or undefined when it is fine. */
export type Check<T> = (value: T) => string | undefined;

/**
 * Reads one mapping of the parsed inventory: type-checks each field, reports unknown
 * keys (a typo must never be silently ignored), and records every problem with its
 * path instead of throwing. Reads return undefined for missing or invalid values so
 * the caller can apply a default and keep going.
 *
 * A reader may have a fallback (the fleet `defaults` block): a key the mapping does
 * not have is read from the fallback, and problems there are reported at the
 * fallback's own path.
 */
export class MappingReader {
  /**
   * Reads `value` as a mapping with the given allowed keys. Reports and returns
   * undefined when it is not a mapping.
   */
  public static of(value: unknown, path: string, problems: Problems, allowedKeys: readonly string[], fallback?: MappingReader): MappingReader | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.add(path, `must be a mapping, got ${describe(value)}`);
      return undefined;
    }
    return new MappingReader(value as Record<string, unknown>, path, problems, allowedKeys, fallback);
  }

  /** A reader over an absent mapping: every key falls through to `fallback`. */
  public static empty(path: string, problems: Problems, allowedKeys: readonly string[], fallback?: MappingReader): MappingReader {
    return new MappingReader({}, path, problems, allowedKeys, fallback);
  }

  private constructor(
    private readonly value: Record<string, unknown>,
    public readonly path: string,
    public readonly problems: Problems,
    allowedKeys: readonly string[],
    private readonly fallback?: MappingReader,
  ) {
    for (const key of Object.keys(value)) {
      if (!allowedKeys.includes(key)) {
        problems.add(childPath(path, key), `unknown key; allowed keys here: ${allowedKeys.join(', ')}`);
      }
    }
  }

  /** Whether the key is present here or in the fallback. */
  public has(key: string): boolean {
    return this.value[key] !== undefined || (this.fallback?.has(key) ?? false);
  }

  /** The path of a key, where its value comes from. */
  public pathOf(key: string): string {
    if (this.value[key] === undefined && this.fallback?.has(key)) return this.fallback.pathOf(key);
    return childPath(this.path, key);
  }

  /** The raw value of a key, from here or the fallback. */
  public raw(key: string): unknown {
    if (this.value[key] !== undefined) return this.value[key];
    return this.fallback?.raw(key);
  }

  /** Reports a problem at a key's path. */
  public report(key: string, message: string): void {
    this.problems.add(this.pathOf(key), message);
  }

  /** Reports that a required key is missing. */
  public require(key: string, what: string): void {
    if (!this.has(key)) this.problems.add(childPath(this.path, key), `is required: ${what}`);
  }

  public string(key: string, check?: Check<string>): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      // YAML turns 1.30 into a number and yes/no into booleans: say what to write.
      const hint = typeof value === 'number' || typeof value === 'boolean' ? ` (quote it: "${String(value)}")` : '';
      this.report(key, `must be a string, got ${describe(value)}${hint}`);
      return undefined;
    }
    return this.checked(key, value, check);
  }

  public integer(key: string, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.report(key, `must be a whole number from ${min} to ${max}, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  public boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.report(key, `must be true or false, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  public oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.report(key, `${describe(value)} is not one of ${allowed.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  /** A list of strings; each bad element is reported at its own index. */
  public stringList(key: string, check?: Check<string>): string[] | undefined {
    const items = this.list(key);
    if (items === undefined) return undefined;
    const result: string[] = [];
    items.forEach(({ value, path }) => {
      if (typeof value !== 'string') {
        this.problems.add(path, `must be a string, got ${describe(value)}`);
        return;
      }
      const problem = check?.(value);
      if (problem) this.problems.add(path, problem);
      else result.push(value);
    });
    return result;
  }

  /** A mapping of string to string (labels, env); keys and values checked separately. */
  public stringMap(key: string, checkKey?: Check<string>, checkValue?: Check<string>): Record<string, string> | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.report(key, `must be a mapping of strings, got ${describe(value)}`);
      return undefined;
    }
    const result: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      const path = childPath(this.pathOf(key), k);
      if (typeof v !== 'string') {
        this.problems.add(path, `must be a string, got ${describe(v)}${typeof v === 'number' || typeof v === 'boolean' ? ` (quote it: "${String(v)}")` : ''}`);
        continue;
      }
      const problem = checkKey?.(k) ?? checkValue?.(v);
      if (problem) this.problems.add(path, problem);
      else result[k] = v;
    }
    return result;
  }

  /** A nested mapping with its own allowed keys (and the fallback's same key as its fallback). */
  public mapping(key: string, allowedKeys: readonly string[]): MappingReader | undefined {
    const own = this.value[key];
    const fallback = this.fallback?.mapping(key, allowedKeys);
    if (own === undefined) return fallback;
    return MappingReader.of(own, childPath(this.path, key), this.problems, allowedKeys, fallback);
  }

  /** The elements of a list with their paths. */
  public list(key: string): { value: unknown; path: string }[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.report(key, `must be a list, got ${describe(value)}`);
      return undefined;
    }
    const base = this.pathOf(key);
    return value.map((item, index) => ({ value: item, path: childPath(base, index) }));
  }

  private checked<T>(key: string, value: T, check?: Check<T>): T | undefined {
    const problem = check?.(value);
    if (problem) {
      this.report(key, problem);
      return undefined;
    }
    return value;
  }
}
