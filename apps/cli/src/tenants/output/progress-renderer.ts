export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressState {
  done: number;
  total: number;
}

const BAR_WIDTH = 28;
const REDRAW_MS = 80;

/**
 * One progress line per collection, in the order they are worked on. On a terminal the current
 * line is redrawn in place (`\r`, at most every REDRAW_MS); elsewhere (logs, CI) each update is a
 * plain line. `quiet` draws nothing (for --json). The state is read live, so a collection that
 * never needed an update (all skipped) is still drawn, complete, in its place.
 */
export class ProgressRenderer {
  private active?: string;
  private lastDraw = 0;
  private readonly printed = new Map<string, string>();
  private readonly finished = new Set<string>();
  private readonly tenths = new Map<string, number>();

  constructor(
    private readonly out: ProgressStream,
    private readonly labels: readonly string[],
    private readonly state: (label: string) => ProgressState,
    private readonly mode: 'tty' | 'lines' | 'quiet' = out.isTTY ? 'tty' : 'lines',
  ) {}

  update(label: string): void {
    if (this.mode === 'quiet') return;
    for (const earlier of this.labels.slice(0, this.labels.indexOf(label))) this.finish(earlier);
    const line = this.line(label);
    if (this.mode === 'lines') {
      // A log gets a line per tenth of the way, not one per batch.
      const { done, total } = this.state(label);
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (this.tenths.get(label) !== tenth) this.print(label, line);
      this.tenths.set(label, tenth);
      return;
    }
    if (this.active !== label) {
      this.active = label;
      this.lastDraw = 0;
    }
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.out.write(`\r${line}`);
  }

  /** Draws every collection's final line. */
  done(): void {
    if (this.mode === 'quiet') return;
    for (const label of this.labels) this.finish(label);
  }

  private finish(label: string): void {
    if (this.finished.has(label)) return;
    this.finished.add(label);
    const line = this.line(label);
    if (this.mode === 'tty') {
      this.out.write(this.active === label ? `\r${line}\n` : `${line}\n`);
      if (this.active === label) this.active = undefined;
      return;
    }
    if (this.printed.get(label) !== line) this.print(label, line);
  }

  private print(label: string, line: string): void {
    this.printed.set(label, line);
    this.out.write(`${line}\n`);
  }

  private line(label: string): string {
    const { done, total } = this.state(label);
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = this.mode === 'tty' ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` : '';
    return `  ${label.padEnd(10)} ${bar}${String(Math.floor(ratio * 100)).padStart(3)}%  ${done}/${total}`;
  }
}
