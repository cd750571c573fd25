import type { Problem } from './problems';
import { formatProblem } from './problems';

export type { Problem } from './problems';

/**
 * Thrown when input is invalid: carries every problem found, each with its path
 * (inventory path or construct path) and what is allowed.
 */
export class EdgeValidationError extends Error {
  /** Every problem found. */
  public readonly problems: readonly Problem[];

  public constructor(summary: string, problems: readonly Problem[]) {
    super(`${summary}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'EdgeValidationError';
    this.problems = problems;
  }
}
