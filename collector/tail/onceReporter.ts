// Problems that do not stop tailing (an unreadable file, a path that is a directory) are passed on once,
// and again only after they cleared: a file unreadable for an hour is one log line, not one per round.

export class OnceReporter {
  private readonly reported = new Set<string>();

  constructor(private readonly onError: (err: Error) => void) {}

  /** Passes `err` on unless the same kind of error under `key` was passed on and has not cleared. */
  report(key: string, err: Error): void {
    const k = `${key}\0${(err as { code?: string }).code ?? err.name}`;
    if (this.reported.has(k)) return;
    this.reported.add(k);
    try {
      this.onError(err);
    } catch {
      // An error handler that throws must not stop the tailer.
    }
  }

  /** Everything reported under `key` is over: the next error there is news again. */
  clear(key: string): void {
    if (this.reported.size === 0) return;
    for (const k of this.reported) if (k.startsWith(`${key}\0`)) this.reported.delete(k);
  }
}
