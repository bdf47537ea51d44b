import { typeScale } from './typeScale';

describe('typeScale', () => {
  it('reads from 3 m on a 1920-wide wall: 18 px text, a verdict above 50 px', () => {
    const t = typeScale(1900);
    expect(t.body).toBeGreaterThanOrEqual(18);
    expect(t.heading).toBeGreaterThan(t.body);
    expect(t.verdict).toBeGreaterThanOrEqual(56);
  });

  it('keeps the dashboard sizes in an ordinary panel or tab', () => {
    expect(typeScale(900)).toEqual({ body: 13, small: 11.5, heading: 14.5, axis: 10, verdict: 28 });
  });

  it('grows with the width and stops growing', () => {
    const widths = [300, 800, 1200, 1600, 2000, 4000];
    const bodies = widths.map((w) => typeScale(w).body);
    expect([...bodies].sort((a, b) => a - b)).toEqual(bodies);
    expect(typeScale(4000)).toEqual(typeScale(8000));
  });
});
