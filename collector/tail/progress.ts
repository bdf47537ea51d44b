// A one-line progress bar for the backfill, redrawn in place on a terminal (and only there: a log file
// or a pipe gets nothing, rather than a stream of carriage returns).

/** The part of a stream the bar needs (process.stderr is one). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressState {
  bytes: number;
  totalBytes: number;
  lines: number;
  elapsedMs: number;
  /** What is being read now (shown last, shortened to fit). */
  label: string;
}

const REDRAW_MS = 100;

/** The bar's text for a terminal `width` columns wide (no control characters). */
export function formatProgress(s: ProgressState, width = 80): string {
  const share = s.totalBytes > 0 ? Math.min(1, s.bytes / s.totalBytes) : 1;
  const pct = `${Math.floor(share * 100)}%`.padStart(4);
  const sizes = `${mb(Math.min(s.bytes, s.totalBytes))}/${mb(s.totalBytes)} MB`;
  const rate = s.elapsedMs > 0 ? Math.round((s.lines * 1000) / s.elapsedMs) : 0;
  const tail = ` ${pct} ${sizes} ${rate.toLocaleString('en-US')} lines/s`;
  const barWidth = Math.max(10, Math.min(30, width - tail.length - 20));
  const filled = Math.round(share * barWidth);
  let text = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
  const room = width - 1 - text.length - 1;
  if (room >= 8) text += ` ${s.label.length > room ? `…${s.label.slice(s.label.length - room + 1)}` : s.label}`;
  return text.slice(0, Math.max(0, width - 1));
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** Draws the bar on a terminal stream at most ten times a second; does nothing on any other stream. */
export class ProgressBar {
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream | null,
    private readonly totalBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** True when the stream is a terminal, so updates are shown. */
  get active(): boolean {
    return this.stream?.isTTY === true;
  }

  update(bytes: number, lines: number, label: string, force = false): void {
    if (!this.active) return;
    const t = this.now();
    if (!force && t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    const text = formatProgress({ bytes, totalBytes: this.totalBytes, lines, elapsedMs: t - this.started, label }, this.stream!.columns ?? 80);
    // Back to the line start, draw, and clear what a longer earlier line left behind.
    this.stream!.write(`\r${text}\x1b[K`);
    this.drawn = true;
  }

  /** Draws the final state and ends the line. */
  done(bytes: number, lines: number, label: string): void {
    if (!this.active) return;
    this.update(bytes, lines, label, true);
    if (this.drawn) this.stream!.write('\n');
  }
}
