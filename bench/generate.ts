// Deterministic nginx access-log generator for the benchmark. Lines follow UPSTREAM_DOCTOR_FORMAT (the
// template is compiled from the format string itself, so the two cannot drift apart) and are streamed to a
// file in fixed-size chunks: a 10M-line log is several GB and must never sit in memory.

import { closeSync, openSync, writeSync } from 'node:fs';
import { UPSTREAM_DOCTOR_FORMAT } from '../collector/parse/access/namedFormats';

export interface GenerateOptions {
  lines: number;
  /** Same seed, same bytes. */
  seed?: number;
  /** Epoch ms of the first line. */
  startMs?: number;
  /** Log time covered by one million lines; the gap between lines is exponential with this mean. */
  msPerMillionLines?: number;
  /** Zone written in `$time_local` (minutes east of UTC); `$msec` stays UTC, and both name the same instant. */
  tzOffsetMin?: number;
}

/** What was written, so a benchmark can check the tools counted the same things. */
export interface GenerateSummary {
  lines: number;
  bytes: number;
  /** `$status` histogram of the lines. */
  byStatus: Record<string, number>;
  /** Upstream attempts over all lines (a `502, 200` line counts two). */
  attempts: number;
  /** Attempts whose connect time is 0.000 (pooled connection reused). */
  reusedAttempts: number;
  /** Lines with a `, ` retry (proxy_next_upstream). */
  retried: number;
  /** Lines with a ` : ` internal redirect. */
  redirected: number;
  /** Lines nginx answered itself (all `$upstream_*` are `-`). */
  noUpstream: number;
  firstMs: number;
  lastMs: number;
}

export const DEFAULT_START_MS = Date.UTC(2024, 9, 10, 10, 0, 0);

/** Small 32-bit PRNG (splitmix-style mixing of a Weyl sequence); quality is ample for synthetic logs. */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

type Template = (values: Record<string, string>) => string;

/** Turns an nginx log_format string into a filler; a variable the generator does not produce is written `-`. */
export function compileTemplate(format: string): Template {
  const literals: string[] = [];
  const names: string[] = [];
  const re = /\$\{?([A-Za-z0-9_]+)\}?/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    literals.push(format.slice(last, m.index));
    names.push(m[1]);
    last = m.index + m[0].length;
  }
  literals.push(format.slice(last));
  return (values) => {
    let out = literals[0];
    for (let i = 0; i < names.length; i++) out += (values[names[i]] ?? '-') + literals[i + 1];
    return out;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? '0' + n : '' + n);
const pad3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

/** nginx writes times with millisecond resolution: `0.012`, `60.001`. */
export function formatMs(ms: number): string {
  return Math.floor(ms / 1000) + '.' + pad3(ms % 1000);
}

export function formatTimeLocal(epochSec: number, tzOffsetMin: number): string {
  const d = new Date((epochSec + tzOffsetMin * 60) * 1000);
  const sign = tzOffsetMin < 0 ? '-' : '+';
  const abs = Math.abs(tzOffsetMin);
  return (
    pad2(d.getUTCDate()) + '/' + MONTHS[d.getUTCMonth()] + '/' + d.getUTCFullYear() + ':' +
    pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds()) + ' ' +
    sign + pad2(Math.floor(abs / 60)) + pad2(abs % 60)
  );
}

const UPSTREAMS = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080', '10.0.0.4:8080'];
/** Where X-Accel-Redirect / error_page locations proxy to. */
const MEDIA_UPSTREAM = '10.0.1.10:9000';

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'okhttp/4.12.0',
  'curl/7.88.1',
];

/** The peer nginx's round robin tries `k` places after `addr`. */
const peerAfter = (addr: string, k: number): string => UPSTREAMS[(UPSTREAMS.indexOf(addr) + k) % UPSTREAMS.length];

interface AttemptText {
  addr: string;
  status: string;
  connect: string;
  header: string;
  response: string;
  bytes: string;
  /** Kept as a number so `$request_time` can cover every attempt. */
  responseMs: number;
}

