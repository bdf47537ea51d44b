// Readiness is always polled with a deadline: a fixed sleep is either too short on a loaded CI box or
// wastes time everywhere else.

export class LabTimeoutError extends Error {
  constructor(what: string, ms: number, last?: unknown) {
    const tail = last instanceof Error ? `: ${last.message}` : '';
    super(`timed out after ${ms} ms waiting for ${what}${tail}`);
    this.name = 'LabTimeoutError';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls `probe` until it resolves truthy; rethrows nothing, reports the last failure on timeout. */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) throw new LabTimeoutError(what, timeoutMs, last);
    await sleep(intervalMs);
  }
}
