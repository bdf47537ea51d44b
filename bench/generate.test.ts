import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPSTREAM_DOCTOR_FORMAT } from '../collector/parse/access/namedFormats';
import { accessLogLines, emptySummary, writeAccessLog, type GenerateSummary } from './generate';

// The line shape is checked against a regex built here from the format string, independently of the
// generator's own template code.
function formatRegex(format: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  let src = '^';
  let last = 0;
  const vars = /\$([a-z_]+)/g;
  for (let m = vars.exec(format); m; m = vars.exec(format)) {
    src += format.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '(.*?)';
    names.push(m[1]);
    last = m.index + m[0].length;
  }
  src += format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$';
  return { re: new RegExp(src), names };
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
function timeLocalToEpochSec(s: string): number {
  const m = /^(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(s);
  if (!m) return NaN;
  const local = Date.UTC(+m[3], MONTHS.indexOf(m[2]) / 3, +m[1], +m[4], +m[5], +m[6]) / 1000;
  const offset = (m[7] === '-' ? -1 : 1) * (+m[8] * 60 + +m[9]) * 60;
  return local - offset;
}

const UPSTREAM_FIELDS = [
  'upstream_addr',
  'upstream_status',
  'upstream_connect_time',
  'upstream_header_time',
  'upstream_response_time',
  'upstream_bytes_received',
];

function generate(lines: number, seed: number): { out: string[]; summary: GenerateSummary } {
  const summary = emptySummary();
  return { out: [...accessLogLines({ lines, seed }, summary)], summary };
}

describe('accessLogLines', () => {
  const N = 20_000;
  const { out, summary } = generate(N, 7);
  const { re, names } = formatRegex(UPSTREAM_DOCTOR_FORMAT);
  const rows = out.map((line) => {
    const m = re.exec(line);
    return m ? Object.fromEntries(names.map((n, i) => [n, m[i + 1]])) : null;
  });

  it('writes every line in the format, with times that agree and never go back', () => {
    expect(out).toHaveLength(N);
    expect(rows.filter((r) => r === null)).toHaveLength(0);
    // Problems are collected rather than asserted per line: 20k lines x several expects is slow in jest.
    const problems: string[] = [];
    let prev = -Infinity;
    for (const r of rows as Record<string, string>[]) {
      const msec = Math.round(Number(r.msec) * 1000);
      if (!/^[1-5]\d\d$/.test(r.status)) problems.push('status ' + r.status);
      if (!/^\d+$/.test(r.body_bytes_sent)) problems.push('body_bytes_sent ' + r.body_bytes_sent);
      if (!/^\d+\.\d{3}$/.test(r.request_time)) problems.push('request_time ' + r.request_time);
      if (!/^\d+\.\d{3}$/.test(r.msec)) problems.push('msec ' + r.msec);
      if (timeLocalToEpochSec(r.time_local) !== Math.floor(msec / 1000)) problems.push(r.time_local + ' vs ' + r.msec);
      if (msec < prev) problems.push('time went back at ' + r.msec);
      prev = msec;
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // About an hour per million lines.
    expect((summary.lastMs - summary.firstMs) / N).toBeGreaterThan(3.0);
    expect((summary.lastMs - summary.firstMs) / N).toBeLessThan(4.2);
  });

  it('keeps the multi-value upstream fields aligned and counts them as the summary says', () => {
    let attempts = 0;
    let reused = 0;
    let retried = 0;
    let redirected = 0;
    let noUpstream = 0;
    const addrs = new Set<string>();
    const byStatus: Record<string, number> = {};
    const problems: string[] = [];
    for (const r of rows as Record<string, string>[]) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      if (UPSTREAM_FIELDS.every((f) => r[f] === '-')) {
        noUpstream++;
        continue;
      }
      const seps = UPSTREAM_FIELDS.map((f) => (r[f].match(/, | : /g) ?? []).join('|'));
      const tries = r.upstream_addr.split(/, | : /);
      const connects = r.upstream_connect_time.split(/, | : /);
      if (new Set(seps).size !== 1) problems.push('separators differ: ' + r.upstream_addr);
      if (!tries.every((a) => /^\d+\.\d+\.\d+\.\d+:\d+$/.test(a))) problems.push('addr ' + r.upstream_addr);
      if (!connects.every((c) => /^\d+\.\d{3}$/.test(c))) problems.push('connect ' + r.upstream_connect_time);
      tries.forEach((a) => addrs.add(a));
      attempts += tries.length;
      reused += connects.filter((c) => c === '0.000').length;
      if (r.upstream_addr.includes(', ')) retried++;
      if (r.upstream_addr.includes(' : ')) redirected++;
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect({ attempts, reused, retried, redirected, noUpstream, byStatus }).toEqual({
      attempts: summary.attempts,
      reused: summary.reusedAttempts,
      retried: summary.retried,
      redirected: summary.redirected,
      noUpstream: summary.noUpstream,
      byStatus: summary.byStatus,
    });
    expect(addrs.size).toBe(5);
    expect(reused / attempts).toBeGreaterThan(0.75);
    expect(reused / attempts).toBeLessThan(0.85);
    expect(retried / N).toBeGreaterThan(0.005);
    expect(redirected).toBeGreaterThan(0);
    expect(out.some((l) => l.includes('upstream_status="502, 502, 200"'))).toBe(true);
    for (const s of ['200', '404', '499', '502', '504']) expect(byStatus[s]).toBeGreaterThan(0);
    expect(byStatus['200'] / N).toBeGreaterThan(0.75);
  });

  it('gives the same lines for the same seed and different lines for another', () => {
    expect(generate(2000, 7).out).toEqual(out.slice(0, 2000));
    const other = generate(2000, 8).out;
    expect(other.filter((l, i) => l === out[i]).length).toBeLessThan(10);
  });
});

describe('writeAccessLog', () => {
  it('streams exactly the generated lines to the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-gen-test-'));
    try {
      const file = join(dir, 'access.log');
      // Enough lines to cross the 1 MiB write chunk a few times.
      const summary = writeAccessLog(file, { lines: 12_000, seed: 3 });
      const text = readFileSync(file, 'utf8');
      expect(text).toBe(generate(12_000, 3).out.join('\n') + '\n');
      expect(summary.bytes).toBe(Buffer.byteLength(text));
      expect(summary.lines).toBe(12_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
