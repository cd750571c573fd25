/**
 * One problem found while validating input: where it is and what is wrong.
 */
export interface Problem {
  /** Inventory path (`sites[2].nodes[0].name`) or construct path (`retail-store-01/EdgeDatabase`). */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** Formats a problem as `path: message`, the form every error report uses. */
export function formatProblem(problem: Problem): string {
  return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}

/**
 * Collects problems instead of stopping at the first one, so a user fixes their
 * inventory in one pass. Identical problems are kept once: a bad fleet default
 * reaches every site that inherits it but is reported a single time.
 */
export class Problems {
  private readonly seen = new Set<string>();
  private readonly items: Problem[] = [];

  public add(path: string, message: string): void {
    const key = `${path}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ path, message });
  }

  public get isEmpty(): boolean {
    return this.items.length === 0;
  }

  public get list(): readonly Problem[] {
    return this.items;
  }
}

/** Joins a parent path and a key the way problems are reported: `a.b`, `a[0]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}
