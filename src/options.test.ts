import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';
import { addDoctorOptions, DEFAULT_OPTIONS, isCompact, normalizeOptions, SECTIONS, type DoctorOptions } from './options';

describe('normalizeOptions', () => {
  it('fills a panel saved with no options with the defaults', () => {
    expect(normalizeOptions(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(normalizeOptions({})).toEqual(DEFAULT_OPTIONS);
  });

  it('keeps valid choices', () => {
    const o = normalizeOptions({
      sections: ['flowchart', 'rate_502'],
      thresholds: { rate502: 0.05, p95Share: 0.7, writingShare: 0.95 },
      orientation: 'horizontal',
      compact: 'on',
      apiUrl: ' http://c:9464 ',
    });
    expect(o.sections).toEqual(['flowchart', 'rate_502']);
    expect(o.thresholds).toEqual({ rate502: 0.05, p95Share: 0.7, writingShare: 0.95 });
    expect(o.orientation).toBe('horizontal');
    expect(o.compact).toBe('on');
    expect(o.apiUrl).toBe('http://c:9464');
  });

  it('replaces values that cannot be used instead of drawing nonsense', () => {
    const o = normalizeOptions({
      sections: ['flowchart', 'nonsense'] as never,
      thresholds: { rate502: 'abc', p95Share: 7, writingShare: -1 } as never,
      orientation: 'diagonal' as never,
      compact: 'maybe' as never,
      logsQuery: '   ',
    });
    expect(o.sections).toEqual(['flowchart']);
    expect(o.thresholds).toEqual(DEFAULT_OPTIONS.thresholds);
    expect(o.orientation).toBe('vertical');
    expect(o.compact).toBe('auto');
    expect(o.logsQuery).toBe(DEFAULT_OPTIONS.logsQuery);
  });

  it('reads a threshold typed as text in the JSON model', () => {
    expect(normalizeOptions({ thresholds: { rate502: '0.02' } as never }).thresholds.rate502).toBe(0.02);
  });
});

describe('compact mode', () => {
  it('auto switches on for small tiles only', () => {
    expect(isCompact('auto', 400, 600)).toBe(true);
    expect(isCompact('auto', 900, 200)).toBe(true);
    expect(isCompact('auto', 900, 600)).toBe(false);
    expect(isCompact('on', 2000, 2000)).toBe(true);
    expect(isCompact('off', 100, 100)).toBe(false);
  });
});

describe('the options editor', () => {
  // Grafana core registers the editor components at startup; outside Grafana the registry is empty, so
  // register the ids the builder looks up (the components themselves are Grafana's, not ours to test).
  beforeAll(() => {
    standardEditorsRegistry.setInit(() =>
      ['multi-select', 'radio', 'slider', 'text'].map((id) => ({ id, name: id, editor: () => null })),
    );
  });

  const items = () => {
    const b = new PanelOptionsEditorBuilder<DoctorOptions>();
    addDoctorOptions(b);
    return b.getItems();
  };

  it('offers every option the issue asks for: series, thresholds, orientation, compact mode', () => {
    expect(items().map((i) => i.path)).toEqual([
      'sections',
      'orientation',
      'compact',
      'thresholds.rate502',
      'thresholds.p95Share',
      'thresholds.writingShare',
      'apiUrl',
      'exploreDatasourceUid',
      'logsDatasourceUid',
      'logsQuery',
    ]);
  });

  it('has the same defaults as the model', () => {
    const defaults = Object.fromEntries(items().map((i) => [i.path, i.defaultValue]));
    expect(defaults.sections).toEqual([...SECTIONS]);
    expect(defaults.orientation).toBe(DEFAULT_OPTIONS.orientation);
    expect(defaults.compact).toBe(DEFAULT_OPTIONS.compact);
    expect(defaults['thresholds.rate502']).toBe(0.01);
    expect(defaults['thresholds.p95Share']).toBe(0.8);
    expect(defaults['thresholds.writingShare']).toBe(0.9);
    expect(defaults.logsQuery).toBe(DEFAULT_OPTIONS.logsQuery);
  });

  it('shows the logs query only once a logs data source is set', () => {
    const q = items().find((i) => i.path === 'logsQuery')!;
    expect(q.showIf!({ ...DEFAULT_OPTIONS }, undefined)).toBe(false);
    expect(q.showIf!({ ...DEFAULT_OPTIONS, logsDatasourceUid: 'loki' }, undefined)).toBe(true);
  });
});
