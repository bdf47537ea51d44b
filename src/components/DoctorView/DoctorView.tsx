// The whole diagnosis view, drawn from a plain model. No Grafana import: the Grafana panel wraps it
// (data frames → model, theme → palette) and the embedded page bundles it with React alone.
import { nodeById } from '../../../collector/diagnose/tree';
import { pct, seconds, utcTime } from '../../model/format';
import { p95Tone, rate502Tone, verdictTone, writingTone } from '../../model/status';
import type { DoctorModel, TimeWindow } from '../../model/types';
import { isCompact, type Section, type ViewOptions } from '../../options';
import { ConnectChart } from './ConnectChart';
import { Evidence, type ViewLink } from './Evidence';
import { Examples } from './Examples';
import { Flowchart } from './Flowchart';
import type { Palette } from './palette';
import { StateMessage } from './StateMessage';
import { StatStrip } from './StatStrip';
import { button, card, GAP, heading, muted } from './styles';
import { TimeChart } from './TimeChart';
import { UpstreamTable } from './UpstreamTable';
import { VerdictBanner } from './Verdict';

export interface DrillDown {
  window: TimeWindow | null;
  upstream: string | null;
}

export interface DoctorViewProps {
  model: DoctorModel;
  palette: Palette;
  options: ViewOptions;
  width: number;
  height: number;
  formatTime?: (ms: number) => string;
  links?: ViewLink[];
  /** What the user narrowed the diagnosis to; drawn as a bar with a way back. */
  drill?: DrillDown;
  /** The time range the charts show; defaults to the model's range. */
  chartRange?: TimeWindow | null;
  onSelectRange?: (w: TimeWindow) => void;
  onSelectUpstream?: (upstream: string | null) => void;
  onReset?: () => void;
}

const PAD = 10;

