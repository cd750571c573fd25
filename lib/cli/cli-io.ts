/** What the CLI prints through: stdout and stderr. */
export interface CliIo {
  readonly print: (text: string) => void;
  readonly printError: (text: string) => void;
}
