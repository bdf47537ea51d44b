// Ties nginx error-log lines to the access-log lines of the same requests. The error log says how a
// request failed (refused, reset, closed early, timed out; while connecting, reading the header or the
// body) and which server failed it; the access log says how it ended. Joined, a `combined` access log
// without any `$upstream_*` field still shows each failure with its kind and its server, a 200 whose body
// was cut by a reset shows as the failure it was, and a GET that a retry rescued still counts its failed
// try. Lines are matched on the request line and the client address, within the request's time span.
import type { AccessRecord, ErrorClass, ErrorEvent, ErrorPhase } from '../parse/types';

export interface ErrorHint {
  time: number;
  cls: ErrorClass;
  phase: ErrorPhase;
  /** The server that failed, as `$upstream_addr` shows it ('' when the line named none). */
  server: string;
}

interface Entry extends ErrorHint {
  client: string;
}

/** Error lines are stamped to the second; the access line is written when the request ends. */
const SLACK_MS = 1500;
/** Without `$request_time`, how long before its access line a request's error may have been logged. */
const UNKNOWN_SPAN_MS = 65_000;

export class ErrorJoin {
  private readonly byRequest = new Map<string, Entry[]>();
  private size = 0;
  /** Error lines not kept because the index was full. */
  dropped = 0;
  /** Error lines tied to an access line. */
  matched = 0;

  constructor(private readonly maxEntries = 200_000) {}

  /** Keeps an upstream-side error of a request, to be matched by its access line. */
  add(ev: ErrorEvent): void {
    if (ev.side !== 'upstream' || !ev.request || !Number.isFinite(ev.time)) return;
    if (this.size >= this.maxEntries) {
      this.dropped++;
      return;
    }
    let list = this.byRequest.get(ev.request);
    if (!list) this.byRequest.set(ev.request, (list = []));
    list.push({ time: ev.time, cls: ev.cls, phase: ev.phase, server: ev.upstreamAddr, client: ev.client });
    this.size++;
  }

  /** The errors of this request, oldest first, removed from the index; [] when there are none. */
  take(rec: AccessRecord): ErrorHint[] {
    if (this.size === 0) return [];
    const list = this.byRequest.get(rec.request);
    if (!list) return [];
    const span = rec.requestTime >= 0 ? rec.requestTime * 1000 : UNKNOWN_SPAN_MS;
    const from = rec.time - span - SLACK_MS;
    const to = rec.time + SLACK_MS;
    const out: ErrorHint[] = [];
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e.time < from || e.time > to) continue;
      if (rec.client && e.client && e.client !== rec.client) continue;
      out.push({ time: e.time, cls: e.cls, phase: e.phase, server: e.server });
      list.splice(i--, 1);
      this.size--;
    }
    if (list.length === 0) this.byRequest.delete(rec.request);
    this.matched += out.length;
    return out.sort((a, b) => a.time - b.time);
  }

  /** Forgets errors older than `t` (live mode: their access lines are long written). */
  pruneBefore(t: number): void {
    for (const [key, list] of this.byRequest) {
      const keep = list.filter((e) => e.time >= t);
      this.size -= list.length - keep.length;
      if (keep.length === 0) this.byRequest.delete(key);
      else if (keep.length !== list.length) this.byRequest.set(key, keep);
    }
  }

  get pending(): number {
    return this.size;
  }
}