export function DoctorView(props: DoctorViewProps) {
  const { model, palette: p, options, width, height } = props;
  const fmt = props.formatTime ?? utcTime;
  const compact = isCompact(options.compact, width, height);
  const inner = Math.max(120, width - 2 * PAD);
  const root = {
    width,
    height,
    overflow: 'auto' as const,
    boxSizing: 'border-box' as const,
    padding: PAD,
    background: p.background,
    color: p.text,
    fontFamily: p.fontFamily,
    fontSize: 13,
    display: 'flex',
    flexDirection: 'column' as const,
    gap: GAP,
  };
  const verdictSize = compact
    ? clamp(Math.min(height * 0.16, inner / 13), 16, 60)
    : clamp(inner / 30, 20, 44);

  if (model.state !== 'ready') {
    return (
      <div data-testid="doctor-view" data-state={model.state} data-compact={compact} style={root}>
        <StateMessage state={model.state} message={model.message} palette={p} size={verdictSize} />
        <DrillBar {...props} fmt={fmt} />
        <Notices notices={model.notices} p={p} />
      </div>
    );
  }

  const show = (s: Section) => options.sections.includes(s);
  const tone = verdictTone(model.verdict);
  const scores = [
    ...(model.verdict ? [{ id: model.verdict.cause, score: model.verdict.score }] : []),
    ...model.others.map((o) => ({ id: o.id, score: o.score })),
  ];

  if (compact) {
    const leaf = model.path.length ? nodeById(model.path[model.path.length - 1]) : undefined;
    return (
      <div data-testid="doctor-view" data-state="ready" data-compact="true" style={{ ...root, gap: 6 }}>
        <VerdictBanner model={model} palette={p} size={verdictSize} formatTime={fmt} />
        {model.path.length > 0 && (
          <div data-testid="path-crumbs" style={{ fontSize: clamp(verdictSize * 0.42, 12, 22), color: p.text }}>
            <span style={{ color: p.lit, fontWeight: 700 }}>{model.path.join(' → ')}</span>
            {leaf && <span>: {leaf.label}</span>}
          </div>
        )}
        <div style={{ fontSize: clamp(verdictSize * 0.38, 12, 20), color: p.muted }}>
          502 <b style={{ color: p.tone[rate502Tone(model.stats.rate502, options.thresholds)] }}>{pct(model.stats.rate502)}</b>
          {' · '}P95 <b>{seconds(model.stats.p95S)}</b>
          {model.stats.readTimeoutS ? ` of ${seconds(model.stats.readTimeoutS)}` : ''}
          {' · '}reused <b>{pct(model.stats.reuseShare)}</b>
        </div>
        {show('rate_502') && height >= 200 && (
          <TimeChart
            title="502 rate"
            testId="chart-502"
            lines={model.series.rate502}
            width={inner}
            height={clamp(height - verdictSize * 4.2 - 60, 50, 160)}
            palette={p}
            formatValue={(v) => pct(v)}
            formatTime={fmt}
            yMaxAtLeast={options.thresholds.rate502 * 2}
            rules={[{ value: options.thresholds.rate502, label: `warn ${pct(options.thresholds.rate502)}`, color: p.tone.warn, dash: true }]}
            range={props.chartRange ?? model.range}
            selection={props.drill?.window ?? null}
            stepMs={model.series.stepMs}
            onSelect={props.onSelectRange}
          />
        )}
      </div>
    );
  }

  const twoCols = inner >= 900 && show('flowchart');
  const fcWidth = twoCols ? Math.round(inner * 0.46) : inner;
  const evWidth = twoCols ? inner - fcWidth - GAP : inner;
  const chartCols = inner >= 1100 ? 4 : inner >= 560 ? 2 : 1;
  const chartW = Math.floor((inner - GAP * (chartCols - 1)) / chartCols);
  const chartH = 150;
  const range = props.chartRange ?? model.range;
  const selection = props.drill?.window ?? null;
  const t = options.thresholds;
  const rt = model.series.readTimeoutS;

  return (
    <div data-testid="doctor-view" data-state="ready" data-compact="false" style={root}>
      <VerdictBanner model={model} palette={p} size={verdictSize} formatTime={fmt} />
      <DrillBar {...props} fmt={fmt} />
      <StatStrip stats={model.stats} thresholds={t} palette={p} width={inner} />
      <div style={{ display: 'flex', flexDirection: twoCols ? 'row' : 'column', gap: GAP, alignItems: 'flex-start' }}>
        {show('flowchart') && (
          <section style={{ ...card(p), width: fcWidth }}>
            <h3 style={heading(p, 13)}>Diagnostic flowchart</h3>
            <Flowchart
              path={model.path}
              scores={scores}
              orientation={options.orientation}
              palette={p}
              tone={tone}
              width={fcWidth - 26}
            />
            <Legend p={p} />
          </section>
        )}
        <Evidence model={model} palette={p} links={props.links ?? []} width={evWidth} />
      </div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: GAP }}>
        {show('rate_502') && (
          <TimeChart
            title="502 rate"
            testId="chart-502"
            lines={model.series.rate502}
            width={chartW}
            height={chartH}
            palette={p}
            formatValue={(v) => pct(v)}
            formatTime={fmt}
            yMaxAtLeast={t.rate502 * 2}
            rules={[{ value: t.rate502, label: `warn ${pct(t.rate502)}`, color: p.tone.warn, dash: true }]}
            range={range}
            selection={selection}
            stepMs={model.series.stepMs}
            headline={pct(model.stats.rate502)}
            headlineTone={rate502Tone(model.stats.rate502, t)}
            onSelect={props.onSelectRange}
          />
        )}
        {show('writing_share') && (
          <TimeChart
            title="Writing share of active connections"
            testId="chart-writing"
            lines={model.series.writingShare}
            width={chartW}
            height={chartH}
            palette={p}
            formatValue={(v) => pct(v)}
            formatTime={fmt}
            yMaxAtLeast={1}
            rules={[{ value: t.writingShare, label: `warn ${pct(t.writingShare)}`, color: p.tone.warn, dash: true }]}
            range={range}
            selection={selection}
            stepMs={model.series.stepMs}
            headline={model.stats.writingShare === null ? undefined : pct(model.stats.writingShare)}
            headlineTone={writingTone(model.stats.writingShare, t)}
            empty={
              model.stats.writingShare === null
                ? 'No stub_status data: point the collector at nginx’s stub_status'
                : `Now ${pct(model.stats.writingShare)} (no history in this source)`
            }
            onSelect={props.onSelectRange}
          />
        )}
        {show('p95') && (
          <TimeChart
            title="P95 upstream response time"
            testId="chart-p95"
            lines={model.series.p95}
            width={chartW}
            height={chartH}
            palette={p}
            formatValue={(v) => seconds(v)}
            formatTime={fmt}
            rules={
              rt
                ? [
                    { value: rt, label: `proxy_read_timeout ${seconds(rt)}`, color: p.limit },
                    { value: rt * t.p95Share, label: `${pct(t.p95Share)} of it`, color: p.tone.warn, dash: true },
                  ]
                : []
            }
            range={range}
            selection={selection}
            stepMs={model.series.stepMs}
            headline={seconds(model.stats.p95S)}
            headlineTone={p95Tone(model.stats.p95S, rt, t)}
            onSelect={props.onSelectRange}
          />
        )}
        {show('connect') && <ConnectChart dist={model.series.connect} width={chartW} height={chartH - 20} palette={p} />}
      </div>
      {show('upstreams') && (
        <UpstreamTable
          rows={model.series.upstreams}
          selected={props.drill?.upstream ?? model.upstream}
          palette={p}
          thresholds={t}
          onSelect={props.onSelectUpstream}
        />
      )}
      {show('examples') && <Examples model={model} palette={p} formatTime={fmt} />}
      <Notices notices={model.notices} p={p} />
    </div>
  );
}

