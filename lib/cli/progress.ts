/**
 * Progress of a long run: a live line on a terminal (sites done / total, rate),
 * nothing in CI unless `--verbose` asks for a line per site.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;

  public constructor(private readonly total: number, private readonly verbose: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  /** Notes one finished site. */
  public tick(done: number, site: string): void {
    if (this.verbose) {
      this.stream.write(`  [${done}/${this.total}] ${site}\n`);
      return;
    }
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    const rate = done / Math.max((now - this.started) / 1000, 0.001);
    this.stream.write(`\r  sites ${done}/${this.total} (${rate.toFixed(0)}/s)`);
    if (done === this.total) this.stream.write('\n');
  }
}
