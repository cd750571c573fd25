/** What the CLI prints through: stdout and stderr. */
export interface CliIo {
  /** Prints a line on stdout. */
  readonly print: (text: string) => void;
  /** Prints a line on stderr. */
  readonly printError: (text: string) => void;
}
