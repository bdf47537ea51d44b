// `watch` at work: tails the logs into the aggregator and the Prometheus exporter, polls stub_status,
// re-diagnoses every window for the cause gauges, and commits file offsets together with the exported
// counts so a restart (even after kill -9) continues exactly where the counts stopped.
import { Aggregator } from '../aggregate/aggregator';
import type { WatchConfig } from '../config/watchConfig';
import type { CauseId } from '../diagnose/causes';
import { ExporterState } from '../metrics/store';
import { PrometheusExporter } from '../metrics/prometheus';
import { createAccessLineParser, createAutoAccessParser, type AccessLineParser } from '../parse/access/accessParser';
import { parseErrorLine } from '../parse/errorLog';
import { parseKernelLine } from '../parse/kernelLog';
import { accessLogFormat, readNginxConfig, upstreamSettingsFor, type NginxConfig } from '../parse/nginxConf/config';
import type { UpstreamSettings } from '../parse/types';
import { buildDiagnosis, upstreamVerdicts, type Diagnosis, type DiagnosisQuery, type DiagnosisSources } from '../report/diagnosis';
import { StubStatusPoller, type StubStatusSample } from '../sources/stubStatus';
import { backfill } from '../tail/backfill';
import { CheckpointStore, type Checkpoint } from '../tail/checkpoint';
import { Tailer, type FilePosition } from '../tail/tailer';
import { collectorVersion } from '../version';

/** What the checkpoint's `state` holds besides the offsets. */
interface SavedState {
  exporter: ReturnType<PrometheusExporter['toJSON']>;
  tzOffsetMin: number | null;
  /** Each tailer gets back only its own files' positions. */
  positionsBySource: Record<string, FilePosition[]>;
}

const CHECKPOINT_EVERY_MS = 1000;

export class LiveCollector {
  readonly agg: Aggregator;
  readonly exporter: PrometheusExporter;
  private readonly tailers: Array<{ source: string; tailer: Tailer }> = [];
  private readonly stub: StubStatusPoller | null;
  private readonly store: CheckpointStore | null;
  private readonly settingsCache = new Map<string, UpstreamSettings | null>();
  private parseAccess: AccessLineParser;
  private readonly lines: Record<string, number> = { access: 0, error: 0, kernel: 0 };
  private readonly parseErrors: Record<string, number> = { access: 0, error: 0, too_long: 0 };
  private tzOffsetMin: number | undefined;
  private lastStub: StubStatusSample | null = null;
  /** Writing-share samples within the retention, for the page's history of it. */
  private writingSamples: Array<{ t: number; share: number }> = [];
  private diagnoseTimer: NodeJS.Timeout | null = null;
  private lastSave = 0;
  private saving: Promise<void> = Promise.resolve();
  private readonly startedAt = Date.now();

  private constructor(
    readonly cfg: WatchConfig,
    private readonly log: (line: string) => void,
    private conf: NginxConfig | null,
    private readonly saved: Checkpoint | null,
  ) {
    const state = saved ? (saved.state as SavedState) : null;
    this.tzOffsetMin = state?.tzOffsetMin ?? undefined;
    this.exporter = new PrometheusExporter({
      state: state?.exporter ? ExporterState.fromJSON(state.exporter) : undefined,
      defaultLabels: cfg.labels,
      version: collectorVersion(),
    });
    this.agg = new Aggregator({
      windowMs: cfg.windowMs,
      retainMs: cfg.retentionMs,
      maxWindows: Math.ceil(cfg.retentionMs / cfg.windowMs) + 2,
      maxUpstreams: cfg.maxUpstreams,
      settingsFor: (addr) => this.settingsFor(addr),
      listener: this.exporter,
    });
    this.parseAccess = this.accessParser(conf);
    this.store = cfg.checkpoint ? new CheckpointStore(cfg.checkpoint) : null;
    this.stub = cfg.stubStatus
      ? new StubStatusPoller({
          url: cfg.stubStatus,
          intervalMs: cfg.stubStatusIntervalMs,
          onSample: (s) => {
            this.lastStub = s;
            this.exporter.setStubStatus(s);
            this.recordWriting(s.writingShare);
          },
          onError: () => this.exporter.setStubStatus(null),
          log,
        })
      : null;
  }

