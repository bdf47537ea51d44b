// The NOC page rendered on the server, for when the panel bundle has not been built: the verdict, the
// flowchart path, the evidence and the four series as numbers. Every text that came from a log is escaped.
// Its one inline stylesheet is allowed by hash in the policy the server sends with it (pagePolicy.ts);
// the empty data: icon keeps the browser from asking for a /favicon.ico the collector does not have.
import { nodeById } from '../diagnose/tree';
import type { Diagnosis } from '../report/diagnosis';
import { headline } from '../report/headline';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderFallbackPage(d: Diagnosis): string {
  const top = d.causes[0];
  const h = headline(d);
  const e = escapeHtml;
  const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
  const s = d.series;
  const rows = s.upstreams
    .map((u) => `<tr><td>${e(u.upstream)}</td><td>${u.requests}</td><td>${pct(u.rate_502)}</td><td>${u.p95_upstream_response_s ?? '–'}</td><td>${pct(u.connect_reuse_share)}</td><td>${e(u.likely_cause)}</td></tr>`)
    .join('');
  const examples = [
    ...d.examples.requests.map((r) => `<li>${e(new Date(r.time).toISOString())} ${e(r.request)} → ${r.status}</li>`),
    ...d.examples.errors.map((x) => `<li>${e(new Date(x.time).toISOString())} ${e(x.message)} ${e(x.request)}</li>`),
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10"><link rel="icon" href="data:,">
<title>Upstream Doctor — ${e(h.title)}</title>
<style>body{font:16px system-ui,sans-serif;margin:2rem;background:#111217;color:#ccccdc}
h1{font-size:3rem;margin:0}.bad{color:#f2495c}.ok{color:#73bf69}td,th{padding:.2rem .8rem;text-align:left}</style>
</head><body>
<h1 class="${h.healthy ? 'ok' : 'bad'}">${e(h.title)}</h1>${h.candidate ? `<p>${e(h.candidate.role)}: ${e(h.candidate.label)}</p>` : ''}
<p>${e(d.upstream)} · score ${top.score.toFixed(2)} · ${e(d.window.from)} → ${e(d.window.to)}</p>
<p>${d.flowchart_path.map((id) => `${e(id)} ${e(nodeById(id)?.label ?? '')}`).join(' → ')}</p>
<h2>Evidence</h2><ul>${top.evidence.map((x) => `<li>${e(x)}</li>`).join('')}</ul>
<h2>Fix to try</h2><ol>${top.fix.map((x) => `<li>${e(x)}</li>`).join('')}</ol>
<h2>Series</h2><p>${s.requests} requests · 502 ${pct(s.rate_502)} · writing ${pct(s.writing_share)} · P95 ${s.p95_upstream_response_s ?? '–'} s of proxy_read_timeout ${s.proxy_read_timeout_s ?? '–'} s · reused ${pct(s.connect_reuse_share)}</p>
<table><tr><th>upstream</th><th>requests</th><th>502</th><th>P95 s</th><th>reuse</th><th>verdict</th></tr>${rows}</table>
<h2>Examples</h2><ul>${examples}</ul>
</body></html>`;
}
