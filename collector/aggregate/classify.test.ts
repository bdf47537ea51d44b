// One attempt, classified from its fields alone: the table every counter and label follows.
import type { Attempt } from '../parse/types';
import { classifyAttempt } from './classify';

const base: Attempt = { addr: '10.0.0.5:8080', status: 200, connect: 0.001, header: 0.01, response: 0.012, bytesReceived: 900, afterRedirect: false };
const ctx = { readTimeoutS: 10, minHeaderS: 0.01, pooling: 'yes' as const };
const classify = (a: Partial<Attempt>, index = 0) => classifyAttempt({ ...base, ...a }, index, ctx);

describe('classifyAttempt', () => {
  it.each([
    ['a fine new connection', {}, { fresh: true, reused: false, failed: false, kind: null }],
    ['a reused connection reset on contact', { connect: 0, status: 502, header: NaN, response: 0.002 }, { reused: true, failed: true, onContact: true, kind: 'dead_on_reuse' }],
    ['a new connection reset on contact', { status: 502, header: NaN, response: 0.002 }, { fresh: true, failed: true, kind: 'dead_on_new' }],
    ['a reset after more than a round trip', { connect: 0, status: 502, header: NaN, response: 0.4 }, { failed: true, onContact: false, kind: 'mid_request' }],
    ['a refusal (no connection)', { connect: NaN, status: 502, header: NaN, response: 0 }, { reused: false, fresh: false, kind: 'connect' }],
    ['a refusal that timed out', { connect: NaN, status: 504, header: NaN, response: 10 }, { kind: 'connect', nearReadTimeout: true }],
    ['a header timeout', { status: 504, header: NaN, response: 10 }, { kind: 'timeout' }],
    ['the app’s own 502 (a header came)', { status: 502, header: 0.01 }, { failed: false, kind: null }],
    ['a body stalled into the read timeout', { header: 0.01, response: 9.5 }, { failed: false, stalled: true, nearReadTimeout: true }],
  ])('%s', (_, a, want) => {
    expect(classify(a as Partial<Attempt>)).toMatchObject(want);
  });

  it('calls a second try a retry, and an attempt after an internal redirect not', () => {
    expect(classify({}, 1).retry).toBe(true);
    expect(classify({ afterRedirect: true }, 1).retry).toBe(false);
    expect(classify({}, 0).retry).toBe(false);
  });
});
