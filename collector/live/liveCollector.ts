// `watch` at work: tailers hand every line to the one ingest path (collector/ingest), stub_status is
// polled, the cause gauges are re-diagnosed every window, and file offsets are committed together with
// every count, so a restart (even after kill -9) continues exactly where the counts stopped. The Netdata
// plugin runs this same object in its own process.
import { Aggregator } from '../aggregate/aggregator';
import type { WatchConfig } from '../config/watchConfig';
import type { CauseId } from '../diagnose/causes';
import { Ingest, SOURCES, type IngestCounts, type Source } from '../ingest/ingest';
import { PrometheusExporter } from '../metrics/prometheus';
import { ExporterState } from '../metrics/store';
import { readNginxConfig, settingsLookup, type NginxConfig } from '../parse/nginxConf/config';
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
  /** The ingest path's line and parse-error counts (absent in checkpoints of 0.1.0: read from `exporter`). */
  ingest?: IngestCounts;
  tzOffsetMin: number | null;
  /** Each tailer gets back only its own files' positions. */
  positionsBySource: Record<string, FilePosition[]>;
}

const CHECKPOINT_EVERY_MS = 1000;

export class LiveCollector {
  readonly agg: Aggregator;
  readonly ingest: Ingest;
  readonly exporter: PrometheusExporter;
  private readonly tailers: Array<{ source: Source; tailer: Tailer }> = [];
  private readonly stub: StubStatusPoller | null;
  private readonly store: CheckpointStore | null;
  private settingsFor: (addr: string) => UpstreamSettings | null;
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
    conf: NginxConfig | null,
    private readonly saved: Checkpoint | null,
  ) {
    const state = saved ? (saved.state as SavedState) : null;
    const exporterState = state?.exporter ? ExporterState.fromJSON(state.exporter) : undefined;
    this.exporter = new PrometheusExporter({ state: exporterState, defaultLabels: cfg.labels, version: collectorVersion() });
    this.settingsFor = settingsLookup(conf);
    this.agg = new Aggregator({
      windowMs: cfg.windowMs,
      retainMs: cfg.retentionMs,
      maxWindows: Math.ceil(cfg.retentionMs / cfg.windowMs) + 2,
      maxUpstreams: cfg.maxUpstreams,
      settingsFor: (addr) => this.settingsFor(addr),
      listener: this.exporter,
    });
    this.ingest = new Ingest({
      agg: this.agg,
      conf,
      logFormat: cfg.logFormat,
      counts: state?.ingest ?? (exporterState ? countsFromExporter(exporterState) : undefined),
      tzOffsetMin: state?.tzOffsetMin,
    });
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
      const b = await backfill(this.cfg.access, (line, file) => this.ingest.access(line, file), { progress: process.stderr });
      this.log(`backfilled ${b.lines} lines from ${b.files.length} rotated file(s)`);
      saved = { access: b.handoff };
    }
    const startAt = saved ? 'beginning' : this.cfg.startAt;
    const paths: Record<Source, string[]> = {
      access: this.cfg.access,
      error: this.cfg.error,
      kernel: this.cfg.kernelLog ? [this.cfg.kernelLog] : [],
    };
    for (const source of SOURCES) {
      if (paths[source].length === 0) continue;
      const tailer = new Tailer({
        paths: paths[source],
        source,
        startAt,
        positions: saved ? (saved[source] ?? []) : undefined,
        onLine: (line, _source, file) => this.ingest.line(source, line, file),
        onTooLong: (n) => this.ingest.tooLong(n),
        onError: (e) => this.log(e.message),
        onRound: () => this.afterRound(),
      });
      this.tailers.push({ source, tailer });
    }
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
        this.ingest.setConfig(conf);
        this.settingsFor = settingsLookup(conf);
        this.agg.refreshSettings();
        this.log(`re-read ${this.cfg.nginxConf}`);
      } catch (e) {
        this.log(`kept the nginx config in use: ${(e as Error).message}`);
      }
    }
    await this.poll();
  }

  /** One round of every tailer, awaited: tests and replays use it to know the lines are in. */
  async poll(): Promise<void> {
    for (const t of this.tailers) await t.tailer.poll();
  }

  /** The Prometheus text exposition, with what lives outside the exporter's own counts brought up to date. */
  async metrics(): Promise<string> {
    this.syncExporter();
    return this.exporter.metrics();
  }

  /** Copies the counts the exporter reads but does not keep (lines, newest times, tail lag) into it. */
  syncExporter(): void {
    this.exporter.setIngest(this.ingest.counts, this.ingest.newest);
    for (const t of this.tailers) for (const f of t.tailer.stats()) this.exporter.setTailLag(f.path, f.lag);
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
      lines: { ...this.ingest.counts.lines },
      parse_errors: { ...this.ingest.counts.parseErrors },
      stub_status_up: this.stub ? this.stub.up : null,
      files: this.tailers.flatMap((t) => t.tailer.stats()),
    };
  }

  /** Recomputes the cause gauges for every upstream over the recent window. */
  refreshCauses(): void {
    if (!Number.isFinite(this.agg.maxTime)) return;
    // Error lines are written before their access lines; two minutes later nothing will claim them.
    this.ingest.join.pruneBefore(this.agg.maxTime - 120_000);
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
      counts: this.ingest.counts,
      logged: this.ingest.logged,
      errorLogRead: this.cfg.error.length > 0,
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

  private async afterRound(): Promise<void> {
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
      this.syncExporter();
      const state: SavedState = {
        exporter: this.exporter.toJSON(),
        ingest: structuredClone(this.ingest.counts),
        tzOffsetMin: this.ingest.tzOffsetMin ?? null,
        positionsBySource,
      };
      try {
        await this.store!.save({ positions: Object.values(positionsBySource).flat(), state });
      } catch (e) {
        this.log(`checkpoint: ${(e as Error).message}`);
      }
    });
    return this.saving;
  }
}

/** The line counts a checkpoint of 0.1.0 kept only in the exporter's series. */
function countsFromExporter(st: ExporterState): IngestCounts {
  const v = (key: 'lines' | 'parseErrors', src: string) => st.value(key, [src]) ?? 0;
  return {
    lines: { access: v('lines', 'access'), error: v('lines', 'error'), kernel: v('lines', 'kernel') },
    parseErrors: { access: v('parseErrors', 'access'), error: v('parseErrors', 'error'), kernel: 0, too_long: v('parseErrors', 'too_long') },
  };
}
