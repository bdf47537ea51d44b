// The health.d file: the committed copy is the generator's output, every alarm reads dimensions its
// chart has, thresholds come from thresholds.ts, and the cause alarms pick the cause the diagnosis names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CAUSES, CAUSE_IDS, type CauseId } from '../diagnose/causes';
import { NAMING_THRESHOLD } from '../diagnose/engine';
import { THRESHOLDS } from '../diagnose/thresholds';
import { chartContext } from '../netdata/charts';
import { ALARMED_CAUSES, HEALTH_DEFAULTS, alarms, healthConfig, infoText } from './netdataHealth';

const COMMITTED = join(__dirname, '..', '..', 'netdata', 'health.d', 'upstream_doctor.conf');

/** Evaluates the `a op b AND …` conditions the generator writes, with `$name` from `vars`. */
function holds(condition: string, vars: Record<string, number>): boolean {
  return condition.split(' AND ').every((part) => {
    const m = /^(\S+) (>=|>|<=|<) (\S+)$/.exec(part);
    if (!m) throw new Error(`cannot read "${part}"`);
    const val = (t: string) => (t.startsWith('$') ? vars[t.slice(1)] : Number(t));
    const [a, b] = [val(m[1]), val(m[3])];
    if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b)) throw new Error(`unknown operand in "${part}"`);
    return { '>=': a >= b, '>': a > b, '<=': a <= b, '<': a < b }[m[2] as '>=']!;
  });
}

describe('health.d/upstream_doctor.conf', () => {
  it('is what the generator writes (regenerate: node build/collector/bundle/netdataHealth.js > netdata/health.d/upstream_doctor.conf)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(healthConfig());
  });

  it('has one template per alarm, each with the lines Netdata 1.37 reads', () => {
    const text = healthConfig();
    const blocks = text.trimEnd().split('\n\n').slice(1);
    expect(blocks).toHaveLength(alarms().length);
    for (const b of blocks) {
      const keys = b.split('\n').map((l) => l.split(':')[0].trim());
      expect(keys[0]).toBe('template');
      expect(keys).toEqual(expect.arrayContaining(['on', 'every', 'info', 'to']));
      expect(keys.filter((k) => k === 'warn' || k === 'crit')).toHaveLength(1);
      for (const l of b.split('\n')) expect(l).toMatch(/^ *[a-z]+: \S/);
    }
    expect(new Set(alarms().map((a) => a.name)).size).toBe(alarms().length);
  });

  it('reads only dimensions the alarm’s chart has', () => {
    for (const a of alarms()) {
      const dims = new Set(a.chart.dims.map((d) => d.id));
      const used = [a.lookup, a.calc, a.condition]
        .filter((s): s is string => Boolean(s))
        .flatMap((s) => [...s.matchAll(/\$([a-z0-9_]+)/g)].map((m) => m[1]).concat([...s.matchAll(/ of (\S+)/g)].map((m) => m[1])))
        .filter((v) => v !== 'this');
      expect(used.length).toBeGreaterThan(0);
      for (const v of used) expect({ alarm: a.name, dim: v, ok: dims.has(v) }).toEqual({ alarm: a.name, dim: v, ok: true });
      expect(healthConfig()).toContain(`on: ${chartContext(a.chart)}`);
    }
  });

  it('takes its thresholds and windows from thresholds.ts', () => {
    const byName = new Map(alarms().map((a) => [a.name, a]));
    expect(byName.get('upstream_doctor_502_rate')!.condition).toContain(`$this > ${THRESHOLDS.rate502 * 100} `);
    expect(byName.get('upstream_doctor_502_rate')!.lookup).toBe(`min -${THRESHOLDS.sustainedFor} unaligned of rate_502`);
    expect(byName.get('upstream_doctor_p95_read_timeout')!.condition).toBe(`$this > ${THRESHOLDS.p95ReadTimeoutRatio * 100}`);
    expect(byName.get('upstream_doctor_writing_share')!.condition).toContain(`$this > ${THRESHOLDS.writingShare * 100} `);
    expect(byName.get('upstream_doctor_resets')!.condition).toBe(`$this > ${THRESHOLDS.resetsPerSecond}`);
    expect(HEALTH_DEFAULTS.sustained).toBe(THRESHOLDS.sustainedFor);
    const short = alarms({ ...HEALTH_DEFAULTS, sustained: '10s' });
    expect(short.find((a) => a.name === 'upstream_doctor_502_rate')!.lookup).toBe('min -10s unaligned of rate_502');
  });

  it('names the likely cause and its fix in each cause alarm', () => {
    for (const id of ALARMED_CAUSES) {
      const a = alarms().find((x) => x.name === `upstream_doctor_cause_${id}`)!;
      expect(infoText(a.info)).toContain(infoText(CAUSES[id].label));
      expect(infoText(a.info)).toContain(infoText(CAUSES[id].fix[0]));
    }
    expect(alarms().find((a) => a.name === 'upstream_doctor_cause_upstream_unreachable')!.severity).toBe('crit');
    expect(alarms().find((a) => a.name === 'upstream_doctor_cause_keepalive_idle_race')!.severity).toBe('warn');
  });

  it('raises exactly the alarm of the cause the diagnosis names, ties by vocabulary order', () => {
    const failureCauses = CAUSE_IDS.filter((id) => id !== 'healthy');
    const causeAlarms = alarms().filter((a) => a.name.startsWith('upstream_doctor_cause_'));
    const scoreArb = fc.oneof(fc.constantFrom(0, 0.5, 0.7, 0.9, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(scoreArb, { minLength: failureCauses.length, maxLength: failureCauses.length }), (scores) => {
        const vars: Record<string, number> = { healthy: 0.2 };
        failureCauses.forEach((id, i) => (vars[id] = scores[i]));
        const ranked = [...failureCauses].sort((a, b) => vars[b] - vars[a] || CAUSE_IDS.indexOf(a) - CAUSE_IDS.indexOf(b));
        const named: CauseId | null = vars[ranked[0]] >= NAMING_THRESHOLD ? ranked[0] : null;
        const raised = causeAlarms.filter((a) => holds(a.condition, { ...vars, this: vars[a.name.replace('upstream_doctor_cause_', '')] }));
        const want = named && ALARMED_CAUSES.includes(named) ? [`upstream_doctor_cause_${named}`] : [];
        expect(raised.map((a) => a.name)).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('writes info texts Netdata keeps as written: one line, no straight quotes', () => {
    expect(infoText(`it's "quoted"\n and 'more'`)).toBe('it’s “quoted” and ’more’');
    for (const line of healthConfig().split('\n').filter((l) => l.trimStart().startsWith('info:'))) {
      expect(line).not.toMatch(/['"]/);
    }
  });
});
