// Polls nginx's stub_status page: connection states for the Writing share the seeds name, and nginx's own
// connection and request counters. A failed poll is reported on every poll (so `up` drops to 0 at once)
// but logged only when the state changes, so an nginx that stays down does not flood the log.
import * as http from 'node:http';
import * as https from 'node:https';

/** The numbers stub_status prints, as nginx prints them. */
export interface StubStatusCounts {
  active: number;
  reading: number;
  writing: number;
  waiting: number;
  accepted: number;
  handled: number;
  requests: number;
}

export interface StubStatusSample extends StubStatusCounts {
  /** Writing / active, leaving out the poll's own connection (see `writingShare`). */
  writingShare: number;
  /** Epoch ms when the answer arrived. */
  time: number;
}

export class StubStatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StubStatusError';
  }
}

/** A stub_status page is under 200 bytes; anything this long is some other page. */
const MAX_BODY_BYTES = 16 * 1024;

const ACTIVE_RE = /^\s*Active connections:\s*(\d+)\s*$/m;
const COUNTERS_RE = /^\s*server accepts handled requests\s*[\r\n]+\s*(\d+)\s+(\d+)\s+(\d+)\s*$/m;
const STATES_RE = /^\s*Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)\s*$/m;

/** The counts from a stub_status page, or null when the text is not one. */
export function parseStubStatus(text: string): StubStatusCounts | null {
  if (text.length > MAX_BODY_BYTES) return null;
  const a = ACTIVE_RE.exec(text);
  const c = COUNTERS_RE.exec(text);
  const s = STATES_RE.exec(text);
  if (!a || !c || !s) return null;
  const n = [a[1], c[1], c[2], c[3], s[1], s[2], s[3]].map(Number);
  if (!n.every(Number.isSafeInteger)) return null;
  const [active, accepted, handled, requests, reading, writing, waiting] = n;
  return { active, reading, writing, waiting, accepted, handled, requests };
}

/**
 * Share of active client connections that are writing a response. The poll's own request is one of
 * them: nginx counts it as active and writing while it prints the page, so an idle nginx would read
 * 1/1 = 100 % and trip the 90 % warning. One connection is taken off both before dividing; with no
 * other connection the share is 0. The connection gauges themselves stay as nginx printed them.
 */
export function writingShare(c: StubStatusCounts): number {
  const active = c.active - 1;
  const writing = Math.min(Math.max(c.writing - 1, 0), active);
  return active > 0 ? writing / active : 0;
}

export interface StubStatusPollerOptions {
  /** The stub_status page, `http://127.0.0.1/nginx_status` (credentials in the URL are sent, never logged). */
  url: string;
  /** Time between the starts of two polls (default 5 s). */
  intervalMs?: number;
  /** Longest wait for a whole answer (default 2 s, at most the interval). */
  timeoutMs?: number;
  onSample: (s: StubStatusSample) => void;
  /** Every failed poll; the exporter sets `up` to 0 here. */
  onError?: (err: StubStatusError) => void;
  /** One line when polls start failing and one when they succeed again. */
  log?: (line: string) => void;
}

export class StubStatusPoller {
  private readonly url: URL;
  private readonly shownUrl: string;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly opts: StubStatusPollerOptions;
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<StubStatusSample | null> | null = null;
  private running = false;
  private state: boolean | null = null;
  private downSince = 0;

  constructor(opts: StubStatusPollerOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new StubStatusError(`stub_status URL is not a URL: ${opts.url}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new StubStatusError(`stub_status URL must be http or https: ${opts.url}`);
    }
    this.url = url;
    const shown = new URL(url.href);
    shown.username = '';
    shown.password = '';
    this.shownUrl = shown.href;
    this.intervalMs = Math.max(50, opts.intervalMs ?? 5000);
    this.timeoutMs = Math.min(Math.max(10, opts.timeoutMs ?? 2000), this.intervalMs);
    this.opts = opts;
  }

  /** True after a good poll, false after a failed one, null before the first answer. */
  get up(): boolean | null {
    return this.state;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling; resolves once a poll in progress has finished (within the timeout). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inflight) await this.inflight;
  }

  /** One poll. Never throws: the outcome goes to onSample / onError and the state-change log. */
  async pollOnce(): Promise<StubStatusSample | null> {
    let sample: StubStatusSample | null = null;
    let failure: StubStatusError | null = null;
    try {
      const body = await getText(this.url, this.timeoutMs);
      const counts = parseStubStatus(body);
      if (!counts) throw new StubStatusError(`answer is not a stub_status page: ${JSON.stringify(body.slice(0, 60))}`);
      sample = { ...counts, writingShare: writingShare(counts), time: Date.now() };
    } catch (err) {
      failure = err instanceof StubStatusError ? err : new StubStatusError((err as Error).message || String(err));
    }
    if (sample) {
      if (this.state === false) {
        const s = ((Date.now() - this.downSince) / 1000).toFixed(1);
        this.opts.log?.(`stub_status ${this.shownUrl}: reachable again after ${s} s`);
      }
      this.state = true;
      this.opts.onSample(sample);
    } else if (failure) {
      if (this.state !== false) {
        this.downSince = Date.now();
        this.opts.log?.(
          `stub_status ${this.shownUrl}: ${failure.message}; nginx metrics are down (up=0), ` +
            `still polling every ${this.intervalMs / 1000} s`,
        );
      }
      this.state = false;
      this.opts.onError?.(failure);
    }
    return sample;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // The HTTP server keeps the watch process alive; the poller alone must not.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    this.inflight = this.pollOnce();
    await this.inflight;
    this.inflight = null;
    if (this.running) this.schedule(Math.max(0, this.intervalMs - (Date.now() - started)));
  }
}

/** GET with a deadline on the whole answer and a cap on its size; a new connection every time. */
function getText(url: URL, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.get(url, { agent: false, headers: { accept: 'text/plain' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new StubStatusError(`HTTP ${res.statusCode ?? 0} from stub_status`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) req.destroy(new StubStatusError(`answer longer than ${MAX_BODY_BYTES} bytes: not a stub_status page`));
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new StubStatusError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(timer));
  });
}
