import { FieldType, toDataFrame } from '@grafana/data';
import { latestPerSeries, roleOfRefId, samplesByRole, seriesKey } from './frames';

describe('roles', () => {
  it.each([
    ['rate_502', 'rate_502'],
    ['Rate502', 'rate_502'],
    ['502', 'rate_502'],
    ['writing-share', 'writing_share'],
    ['P95', 'p95'],
    ['proxy_read_timeout', 'read_timeout'],
    ['likelyCause', 'likely_cause'],
    ['A', null],
    [undefined, null],
  ])('refId %s → %s', (refId, role) => {
    expect(roleOfRefId(refId)).toBe(role);
  });

  it('recognises a bare metric selector by __name__, whatever its refId', () => {
    const f = toDataFrame({
      refId: 'A',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1000] },
        { name: 'Value', type: FieldType.number, values: [1], labels: { __name__: 'upstream_doctor_likely_cause', upstream: 'u', cause: 'oom_kill' } },
      ],
    });
    expect([...samplesByRole([f]).keys()]).toEqual(['likely_cause']);
  });

  it('ignores frames that are none of its inputs', () => {
    const f = toDataFrame({ refId: 'B', fields: [{ name: 'Value', type: FieldType.number, values: [1], labels: { __name__: 'up' } }] });
    expect(samplesByRole([f]).size).toBe(0);
  });
});

describe('samples', () => {
  it('reads a table frame: label columns per row, no time column', () => {
    const f = toDataFrame({
      refId: 'cause_score',
      fields: [
        { name: 'upstream', type: FieldType.string, values: ['a', 'b'] },
        { name: 'cause', type: FieldType.string, values: ['oom_kill', 'healthy'] },
        { name: 'Value #cause_score', type: FieldType.number, values: [0.7, 0.3] },
      ],
    });
    const s = samplesByRole([f]).get('cause_score')!;
    expect(s.map((x) => [x.labels.upstream, x.labels.cause, x.v, x.t])).toEqual([
      ['a', 'oom_kill', 0.7, null],
      ['b', 'healthy', 0.3, null],
    ]);
  });

  it('keeps the newest sample of each series and drops NaN', () => {
    const f = toDataFrame({
      refId: 'p95',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 2, 3] },
        { name: 'Value', type: FieldType.number, values: [0.1, 0.2, NaN], labels: { upstream: 'a' } },
      ],
    });
    const latest = latestPerSeries(samplesByRole([f]).get('p95')!);
    expect(latest).toHaveLength(1);
    expect(latest[0].v).toBe(0.2);
  });

  it('keys series by their labels, in a stable order, without __name__', () => {
    expect(seriesKey({ b: '2', a: '1', __name__: 'x' })).toBe('a=1,b=2');
    expect(seriesKey({ le: '0', upstream: 'u' }, ['le'])).toBe('upstream=u');
  });
});
