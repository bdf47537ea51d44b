// The whole diagnosis view, drawn from a plain model. No Grafana import: the Grafana panel wraps it
// (data frames → model, theme → palette) and the embedded page bundles it with React alone.
// Wide (a wall screen, a wide panel): the verdict across the top, the flowchart on the left and, beside
// it, the 502 trend, the four figures and the evidence — everything a NOC needs above the fold; the
// other charts, the per-upstream table and the failing requests below. Narrow: one column. Small tile:
// the compact verdict.
import { nodeById } from '../../../collector/diagnose/tree';
import { layoutFlowchart } from '../../model/flowchart';
import { pct, seconds, utcClock, utcTime } from '../../model/format';
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
import { TimeChart, type Marker } from './TimeChart';
import { typeScale, type TypeScale } from './typeScale';
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
  /** The start of an incident, "since 20:12 UTC"; `ref` is its newest failure (for a date when days differ). */
  formatClock?: (ms: number, ref: number) => string;
  /**
   * 'frame' (a Grafana panel): exactly width × height, scrolling inside. 'page' (the NOC page): at least
   * the height, growing with its content so the document scrolls — no scroll area inside a scroll area.
   */
  fit?: 'frame' | 'page';
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
/** Largest scale of the flowchart drawing: its labels then read at about 21 px. */
const FLOW_MAX_SCALE = 1.3;

export function DoctorView(props: DoctorViewProps) {
  const { model, palette: p, options, width, height } = props;
  const fmt = props.formatTime ?? utcTime;
  const clock = props.formatClock ?? utcClock;
  const compact = isCompact(options.compact, width, height);
  const inner = Math.max(120, width - 2 * PAD);
  const type = typeScale(inner);
  const page = props.fit === 'page';
  const root = {
    width,
    ...(page ? { minHeight: height } : { height, overflow: 'auto' as const }),
    boxSizing: 'border-box' as const,
    padding: PAD,
    background: p.background,
    color: p.text,
    fontFamily: p.fontFamily,
    fontSize: type.body,
    display: 'flex',
    flexDirection: 'column' as const,
    gap: GAP,
  };
  const verdictSize = compact ? clamp(Math.min(height * 0.16, inner / 13), 16, 60) : type.verdict;

  if (model.state !== 'ready') {
    return (
      <div data-testid="doctor-view" data-state={model.state} data-compact={compact} style={root}>
        <StateMessage state={model.state} message={model.message} palette={p} size={verdictSize} />
        <DrillBar {...props} fmt={fmt} type={type} />
        <Notices notices={model.notices} p={p} type={type} />
      </div>
    );
  }

  const show = (s: Section) => options.sections.includes(s);
  const tone = verdictTone(model.verdict);
  const scores = [
    ...(model.verdict ? [{ id: model.verdict.cause, score: model.verdict.score }] : []),
    ...model.others.map((o) => ({ id: o.id, score: o.score })),
  ];
  const banner = <VerdictBanner model={model} palette={p} size={verdictSize} formatTime={fmt} formatClock={clock} compact={compact} />;
  const t = options.thresholds;
  const range = props.chartRange ?? model.range;
  const selection = props.drill?.window ?? null;
  const incident = model.verdict?.incident ?? null;
  const markers: Marker[] = incident ? [{ t: incident.since, label: `since ${clock(incident.since, incident.last)}`, color: p.tone[tone] }] : [];
  const chart502 = (w: number, h: number, chartType: TypeScale | undefined, headline: boolean) => (
    <TimeChart
      title="502 rate"
      testId="chart-502"
      lines={model.series.rate502}
      width={w}
      height={h}
      palette={p}
      type={chartType}
      formatValue={(v) => pct(v)}
      formatTime={fmt}
      yMaxAtLeast={t.rate502 * 2}
      rules={[{ value: t.rate502, label: `warn ${pct(t.rate502)}`, color: p.tone.warn, dash: true }]}
      markers={markers}
      range={range}
      selection={selection}
      stepMs={model.series.stepMs}
      headline={headline ? pct(model.stats.rate502) : undefined}
      headlineTone={rate502Tone(model.stats.rate502, t)}
      onSelect={props.onSelectRange}
    />
  );

  if (compact) {
    const leaf = model.path.length ? nodeById(model.path[model.path.length - 1]) : undefined;
    return (
      <div data-testid="doctor-view" data-state="ready" data-compact="true" style={{ ...root, gap: 6 }}>
        {banner}
        {model.path.length > 0 && (
          <div data-testid="path-crumbs" style={{ fontSize: clamp(verdictSize * 0.42, 12, 22), color: p.text }}>
            <span style={{ color: p.lit, fontWeight: 700 }}>{model.path.join(' → ')}</span>
            {leaf && <span>: {leaf.label}</span>}
          </div>
        )}
        <div style={{ fontSize: clamp(verdictSize * 0.38, 12, 20), color: p.muted }}>
          502 <b style={{ color: p.tone[rate502Tone(model.stats.rate502, t)] }}>{pct(model.stats.rate502)}</b>
          {' · '}P95 <b>{seconds(model.stats.p95S)}</b>
          {model.stats.readTimeoutS ? ` of ${seconds(model.stats.readTimeoutS)}` : ''}
          {' · '}reused <b>{pct(model.stats.reuseShare)}</b>
        </div>
        {show('rate_502') && height >= 200 && chart502(inner, clamp(height - verdictSize * 4.2 - 60, 50, 160), undefined, false)}
      </div>
    );
  }

  const twoCols = inner >= 900 && show('flowchart');
  // The flowchart takes what it needs to reach its largest scale, and never more than 46 % of the width.
  const fcNatural = layoutFlowchart([], [], options.orientation);
  const fcChrome = 26;
  const fcWidth = twoCols ? Math.min(Math.round(inner * 0.46), Math.ceil(fcNatural.width * FLOW_MAX_SCALE) + fcChrome) : inner;
  const sideWidth = twoCols ? inner - fcWidth - GAP : inner;
  // Room under the banner for the drawing, so a wall screen shows it whole (card heading and legend aside).
  const qualified = model.verdict?.status === 'collecting' || model.verdict?.status === 'unexplained';
  const bannerH = verdictSize * (qualified ? 3.35 : 2.7) + (props.drill?.window || props.drill?.upstream ? type.body * 2 : 0);
  const fcMaxHeight = Math.max(360, height - 2 * PAD - bannerH - GAP - (type.heading + type.small * 2.6 + 34));
  const chartCols = inner >= 1100 ? 3 : inner >= 560 ? 2 : 1;
  const chartW = Math.floor((inner - GAP * (chartCols - 1)) / chartCols);
  const chartH = clamp(type.body * 11, 150, 210);
  const rt = model.series.readTimeoutS;

  const flowchart = show('flowchart') && (
    <section style={{ ...card(p), width: fcWidth, flex: 'none' }}>
      <h3 style={heading(p, type.heading)}>Diagnostic flowchart</h3>
      <Flowchart
        path={model.path}
        scores={scores}
        orientation={options.orientation}
        palette={p}
        tone={tone}
        width={fcWidth - fcChrome}
        maxHeight={twoCols ? fcMaxHeight : undefined}
        maxScale={FLOW_MAX_SCALE}
      />
      <Legend p={p} type={type} />
    </section>
  );
  const stats = <StatStrip stats={model.stats} thresholds={t} palette={p} width={sideWidth} type={type} />;
  const evidence = <Evidence model={model} palette={p} links={props.links ?? []} width={sideWidth} type={type} />;
  // Beside the flowchart the 502 trend is the second thing a wall shows: about a fifth of the screen tall.
  const trend = show('rate_502') && chart502(sideWidth, twoCols ? clamp(height * 0.22, 160, 280) : chartH, type, true);

  return (
    <div data-testid="doctor-view" data-state="ready" data-compact="false" data-layout={twoCols ? 'wide' : 'column'} style={root}>
      {banner}
      <DrillBar {...props} fmt={fmt} type={type} />
      {twoCols ? (
        <div style={{ display: 'flex', gap: GAP, alignItems: 'flex-start' }}>
          {flowchart}
          <div style={{ display: 'flex', flexDirection: 'column', gap: GAP, width: sideWidth, minWidth: 0 }}>
            {trend}
            {stats}
            {evidence}
          </div>
        </div>
      ) : (
        <>
          {stats}
          {trend}
          {flowchart}
          {evidence}
        </>
      )}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: GAP }}>
        {show('writing_share') && (
          <TimeChart
            title="Writing share of active connections"
            testId="chart-writing"
            lines={model.series.writingShare}
            width={chartW}
            height={chartH}
            palette={p}
            type={type}
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
            type={type}
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
        {show('connect') && <ConnectChart dist={model.series.connect} width={chartW} height={chartH - 20} palette={p} type={type} />}
      </div>
      {show('upstreams') && (
        <UpstreamTable
          rows={model.series.upstreams}
          selected={props.drill?.upstream ?? model.upstream}
          palette={p}
          thresholds={t}
          onSelect={props.onSelectUpstream}
          type={type}
        />
      )}
      {show('examples') && <Examples model={model} palette={p} formatTime={fmt} type={type} />}
      <Notices notices={model.notices} p={p} type={type} />
    </div>
  );
}

