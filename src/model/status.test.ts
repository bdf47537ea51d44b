import { DEFAULT_THRESHOLDS } from '../options';
import { p95Tone, rate502Tone, thresholdTone, verdictTone, writingTone } from './status';
import type { Verdict } from './types';

const v = (over: Partial<Verdict>): Verdict => ({
  cause: 'backend_crash',
  label: '',
  headline: '',
  score: 1,
  upstream: null,
  evidence: [],
  fix: [],
  window: null,
  status: 'named',
  failures: null,
  incident: null,
  ...over,
});

describe('tones', () => {
  it('gives a verdict its tone: failure, warning for clients and the unexplained, ok for healthy', () => {
    expect(verdictTone(v({}))).toBe('bad');
    expect(verdictTone(v({ cause: 'client_abort' }))).toBe('warn');
    expect(verdictTone(v({ cause: 'healthy', status: 'healthy' }))).toBe('ok');
    expect(verdictTone(v({ cause: 'healthy', status: 'unexplained' }))).toBe('warn');
    // Still weighing a few failures: a look, not an alarm, and never green.
    expect(verdictTone(v({ cause: 'healthy', status: 'collecting' }))).toBe('warn');
    expect(verdictTone(v({ cause: 'keepalive_idle_race', status: 'collecting' }))).toBe('warn');
    expect(verdictTone(null)).toBe('unknown');
  });

  it('502 rate is a failure only above its threshold (the seed: warn > 1 %)', () => {
    expect(rate502Tone(0.01, DEFAULT_THRESHOLDS)).toBe('ok');
    expect(rate502Tone(0.0101, DEFAULT_THRESHOLDS)).toBe('bad');
    expect(rate502Tone(null, DEFAULT_THRESHOLDS)).toBe('unknown');
  });

  it('P95 warns above 80 % of proxy_read_timeout and fails at the limit', () => {
    expect(p95Tone(7.9, 10, DEFAULT_THRESHOLDS)).toBe('ok');
    expect(p95Tone(8.1, 10, DEFAULT_THRESHOLDS)).toBe('warn');
    expect(p95Tone(10, 10, DEFAULT_THRESHOLDS)).toBe('bad');
    expect(p95Tone(3, null, DEFAULT_THRESHOLDS)).toBe('unknown');
  });

  it('Writing share warns above 90 %', () => {
    expect(writingTone(0.9, DEFAULT_THRESHOLDS)).toBe('ok');
    expect(writingTone(0.91, DEFAULT_THRESHOLDS)).toBe('warn');
    expect(thresholdTone(NaN, 1)).toBe('unknown');
  });
});
