/**
 * Progress on stderr for long runs: a self-rewriting line on a terminal; with --progress and no terminal,
 * a plain line at most every 2 s. Silent otherwise, so piped output and tests stay clean.
 */
export class ProgressLine {
  private count = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;
  private readonly enabled: boolean;

  constructor(private readonly total: number, forced: boolean) {
    this.tty = Boolean(process.stderr.isTTY);
    this.enabled = this.tty || forced;
  }

  advance(tokens: number): void {
    this.count += tokens;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < (this.tty ? 100 : 2000) && this.count < this.total) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? (this.count / seconds).toFixed(1) : '—';
    const text = `decoding: ${this.count}/${this.total} tokens, ${rate} tok/s`;
    process.stderr.write(this.tty ? `\r${text}\x1b[K` : `${text}\n`);
  }

  done(): void {
    if (this.enabled && this.tty && this.lastDraw > 0) process.stderr.write('\r\x1b[K');
  }
}
