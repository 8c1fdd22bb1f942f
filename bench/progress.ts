/**
 * Progress of the current step on stderr, so stdout keeps only the result table. On a
 * terminal one line is rewritten in place. Otherwise a line is written per 10% step.
 */
export class Progress {
  private readonly interactive = process.stderr.isTTY === true;
  private lastDecile = -1;
  private lastWriteMs = 0;

  constructor(private readonly label: string) {}

  /** Reports `fraction` (0 to 1) of the step as done, with an optional detail such as a count. */
  update(fraction: number, detail = ''): void {
    const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    const line = `[bench] ${this.label}: ${String(percent).padStart(3)}%${detail === '' ? '' : ` ${detail}`}`;
    if (this.interactive) {
      const now = Date.now();
      if (now - this.lastWriteMs >= 200 || percent === 100) {
        this.lastWriteMs = now;
        process.stderr.write(`\r\x1b[2K${line}`);
      }
      return;
    }
    const decile = Math.floor(percent / 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      process.stderr.write(`${line}\n`);
    }
  }

  /** Ends the step with a closing message. */
  done(message: string): void {
    const line = `[bench] ${this.label}: ${message}`;
    process.stderr.write(this.interactive ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}

/** Writes one status line on stderr. */
export function logStep(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