  private accessParser(conf: NginxConfig | null): AccessLineParser {
    const format = this.cfg.logFormat ?? (conf && conf.accessLogs.length ? accessLogFormat(conf).format : null);
    return format ? createAccessLineParser(format) : createAutoAccessParser();
  }

  /**
   * SIGHUP: saves the checkpoint, re-reads the nginx config (formats, timeouts) and makes every tailer look
   * at its paths at once. A config that no longer parses is reported and the one in use is kept, as nginx
   * itself keeps running on a bad reload.
   */
  async reload(): Promise<void> {
    await this.saveCheckpoint();
    if (this.cfg.nginxConf) {
      try {
        const conf = readNginxConfig(this.cfg.nginxConf);
        const parse = this.accessParser(conf);
        this.conf = conf;
        this.parseAccess = parse;
        this.settingsCache.clear();
        this.agg.refreshSettings();
        this.log(`re-read ${this.cfg.nginxConf}`);
      } catch (e) {
        this.log(`kept the nginx config in use: ${(e as Error).message}`);
      }
    }
    await this.poll();
  }

  /** Reads the nginx config and the checkpoint; throws one-line errors for either. */
  static async create(cfg: WatchConfig, log: (line: string) => void): Promise<LiveCollector> {
    const conf = cfg.nginxConf ? readNginxConfig(cfg.nginxConf) : null;
    const saved = cfg.checkpoint ? await new CheckpointStore(cfg.checkpoint).load() : null;
    return new LiveCollector(cfg, log, conf, saved);
  }

