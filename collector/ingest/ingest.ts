// The one path from a log line to the aggregator, for every mode: `diagnose` (whole files), `watch`
// (tailed files), the replay and the Netdata plugin. It picks the access-log format per file, learns the
// UTC offset from the access log for the zone-less local times of the error and kernel logs, and keeps
// the one count of lines and parse errors per source that /healthz, /metrics, the diagnosis, the Netdata
// charts and the checkpoint all read.
import type { Aggregator } from '../aggregate/aggregator';
import { createAccessLineParser, createAutoAccessParser, type AccessLineParser } from '../parse/access/accessParser';
import { parseErrorLine } from '../parse/errorLog';
import { parseKernelLine } from '../parse/kernelLog';
import { accessLogFormat, type NginxConfig } from '../parse/nginxConf/config';
import { ErrorJoin } from './errorJoin';
import { UNNAMED_UPSTREAM, applyHints, inferAttempts, keyForServer, logsUpstream } from './infer';

export const SOURCES = ['access', 'error', 'kernel'] as const;
export type Source = (typeof SOURCES)[number];

/** Lines read and lines that matched no format, per source; `too_long` counts lines dropped for length. */
export interface IngestCounts {
  lines: Record<Source, number>;
  parseErrors: Record<Source | 'too_long', number>;
}

export function emptyCounts(): IngestCounts {
  return { lines: { access: 0, error: 0, kernel: 0 }, parseErrors: { access: 0, error: 0, kernel: 0, too_long: 0 } };
}

export interface IngestOptions {
  agg: Aggregator;
  /** The access log's format as the user gave it (`--log-format`): used for every access log. */
  logFormat?: string | null;
  /** The nginx config: each access log's format is the one its `access_log` directive names. */
  conf?: NginxConfig | null;
  /** Counts to continue from (a checkpoint). */
  counts?: IngestCounts;
  /** A UTC offset already learnt (a checkpoint), in minutes east of UTC. */
  tzOffsetMin?: number | null;
}

export class Ingest {
  readonly agg: Aggregator;
  readonly counts: IngestCounts;
  /** UTC offset of the access log's `$time_local`, in minutes; undefined until a line carried one. */
  tzOffsetMin: number | undefined;
  /** Time written in the newest line of each source (epoch ms), NaN before the first. */
  readonly newest: Record<Source, number> = { access: NaN, error: NaN, kernel: NaN };
  private readonly logFormat: string | null;
  private conf: NginxConfig | null;
  private readonly parsers = new Map<string, AccessLineParser>();
  /** Error lines waiting for their access lines (see errorJoin.ts). */
  readonly join = new ErrorJoin();
  /**
   * The access logs name no upstream (`combined`): attempts are inferred, and an error's server counts
   * under its group when the group has several (the access lines cannot say which one served them).
   * Set by the first access line, or beforehand by whoever knows the format (ingest/files.ts).
   */
  inferUpstreams: boolean | undefined;
  /** Servers the upstream-side error lines named: with exactly one and no config, every request was its. */
  readonly errorServers = new Set<string>();
  /** Union of what the access lines' formats log (AccessRecord.logged): what the diagnosis can rely on. */
  logged = 0;

  constructor(opts: IngestOptions) {
    this.agg = opts.agg;
    this.logFormat = opts.logFormat ?? null;
    this.conf = opts.conf ?? null;
    this.counts = opts.counts ? structuredClone(opts.counts) : emptyCounts();
    this.tzOffsetMin = opts.tzOffsetMin ?? undefined;
  }

  /** The nginx config was read again (SIGHUP): formats are chosen afresh for every file. */
  setConfig(conf: NginxConfig | null): void {
    this.conf = conf;
    this.parsers.clear();
  }

  /** The parser for an access log at `file` (built once per path; throws LogFormatError for a bad format). */
  parserFor(file: string): AccessLineParser {
    let p = this.parsers.get(file);
    if (!p) {
      const format = this.formatFor(file);
      p = format === null ? createAutoAccessParser() : createAccessLineParser(format);
      this.parsers.set(file, p);
    }
    return p;
  }

  /** The log_format text used for `file`, or null when none is known and the built-in ones are tried. */
  formatFor(file: string): string | null {
    if (this.logFormat !== null) return this.logFormat;
    if (this.conf && this.conf.accessLogs.length > 0) return accessLogFormat(this.conf, file).format;
    return null;
  }

  /** One access-log line; false when it matched no format (counted as a parse error). */
  access(line: string, file: string): boolean {
    this.counts.lines.access++;
    const rec = this.parserFor(file)(line);
    if (!rec) {
      this.counts.parseErrors.access++;
      return false;
    }
    if (this.tzOffsetMin === undefined && !Number.isNaN(rec.tzOffsetMin)) this.tzOffsetMin = rec.tzOffsetMin;
    if (!(rec.time <= this.newest.access)) this.newest.access = rec.time;
    this.logged |= rec.logged;
    const hints = this.join.take(rec);
    if (!logsUpstream(rec)) {
      if (this.inferUpstreams === undefined) this.inferUpstreams = true;
      rec.attempts = inferAttempts(rec, hints, this.conf, this.fallbackUpstream());
    } else {
      if (this.inferUpstreams === undefined) this.inferUpstreams = false;
      if (hints.length > 0) applyHints(rec, hints);
    }
    this.agg.addAccess(rec);
    return true;
  }

  /** One error-log line; its local time is read in the access log's zone once that is known. */
  error(line: string): boolean {
    this.counts.lines.error++;
    const ev = parseErrorLine(line, this.tzOffsetMin);
    if (!ev) {
      this.counts.parseErrors.error++;
      return false;
    }
    if (!(ev.time <= this.newest.error)) this.newest.error = ev.time;
    this.join.add(ev);
    if (ev.side === 'upstream' && ev.upstreamAddr && this.errorServers.size < 64) this.errorServers.add(ev.upstreamAddr);
    const server = ev.upstreamAddr;
    if (this.inferUpstreams && server) ev.upstreamAddr = keyForServer(this.conf, server);
    this.agg.addError(ev, server);
    return true;
  }

  /**
   * One kernel-log line. Most lines are not about a kill or a crash: those are no parse errors. Syslog
   * lines carry no year; the newest access line gives it.
   */
  kernel(line: string): void {
    this.counts.lines.kernel++;
    const t = Number.isFinite(this.newest.access) ? this.newest.access : this.agg.maxTime;
    const year = Number.isFinite(t) ? new Date(t).getUTCFullYear() : undefined;
    const ev = parseKernelLine(line, { year, tzOffsetMin: this.tzOffsetMin });
    if (!ev) return;
    if (!(ev.time <= this.newest.kernel)) this.newest.kernel = ev.time;
    this.agg.addKernel(ev);
  }

  /**
   * Where a request of an access log without upstream fields went when neither the config nor its own
   * error lines say: the one server the error log knows, or an unnamed upstream when it knows none (a
   * combined log alone still shows 502s); nowhere when it knows several (which one cannot be guessed).
   */
  private fallbackUpstream(): string {
    if (this.errorServers.size === 1) return this.errorServers.values().next().value as string;
    return this.errorServers.size === 0 ? UNNAMED_UPSTREAM : '';
  }

  /** Lines a reader dropped for being longer than its limit. */
  tooLong(n: number): void {
    this.counts.parseErrors.too_long += n;
  }

  line(source: Source, line: string, file: string): void {
    if (source === 'access') this.access(line, file);
    else if (source === 'error') this.error(line);
    else this.kernel(line);
  }
}
