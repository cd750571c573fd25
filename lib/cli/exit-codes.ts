import type { Problem } from '../core/validation/problems';

/**
 * Exit codes of every command, as `kubectl diff` has them: 0 and 1 are outcomes, anything
 * greater is an error. Scripts and CI rely on them, so they never change meaning.
 */
export const ExitCode = {
  /** Done; for `diff`: nothing would change. */
  OK: 0,
  /** `diff` only: a synth would change the output folder. */
  CHANGES: 1,
  /** The command line is wrong: an unknown command or flag, or a bad flag value. */
  USAGE: 2,
  /** The inventory is invalid, or the fleet does not synthesize or converge: every problem is printed. */
  INVALID: 3,
  /** A file could not be read or written (the inventory is missing, a folder, unreadable), or another run holds the output folder. */
  IO: 4,
} as const;

/** One of the exit codes. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

/** What kind of error a failed run had, as `--json` reports it in `error.kind`. */
export type ErrorKind = 'usage' | 'invalid' | 'io';

/** The exit code of each error kind. */
export const EXIT_CODE_OF: Readonly<Record<ErrorKind, ExitCodeValue>> = { usage: ExitCode.USAGE, invalid: ExitCode.INVALID, io: ExitCode.IO };

/** A run that stops with an error: its kind decides the exit code; `--json` prints it on stdout. */
export class CliError extends Error {
  public constructor(public readonly kind: ErrorKind, message: string, public readonly problems: readonly Problem[] = []) {
    super(message);
  }
}
