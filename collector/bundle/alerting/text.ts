// Alert annotation texts as data: plain text plus a few holes (a label, the alert's value, the collector's
// live verdict, a cause's name or fix). One text renders three ways — a Prometheus template, a Grafana
// template, and the concrete string a promtool test expects — so the three cannot disagree.
import { CAUSES, type CauseId } from '../../diagnose/causes';

export type ValueFormat = 'percent' | 'fixed2';

export type Part =
  | { kind: 'text'; text: string }
  /** A label that is always there (the rule's aggregation keeps it). */
  | { kind: 'label'; name: string }
  /** A label that may be missing (host, cluster): rendered with its surroundings only when present. */
  | { kind: 'optLabel'; name: string; before: string; after: string }
  | { kind: 'value'; format: ValueFormat }
  /** The collector's current verdict for the alert's host and upstream (Prometheus only: it needs `query`). */
  | { kind: 'liveCause' }
  /** The name or first fix of the cause in the alert's `cause` label, for the causes the rule can carry. */
  | { kind: 'causeLabel'; causes: readonly CauseId[] }
  | { kind: 'causeFix'; causes: readonly CauseId[] };

export type Text = readonly Part[];

/** `t\`502s on ${label('upstream')}\`` builds a Text from a template literal whose holes are parts or texts. */
export function t(strings: TemplateStringsArray, ...holes: Array<Part | Text>): Text {
  const out: Part[] = [];
  strings.forEach((s, i) => {
    if (s) out.push({ kind: 'text', text: s });
    if (i < holes.length) {
      const h = holes[i];
      if (Array.isArray(h)) out.push(...(h as Text));
      else out.push(h as Part);
    }
  });
  return out;
}

export const label = (name: string): Part => ({ kind: 'label', name });
export const optLabel = (name: string, before: string, after = ''): Part => ({ kind: 'optLabel', name, before, after });
export const value = (format: ValueFormat): Part => ({ kind: 'value', format });
export const liveCause: Part = { kind: 'liveCause' };
export const causeLabel = (causes: readonly CauseId[]): Part => ({ kind: 'causeLabel', causes });
export const causeFix = (causes: readonly CauseId[]): Part => ({ kind: 'causeFix', causes });
export const plain = (text: string): Part => ({ kind: 'text', text });

/** The verdict lookup runs this query in the alert template; its metric name is checked like any other. */
export const LIVE_CAUSE_QUERY = 'upstream_doctor_likely_cause{host=%q,upstream=%q,cause!="healthy"} == 1';
const LIVE_CAUSE_SENTENCE = ' The collector names the cause: ';

function causeChain(causes: readonly CauseId[], pick: (id: CauseId) => string, labelRef: string): string {
  let out = '';
  causes.forEach((id, i) => {
    out += `{{ ${i === 0 ? 'if' : 'else if'} eq ${labelRef} "${id}" }}${pick(id)}`;
  });
  return `${out}{{ else }}{{ ${labelRef} }}{{ end }}`;
}

function goTemplate(text: Text, valueOf: (f: ValueFormat) => string, live: boolean): string {
  return text
    .map((p) => {
      switch (p.kind) {
        case 'text':
          if (p.text.includes('{{')) throw new Error(`alert text may not contain "{{": ${p.text}`);
          return p.text;
        case 'label':
          return `{{ .Labels.${p.name} }}`;
        case 'optLabel':
          return `{{ with .Labels.${p.name} }}${p.before}{{ . }}${p.after}{{ end }}`;
        case 'value':
          return valueOf(p.format);
        case 'liveCause':
          // `query` exists in Prometheus templates only; Grafana readers get the verdict on the dashboard.
          return live
            ? `{{ with printf \`${LIVE_CAUSE_QUERY}\` .Labels.host .Labels.upstream | query }}{{ range . }}${LIVE_CAUSE_SENTENCE}{{ .Labels.cause }}.{{ end }}{{ end }}`
            : '';
        case 'causeLabel':
          return causeChain(p.causes, (id) => CAUSES[id].label, '.Labels.cause');
        case 'causeFix':
          return causeChain(p.causes, (id) => CAUSES[id].fix[0], '.Labels.cause');
      }
    })
    .join('');
}

/** Prometheus alerting-rule template (`.Value` is the sample). */
export function toPrometheus(text: Text): string {
  return goTemplate(text, (f) => (f === 'percent' ? '{{ .Value | humanizePercentage }}' : '{{ printf "%.2f" .Value }}'), true);
}

/**
 * Grafana-managed rule template: the value is the query's (refId A). Grafana expands environment
 * variables in provisioned annotations, so a `$` would be eaten; the texts must not carry one.
 */
export function toGrafana(text: Text, refId = 'A'): string {
  const out = goTemplate(
    text,
    (f) => (f === 'percent' ? `{{ humanizePercentage .Values.${refId}.Value }}` : `{{ printf "%.2f" .Values.${refId}.Value }}`),
    false,
  );
  if (out.includes('$')) throw new Error(`a Grafana annotation may not contain "$" (provisioning expands it): ${out}`);
  return out;
}

export interface RenderContext {
  labels: Record<string, string>;
  value: number;
  /** What the live verdict lookup finds (undefined: no non-healthy verdict). */
  liveCause?: string;
}

/** The string Prometheus renders for `text` with these labels and value, for promtool's expectations. */
export function renderExpected(text: Text, ctx: RenderContext): string {
  return text
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text;
        case 'label':
          return ctx.labels[p.name] ?? '';
        case 'optLabel':
          return ctx.labels[p.name] ? `${p.before}${ctx.labels[p.name]}${p.after}` : '';
        case 'value':
          return p.format === 'percent' ? `${goG4(ctx.value * 100)}%` : ctx.value.toFixed(2);
        case 'liveCause':
          return ctx.liveCause ? `${LIVE_CAUSE_SENTENCE}${ctx.liveCause}.` : '';
        case 'causeLabel':
        case 'causeFix': {
          const id = ctx.labels.cause as CauseId;
          if (!p.causes.includes(id)) return ctx.labels.cause ?? '';
          return p.kind === 'causeLabel' ? CAUSES[id].label : CAUSES[id].fix[0];
        }
      }
    })
    .join('');
}

/** Go's `%.4g` for the plain-notation range the tests use (it switches to exponents outside it). */
export function goG4(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(4)))));
  if (exp < -4 || exp >= 4) throw new Error(`goG4: ${x} would print in exponent form; pick a test value in plain range`);
  return String(Number(x.toPrecision(4)));
}

/** Markdown for docs: holes become their meaning in italics. */
export function renderDoc(text: Text): string {
  return text
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text;
        case 'label':
          return `*${p.name}*`;
        case 'optLabel':
          return `${p.before}*${p.name}*${p.after}`;
        case 'value':
          return '*value*';
        case 'liveCause':
          return ' *(Prometheus adds the collector’s current verdict here.)*';
        case 'causeLabel':
          return '*the cause’s name*';
        case 'causeFix':
          return '*the first fix of the cause (see Causes below)*';
      }
    })
    .join('');
}
