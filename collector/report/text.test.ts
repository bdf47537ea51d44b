// The terminal report on real recordings: ranked alternatives, no sentence said twice, no row twice.
import { sampleSources } from '../../src/testing/samples';
import { buildDiagnosis } from './diagnosis';
import { renderText } from './text';

async function report(sample: string) {
  const d = buildDiagnosis(await sampleSources(sample));
  return { d, text: renderText(d, { color: false }) };
}

function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const from = lines.indexOf(title);
  if (from < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(from + 1)) {
    if (!l.startsWith('  ')) break;
    out.push(l);
  }
  return out;
}

describe('the terminal report', () => {
  it.each(['backend_crash', 'keepalive_reuse_closed', 'middlebox_idle_timeout', 'oom_kill'])(
    '%s: lists the other causes best first, each with evidence not printed above it',
    async (sample) => {
      const { d, text } = await report(sample);
      const rows = section(text, 'Also considered');
      const scores = rows.map((r) => Number(r.trim().split(/\s+/)[0]));
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const said = [...section(text, 'Evidence').map((l) => l.replace(/^ {2}• /, '')), ...rows.map((r) => r.replace(/^\s+\S+\s+\S+\s+/, ''))];
      expect(new Set(said).size).toBe(said.length);
      expect(d.causes[0].id).toBe(sample);
    },
  );

  it('prints identical example rows once, with their count', async () => {
    const { text } = await report('backend_crash');
    const rows = section(text, 'Examples');
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.some((r) => / ×\d+$/.test(r))).toBe(true);
  });

  it('never prints "0 of 0"', async () => {
    for (const s of ['backend_crash', 'healthy', 'client_abort', 'upstream_unreachable', 'keepalive_idle_race']) {
      expect((await report(s)).text).not.toMatch(/\b0 of 0\b/);
    }
  });
});