/** Line by line, with the summary filled in as it goes. */
export function* accessLogLines(opts: GenerateOptions, summary: GenerateSummary = emptySummary()): Generator<string> {
  const rand = createPrng(opts.seed ?? 1);
  const tz = opts.tzOffsetMin ?? 120;
  const meanGapMs = (opts.msPerMillionLines ?? 3_600_000) / 1_000_000;
  const fill = compileTemplate(UPSTREAM_DOCTOR_FORMAT);

  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const between = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  // Log-normal around a median: the long right tail real latencies and sizes have.
  const logNormal = (median: number, sigma: number): number => {
    const u = 1 - rand();
    const v = rand();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  };

  const clients: string[] = [];
  for (let i = 0; i < 400; i++) {
    const net = pick(['198.51.100', '203.0.113', '192.0.2', '100.64.12']);
    clients.push(net + '.' + between(1, 254));
  }

  const attempt = (addr: string, status: number, mode: 'ok' | 'reset' | 'timeout' | 'abort'): AttemptText => {
    const reused = mode === 'reset' || rand() < 0.8;
    const connectMs = reused ? 0 : between(1, 4);
    if (reused) summary.reusedAttempts++;
    summary.attempts++;
    // Attempts that ended without a response header.
    const unanswered = (st: string, ms: number): AttemptText => ({
      addr,
      status: st,
      connect: formatMs(connectMs),
      header: '-',
      response: formatMs(ms),
      bytes: '0',
      responseMs: ms,
    });
    // A pooled connection the backend had already closed: RST on the first read.
    if (mode === 'reset') return unanswered('502', connectMs + between(0, 3));
    if (mode === 'timeout') return unanswered('504', 60_000 + between(0, 5));
    // The client left before the backend answered: nginx never saw a status.
    if (mode === 'abort') return unanswered('-', connectMs + between(200, 15_000));
    const headerMs = connectMs + Math.max(1, Math.round(logNormal(28, 0.9)));
    const responseMs = headerMs + Math.round(rand() < 0.9 ? rand() * 3 : logNormal(40, 1));
    const bytes = status === 304 ? 180 : Math.round(logNormal(2400, 1.3)) + 320;
    return {
      addr,
      status: String(status),
      connect: formatMs(connectMs),
      header: formatMs(headerMs),
      response: formatMs(responseMs),
      bytes: String(bytes),
      responseMs,
    };
  };

  let t = opts.startMs ?? DEFAULT_START_MS;
  let cachedSec = -1;
  let cachedTimeLocal = '';
  const values: Record<string, string> = {};

  for (let i = 0; i < opts.lines; i++) {
    t += -Math.log(1 - rand()) * meanGapMs;
    const msec = Math.floor(t);
    const sec = Math.floor(msec / 1000);
    if (sec !== cachedSec) {
      cachedSec = sec;
      cachedTimeLocal = formatTimeLocal(sec, tz);
    }
    if (i === 0) summary.firstMs = msec;
    summary.lastMs = msec;

    let request: string;
    let status: number;
    let tries: AttemptText[] = [];
    let sep = ', ';
    const r = rand();
    if (r < 0.02) {
      // Served by nginx itself: health checks and hashed static assets.
      if (rand() < 0.5) request = 'GET /healthz HTTP/1.1';
      else request = 'GET /static/app.' + between(4096, 65535).toString(16) + '.js HTTP/2.0';
      status = rand() < 0.8 ? 200 : 304;
    } else {
      const up = pick(UPSTREAMS);
      const method = rand() < 0.88 ? 'GET' : rand() < 0.8 ? 'POST' : 'PUT';
      const path =
        method !== 'GET'
          ? '/api/v1/orders'
          : rand() < 0.5
            ? '/api/v1/products/' + between(1, 50_000)
            : rand() < 0.6
              ? '/api/v1/search?q=item' + between(1, 999) + '&page=' + between(1, 20)
              : '/api/v1/cart';
      request = method + ' ' + path + (rand() < 0.7 ? ' HTTP/1.1' : ' HTTP/2.0');
      const o = rand();
      if (o < 0.0015) {
        // Two stale pooled connections in a row before a good one.
        tries = [attempt(up, 502, 'reset'), attempt(peerAfter(up, 1), 502, 'reset')];
        tries.push(attempt(peerAfter(up, 2), 200, 'ok'));
        status = 200;
      } else if (o < 0.012) {
        tries = [attempt(up, 502, 'reset'), attempt(peerAfter(up, 1), 200, 'ok')];
        status = 200;
      } else if (o < 0.015) {
        // error_page 404 = @media, or an X-Accel-Redirect handed on to the media service.
        const first = rand() < 0.5 ? 404 : 200;
        tries = [attempt(up, first, 'ok'), attempt(MEDIA_UPSTREAM, 200, 'ok')];
        sep = ' : ';
        status = 200;
      } else if (o < 0.023) {
        tries = [attempt(up, 502, 'reset')];
        status = 502;
      } else if (o < 0.026) {
        tries = [attempt(up, 504, 'timeout')];
        status = 504;
      } else if (o < 0.036) {
        tries = [attempt(up, 0, 'abort')];
        status = 499;
      } else {
        const s = rand();
        status = s < 0.032 ? 404 : s < 0.034 ? 500 : s < 0.045 ? 304 : method === 'POST' ? 201 : 200;
        tries = [attempt(up, status, 'ok')];
      }
    }

    let bodyBytes: number;
    let requestMs: number;
    if (tries.length === 0) {
      summary.noUpstream++;
      bodyBytes = status === 304 ? 0 : request.startsWith('GET /healthz') ? 2 : Math.round(logNormal(48_000, 0.4));
      requestMs = between(0, 2);
      values.upstream_addr = values.upstream_status = values.upstream_connect_time = '-';
      values.upstream_header_time = values.upstream_response_time = values.upstream_bytes_received = '-';
    } else {
      if (tries.length > 1) {
        if (sep === ', ') summary.retried++;
        else summary.redirected++;
      }
      const last = tries[tries.length - 1];
      bodyBytes = status === 502 || status === 504 ? 157 : status === 499 ? 0 : Math.max(0, Number(last.bytes) - 300);
      requestMs = 0;
      for (const a of tries) requestMs += a.responseMs;
      requestMs += between(0, 2);
      values.upstream_addr = tries.map((a) => a.addr).join(sep);
      values.upstream_status = tries.map((a) => a.status).join(sep);
      values.upstream_connect_time = tries.map((a) => a.connect).join(sep);
      values.upstream_header_time = tries.map((a) => a.header).join(sep);
      values.upstream_response_time = tries.map((a) => a.response).join(sep);
      values.upstream_bytes_received = tries.map((a) => a.bytes).join(sep);
    }

    values.remote_addr = pick(clients);
    values.remote_user = '-';
    values.time_local = cachedTimeLocal;
    values.request = request;
    values.status = String(status);
    values.body_bytes_sent = String(bodyBytes);
    values.http_referer = rand() < 0.7 ? '-' : 'https://shop.example.com/products?page=' + between(1, 40);
    values.http_user_agent = pick(USER_AGENTS);
    values.request_time = formatMs(requestMs);
    values.msec = sec + '.' + pad3(msec % 1000);

    summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
    summary.lines++;
    yield fill(values);
  }
}