function DrillBar(props: DoctorViewProps & { fmt: (ms: number) => string; type: TypeScale }) {
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
      style={{ display: 'flex', alignItems: 'center', gap: 10, flexWrap: 'wrap', fontSize: props.type.body, color: p.text }}
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

function Legend({ p, type }: { p: Palette; type: TypeScale }) {
  const sw = (style: Record<string, string | number>) => (
    <span style={{ display: 'inline-block', width: 16, height: 9, marginRight: 4, verticalAlign: 'middle', ...style }} />
  );
  return (
    <div style={{ ...muted(p, type.small), display: 'flex', flexWrap: 'wrap', gap: '2px 12px', marginTop: 4 }}>
      <span>{sw({ background: p.litFill, border: `2px solid ${p.lit}` })}path taken</span>
      <span>{sw({ border: `1px solid ${p.border}` })}seed flowchart</span>
      <span>{sw({ border: `1px dashed ${p.border}` })}extension</span>
      <span>{sw({ border: `2px dashed ${p.tone.warn}` })}also scored</span>
    </div>
  );
}

function Notices({ notices, p, type }: { notices: string[]; p: Palette; type: TypeScale }) {
  if (notices.length === 0) return null;
  return (
    <ul data-testid="notices" style={{ margin: 0, paddingLeft: 18, ...muted(p, type.small) }}>
      {notices.map((n, i) => (
        <li key={i}>{n}</li>
      ))}
    </ul>
  );
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.round(Math.min(hi, Math.max(lo, v)));
}