function DrillBar(props: DoctorViewProps & { fmt: (ms: number) => string }) {
  const d = props.drill;
  if (!d || (!d.window && !d.upstream)) return null;
  const p = props.palette;
  const parts = [
    d.window ? `${props.fmt(d.window.from)}–${props.fmt(d.window.to)}` : null,
    d.upstream ? `upstream ${d.upstream}` : null,
  ].filter(Boolean);
  return (
    <div
      data-testid="drill-bar"
      style={{ display: 'flex', alignItems: 'center', gap: 10, flexWrap: 'wrap', fontSize: 13, color: p.text }}
    >
      <span style={{ fontWeight: 700, color: p.lit }}>Drill-down:</span>
      <span>{parts.join(' · ')}</span>
      {props.onReset && (
        <button type="button" data-testid="drill-reset" onClick={props.onReset} style={button(p)}>
          Back to the whole range
        </button>
      )}
    </div>
  );
}

function Legend({ p }: { p: Palette }) {
  const sw = (style: Record<string, string | number>) => (
    <span style={{ display: 'inline-block', width: 16, height: 9, marginRight: 4, verticalAlign: 'middle', ...style }} />
  );
  return (
    <div style={{ ...muted(p, 11), display: 'flex', flexWrap: 'wrap', gap: '2px 12px', marginTop: 4 }}>
      <span>{sw({ background: p.litFill, border: `2px solid ${p.lit}` })}path taken</span>
      <span>{sw({ border: `1px solid ${p.border}` })}seed flowchart</span>
      <span>{sw({ border: `1px dashed ${p.border}` })}extension</span>
      <span>{sw({ border: `2px dashed ${p.tone.warn}` })}also scored</span>
    </div>
  );
}

function Notices({ notices, p }: { notices: string[]; p: Palette }) {
  if (notices.length === 0) return null;
  return (
    <ul data-testid="notices" style={{ margin: 0, paddingLeft: 18, ...muted(p, 12) }}>
      {notices.map((n, i) => (
        <li key={i}>{n}</li>
      ))}
    </ul>
  );
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.round(Math.min(hi, Math.max(lo, v)));
}
