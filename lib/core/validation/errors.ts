import { EdgeValidationError } from './validation-error';
import { Problems } from './problems';

/** Throws an EdgeValidationError listing every collected problem, if there are any. */
export function throwIfProblems(problems: Problems, summary: string): void {
  if (!problems.isEmpty) throw new EdgeValidationError(summary, problems.list);
}
