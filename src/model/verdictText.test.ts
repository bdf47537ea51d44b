import { duration, utcClock, utcTime } from './format';
import type { Verdict } from './types';
import { verdictText } from './verdictText';

const f = { time: utcTime, clock: utcClock };
const at = (hh: number, mm: number) => Date.UTC(2026, 10, 20, hh, mm);
const v = (over: Partial<Verdict>): Verdict => ({
  cause: 'keepalive_idle_race',
  label: 'Keepalive idle-timeout race',
  status: 'named',
  headline: '',
  score: 0.93,
  upstream: '10.0.0.1:80',
  evidence: [],
  fix: [],
  window: { from: at(20, 10), to: at(20, 15) },
  failures: 12,
  incident: { since: at(19, 52), last: at(20, 15), failures: 40 },
  ...over,
});

describe('verdictText', () => {
  it('a named cause: its name, upstream, confidence, window, and since when', () => {
    expect(verdictText(v({}), f)).toEqual({
      kicker: 'LIKELY CAUSE',
      title: 'Keepalive idle-timeout race',
      qualifier: null,
      where: ['upstream 10.0.0.1:80', 'confidence 93 %', '20:10:00–20:15:00'],
      since: { at: '19:52 UTC', detail: 'for 23 min · 40 failures' },
    });
  });

  it('collecting: says so with the count, and the candidate only as "so far"', () => {
    const t = verdictText(v({ status: 'collecting', score: 0.31, failures: 3 }), f);
    expect(t.kicker).toBe('NO VERDICT YET');
    expect(t.title).toBe('Collecting evidence: 3 failures so far');
    expect(t.qualifier).toBe('So far most like Keepalive idle-timeout race (score 0.31) — not named yet');
    expect(t.where).toEqual(['upstream 10.0.0.1:80', '20:10:00–20:15:00']);
  });

  it('collecting without a candidate, and unexplained failures, never read as healthy', () => {
    const none = verdictText(v({ status: 'collecting', cause: 'healthy', label: 'No leading cause yet', failures: 1, upstream: null }), f);
    expect(none.title).toBe('Collecting evidence: 1 failure so far');
    expect(none.qualifier).toBe('No leading cause yet');
    const odd = verdictText(v({ status: 'unexplained', cause: 'healthy', label: 'Unexplained upstream failures', failures: 9 }), f);
    expect([odd.kicker, odd.title, odd.qualifier]).toEqual(['NEEDS A LOOK', 'Unexplained upstream failures', '9 failures that match no known pattern']);
    for (const t of [none, odd]) expect(JSON.stringify(t)).not.toMatch(/healthy/i);
  });

  it('healthy: the only status that says healthy, with no incident', () => {
    const t = verdictText(v({ status: 'healthy', cause: 'healthy', label: 'Healthy', incident: null }), f);
    expect([t.kicker, t.title, t.since]).toEqual(['HEALTHY', 'Healthy', null]);
  });

  it('no verdict at all', () => {
    expect(verdictText(null, f).title).toBe('No verdict yet');
  });
});

describe('since and for how long', () => {
  it('gives the clock in UTC, with the date when the incident began on another day', () => {
    expect(utcClock(at(19, 52), at(20, 15))).toBe('19:52 UTC');
    expect(utcClock(Date.UTC(2026, 10, 19, 23, 50), at(0, 10))).toBe('2026-11-19 23:50 UTC');
    expect(utcClock(NaN)).toBe('–');
  });

  it('says durations the way people do', () => {
    expect([40e3, 14 * 60e3, 125 * 60e3, 120 * 60e3, 76 * 3600e3, -1].map(duration)).toEqual(['40 s', '14 min', '2 h 5 min', '2 h', '3 d 4 h', '–']);
  });
});
