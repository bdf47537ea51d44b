// The terminal report: the verdict first, large enough to read at a glance, then why, then what to do.
import { nodeById, answersOnPath } from '../diagnose/tree';
import type { Diagnosis } from './diagnosis';
import { headline } from './headline';

export interface TextOptions {
  color: boolean;
}

export function renderText(d: Diagnosis, opts: TextOptions): string {
  const c = painter(opts.color);
  const top = d.causes[0];
  const out: string[] = [];
  const h = headline(d);
  const verdictColor = h.healthy ? c.green : c.red;
  const candidate = `${top.label}  ${c.dim(`(${d.likely_cause}, score ${top.score.toFixed(2)})`)}`;
  out.push(c.bold('Upstream Doctor'));
  if (h.candidate || d.status === 'collecting' || d.status === 'unexplained') {
    out.push(`  Verdict    ${d.status === 'collecting' ? c.bold(h.title) : verdictColor(c.bold(h.title))}`);
    if (h.candidate) out.push(`  ${h.candidate.role.padEnd(10)} ${candidate}`);
  } else {
    out.push(`  Verdict    ${verdictColor(c.bold(h.title))}  ${c.dim(`(${d.likely_cause}, score ${top.score.toFixed(2)})`)}`);
  }
  if (d.upstream) out.push(`  Upstream   ${clean(d.upstream)}`);
  if (d.incident) out.push(`  Since      ${d.incident.since} (${d.incident.failures} failures in this incident)`);
  if (d.window.from) out.push(`  Window     ${d.window.from} → ${d.window.to}`);
  out.push('');

  out.push(c.bold('Flowchart'));
  const answers = answersOnPath(d.flowchart_path);
  d.flowchart_path.forEach((id, i) => {
    const node = nodeById(id);
    const answer = answers[id] ? c.dim(` ${answers[id]}`) : '';
    out.push(`  ${i === 0 ? ' ' : '→'} ${c.bold(id)} ${node?.label ?? ''}${answer}`);
  });
  out.push('');

  out.push(c.bold('Evidence'));
  for (const e of top.evidence) out.push(`  • ${clean(e)}`);
  out.push('');
  out.push(c.bold('Fix to try'));
  top.fix.forEach((f, i) => out.push(`  ${i + 1}. ${f}`));
  out.push('');

  // Best first; each line shows the first piece of evidence not printed above it, so causes that share a
  // headline (the three pooled-connection causes do) still say what sets them apart.
  const others = d.causes
    .slice(1)
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  if (others.length) {
    const shown = new Set(top.evidence);
    out.push(c.bold('Also considered'));
    for (const o of others) {
      const fresh = o.evidence.find((e) => !shown.has(e));
      if (fresh) shown.add(fresh);
      out.push(`  ${o.score.toFixed(2)}  ${o.id.padEnd(24)} ${fresh ? clean(fresh) : c.dim(o.label)}`);
    }
    out.push('');
  }

  const s = d.series;
  out.push(c.bold('Series') + c.dim(`  ${s.from} → ${s.to}, ${s.window_s} s windows`));
  out.push(
    `  ${s.requests} requests · 502 ${pctText(s.rate_502)} · 5xx ${pctText(s.rate_5xx)} · ` +
      `P95 upstream ${secsText(s.p95_upstream_response_s)}` +
      (s.proxy_read_timeout_s !== null
        ? ` of proxy_read_timeout ${s.proxy_read_timeout_s} s (${pctText(s.p95_read_timeout_ratio)})`
        : '') +
      ` · reused connections ${pctText(s.connect_reuse_share)}`,
  );
  if (s.upstreams.length) {
    out.push(c.dim(`  ${'upstream'.padEnd(28)} ${'requests'.padStart(8)} ${'502'.padStart(7)} ${'P95'.padStart(8)} ${'reuse'.padStart(6)}  verdict`));
    for (const u of s.upstreams) {
      out.push(
        `  ${clean(u.upstream).padEnd(28)} ${String(u.requests).padStart(8)} ${pctText(u.rate_502).padStart(7)} ` +
          `${secsText(u.p95_upstream_response_s).padStart(8)} ${pctText(u.connect_reuse_share).padStart(6)}  ${u.likely_cause}`,
      );
    }
  }
  if (d.examples.requests.length || d.examples.errors.length) {
    out.push('');
    out.push(c.bold('Examples'));
    const requests = d.examples.requests.map(
      (r) =>
        `  ${new Date(r.time).toISOString()} ${clean(r.request)} → ${r.status} ` +
        c.dim(`(attempt ${r.attemptStatus}, connect ${num(r.connect)}, idle before ${num(r.gap)} s)`),
    );
    const errors = d.examples.errors.map(
      (e) => `  ${new Date(e.time).toISOString()} ${clean(e.message)}` + (e.request ? c.dim(` (${clean(e.request)})`) : ''),
    );
    for (const line of collapse(requests).slice(0, 5)) out.push(line);
    for (const line of collapse(errors).slice(0, 5)) out.push(line);
  }
  out.push('');
  out.push(c.dim(`Lines read: ${Object.entries(d.lines).map(([k, v]) => `${k} ${v}`).join(', ')}; parse errors: ${d.parse_errors}`));
  return out.join('\n') + '\n';
}

/** Identical rows once each, with how many there were (requests that failed together look alike). */
function collapse(rows: string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r));
}

/** Log text can hold terminal escape sequences; show control characters as \xNN instead of obeying them. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function pctText(x: number | null): string {
  if (x === null) return '–';
  const p = x * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)} %`;
}

function secsText(x: number | null): string {
  return x === null ? '–' : x >= 1 ? `${x.toFixed(2)} s` : `${Math.round(x * 1000)} ms`;
}

function num(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : '-';
}

function painter(on: boolean) {
  const wrap = (open: string) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[0m` : s);
  return { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), green: wrap('32') };
}
