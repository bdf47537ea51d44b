import { gridValues, niceMax } from './TimeChart';

describe('chart scale', () => {
  it('tops the axis at 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.013, 0.18, 0.22, 0.3, 0.7, 7].map(niceMax)).toEqual([0.02, 0.2, 0.25, 0.5, 1, 10]);
  });

  it('draws its middle line at a round value', () => {
    expect(gridValues(0.25)).toEqual([0, 0.1, 0.25]);
    expect(gridValues(1)).toEqual([0, 0.5, 1]);
    expect(gridValues(0.02)).toEqual([0, 0.01, 0.02]);
  });
});