export function emptySummary(): GenerateSummary {
  return {
    lines: 0,
    bytes: 0,
    byStatus: {},
    attempts: 0,
    reusedAttempts: 0,
    retried: 0,
    redirected: 0,
    noUpstream: 0,
    firstMs: NaN,
    lastMs: NaN,
  };
}

/** Streams `opts.lines` lines to `path` (created or truncated) and says what it wrote. */
export function writeAccessLog(path: string, opts: GenerateOptions): GenerateSummary {
  const summary = emptySummary();
  const fd = openSync(path, 'w');
  // Lines are written straight into one reusable buffer: building a big string first costs more in GC.
  const CHUNK = 1 << 20;
  // Flushed once past CHUNK, so the spare 64 KiB always holds the next line (they are under 1 KiB).
  const buf = Buffer.allocUnsafe(CHUNK + 65536);
  try {
    let used = 0;
    const flush = (): void => {
      for (let off = 0; off < used; ) off += writeSync(fd, buf, off, used - off);
      summary.bytes += used;
      used = 0;
    };
    for (const line of accessLogLines(opts, summary)) {
      used += buf.write(line, used, 'utf8');
      buf[used++] = 0x0a;
      if (used >= CHUNK) flush();
    }
    if (used > 0) flush();
  } finally {
    closeSync(fd);
  }
  return summary;
}