  async start(): Promise<void> {
    let saved = this.saved ? (this.saved.state as SavedState).positionsBySource : undefined;
    if (this.cfg.backfill && !saved) {
      // History first, from the rotated files; the live tailer takes over where the backfill handed off,
      // so a rotation during the backfill neither loses nor repeats a line.
      const b = await backfill(this.cfg.access, (line) => this.onAccess(line), { progress: process.stderr });
      this.log(`backfilled ${b.lines} lines from ${b.files.length} rotated file(s)`);
      saved = { access: b.handoff };
    }
    const startAt = saved ? 'beginning' : this.cfg.startAt;
    const make = (paths: string[], source: string, onLine: (line: string) => void) => {
      if (paths.length === 0) return;
      const tailer = new Tailer({
        paths,
        source,
        startAt,
        positions: saved ? (saved[source] ?? []) : undefined,
        onLine: (line) => onLine(line),
        onError: (e) => this.log(e.message),
        onRound: () => this.afterRound(),
      });
      this.tailers.push({ source, tailer });
    };
    make(this.cfg.access, 'access', (l) => this.onAccess(l));
    make(this.cfg.error, 'error', (l) => this.onError(l));
    make(this.cfg.kernelLog ? [this.cfg.kernelLog] : [], 'kernel', (l) => this.onKernel(l));
    for (const t of this.tailers) t.tailer.start();
    this.stub?.start();
    this.diagnoseTimer = setInterval(() => this.refreshCauses(), this.cfg.windowMs);
    this.diagnoseTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.diagnoseTimer) clearInterval(this.diagnoseTimer);
    await Promise.all(this.tailers.map((t) => t.tailer.stop()));
    await this.stub?.stop();
    await this.saveCheckpoint();
  }

  /** One round of every tailer, awaited: tests and replays use it to know the lines are in. */
  async poll(): Promise<void> {
    for (const t of this.tailers) await t.tailer.poll();
  }

  /** The diagnosis for a window; without one, the last `diagnosis_window` up to the newest line. */
  diagnosis(q: DiagnosisQuery): Diagnosis {
    const query = q.from === undefined && q.to === undefined ? this.recentWindow(q.upstream) : q;
    return buildDiagnosis(this.sources(), query);
  }

  health(): Record<string, unknown> {
    return {
      status: 'ok',
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      lines: this.lines,
      parse_errors: this.parseErrors,
      stub_status_up: this.stub ? this.stub.up : null,
      files: this.tailers.flatMap((t) => t.tailer.stats()),
    };
  }

  /** Recomputes the cause gauges for every upstream over the recent window. */
  refreshCauses(): void {
    if (!Number.isFinite(this.agg.maxTime)) return;
    for (const [upstream, own] of upstreamVerdicts(this.sources(), this.recentWindow())) {
      const scores: Partial<Record<CauseId, number>> = {};
      for (const c of own.causes) scores[c.id] = c.score;
      this.exporter.setCauses(upstream, scores, own.likely_cause);
    }
  }

  private recentWindow(upstream?: string): DiagnosisQuery {
    const to = Number.isFinite(this.agg.maxTime) ? this.agg.maxTime + 1 : Date.now();
    return { from: to - this.cfg.diagnosisWindowMs, to, upstream };
  }

  private sources(): DiagnosisSources {
    return {
      agg: this.agg,
      settingsFor: (a) => this.settingsFor(a),
      kernelLogRead: Boolean(this.cfg.kernelLog),
      parseErrors: this.parseErrors,
      lines: this.lines,
      writingShare: this.stub ? (from, to) => this.meanWriting(from, to) : undefined,
    };
  }

  private recordWriting(share: number): void {
    const now = Date.now();
    this.writingSamples.push({ t: now, share });
    const keepFrom = now - this.cfg.retentionMs;
    if (this.writingSamples[0].t < keepFrom) this.writingSamples = this.writingSamples.filter((x) => x.t >= keepFrom);
  }

  /** Mean of the polls in [from, to); the latest poll when none fell inside a short, recent span. */
  private meanWriting(from: number, to: number): number | null {
    let sum = 0;
    let n = 0;
    for (const x of this.writingSamples) {
      if (x.t >= from && x.t < to) {
        sum += x.share;
        n++;
      }
    }
    if (n > 0) return sum / n;
    return this.lastStub && to >= Date.now() - this.cfg.stubStatusIntervalMs ? this.lastStub.writingShare : null;
  }

  private settingsFor(addr: string): UpstreamSettings | null {
    if (!this.conf) return null;
    if (!this.settingsCache.has(addr)) this.settingsCache.set(addr, upstreamSettingsFor(this.conf, addr));
    return this.settingsCache.get(addr)!;
  }

  private onAccess(line: string): void {
    this.lines.access++;
    this.exporter.countLines('access', 1);
    const rec = this.parseAccess(line);
    if (!rec) {
      this.parseErrors.access++;
      this.exporter.countParseErrors('access', 1);
      return;
    }
    if (this.tzOffsetMin === undefined && !Number.isNaN(rec.tzOffsetMin)) this.tzOffsetMin = rec.tzOffsetMin;
    this.agg.addAccess(rec);
    this.exporter.setLastLine('access', rec.time);
  }

  private onError(line: string): void {
    this.lines.error++;
    this.exporter.countLines('error', 1);
    const ev = parseErrorLine(line, this.tzOffsetMin);
    if (!ev) {
      this.parseErrors.error++;
      this.exporter.countParseErrors('error', 1);
      return;
    }
    this.agg.addError(ev);
    this.exporter.setLastLine('error', ev.time);
  }

  private onKernel(line: string): void {
    this.lines.kernel++;
    this.exporter.countLines('kernel', 1);
    const year = Number.isFinite(this.agg.maxTime) ? new Date(this.agg.maxTime).getUTCFullYear() : undefined;
    const ev = parseKernelLine(line, { year, tzOffsetMin: this.tzOffsetMin });
    if (ev) this.agg.addKernel(ev);
  }

  private async afterRound(): Promise<void> {
    for (const t of this.tailers) for (const f of t.tailer.stats()) this.exporter.setTailLag(f.path, f.lag);
    if (Date.now() - this.lastSave >= CHECKPOINT_EVERY_MS) await this.saveCheckpoint();
  }

  /** Offsets and counts in one atomic write; saves never overlap. */
  private saveCheckpoint(): Promise<void> {
    if (!this.store) return Promise.resolve();
    this.lastSave = Date.now();
    this.saving = this.saving.then(async () => {
      // Taken in one synchronous step: positions and counts describe the same delivered lines.
      const positionsBySource: Record<string, FilePosition[]> = {};
      for (const t of this.tailers) positionsBySource[t.source] = t.tailer.positions();
      const state: SavedState = { exporter: this.exporter.toJSON(), tzOffsetMin: this.tzOffsetMin ?? null, positionsBySource };
      try {
        await this.store!.save({ positions: Object.values(positionsBySource).flat(), state });
      } catch (e) {
        this.log(`checkpoint: ${(e as Error).message}`);
      }
    });
    return this.saving;
  }
}
