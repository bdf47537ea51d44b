import fc from 'fast-check';
import { daysFromCivil, parseMsec, parseTimeIso, parseTimeLocal, type TzOut } from './time';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** What nginx writes for `$time_local` at epoch `ms` in a zone `offsetMin` east of UTC. */
function renderLocal(ms: number, offsetMin: number): string {
  const d = new Date(ms + offsetMin * 60_000);
  const abs = Math.abs(offsetMin);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ` +
    `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

/** What nginx writes for `$time_iso8601`. */
function renderIso(ms: number, offsetMin: number): string {
  const d = new Date(ms + offsetMin * 60_000);
  const abs = Math.abs(offsetMin);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

// Whole seconds between 1990 and 2100; zones from -12:00 to +14:00 in quarter hours.
const epochSeconds = fc.integer({ min: 631152000, max: 4102444799 });
const offsets = fc.integer({ min: -48, max: 56 }).map((q) => q * 15);

describe('parseTimeLocal', () => {
  it('reads the nginx documentation example and its zone', () => {
    const out: TzOut = { tzOffsetMin: 0 };
    expect(parseTimeLocal('10/Oct/2000:13:55:36 -0700', 0, 26, out)).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(out.tzOffsetMin).toBe(-420);
  });

  it('reads a value inside a line by offsets', () => {
    const line = '1.2.3.4 - - [01/Jan/2024:00:00:07 +0100] "GET / HTTP/1.1"';
    const start = line.indexOf('[') + 1;
    const out: TzOut = { tzOffsetMin: 0 };
    expect(parseTimeLocal(line, start, start + 26, out)).toBe(Date.UTC(2023, 11, 31, 23, 0, 7));
    expect(out.tzOffsetMin).toBe(60);
  });

  it('gives the right answer when consecutive values share the cached minute but not the zone', () => {
    expect(parseTimeLocal('10/Oct/2000:13:55:36 +0000')).toBe(Date.UTC(2000, 9, 10, 13, 55, 36));
    expect(parseTimeLocal('10/Oct/2000:13:55:59 +0530')).toBe(Date.UTC(2000, 9, 10, 8, 25, 59));
    expect(parseTimeLocal('10/Oct/2000:13:56:00 +0000')).toBe(Date.UTC(2000, 9, 10, 13, 56, 0));
  });

  it('answers a repeated value (the cached second) with the same time and zone', () => {
    const a: TzOut = { tzOffsetMin: NaN };
    const b: TzOut = { tzOffsetMin: NaN };
    expect(parseTimeLocal('x 11/Oct/2000:13:55:36 +0200', 2, 28, a)).toBe(Date.UTC(2000, 9, 11, 11, 55, 36));
    expect(parseTimeLocal('11/Oct/2000:13:55:36 +0200', 0, 26, b)).toBe(Date.UTC(2000, 9, 11, 11, 55, 36));
    expect([a.tzOffsetMin, b.tzOffsetMin]).toEqual([120, 120]);
    expect(parseTimeLocal('11/Oct/2000:13:55:36 +0300')).toBe(Date.UTC(2000, 9, 11, 10, 55, 36));
  });

  it('accepts a leap day and any month-name case', () => {
    expect(parseTimeLocal('29/Feb/2024:12:00:00 +0000')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseTimeLocal('01/DEC/2024:00:00:00 +0000')).toBe(Date.UTC(2024, 11, 1));
  });

  it.each([
    ['month 13 / bad name', '10/Okt/2000:13:55:36 -0700'],
    ['day 31 in a 30-day month', '31/Apr/2024:10:00:00 +0000'],
    ['29 Feb in a common year', '29/Feb/2023:10:00:00 +0000'],
    ['day 0', '00/Jan/2024:10:00:00 +0000'],
    ['hour 24', '10/Oct/2000:24:00:00 +0000'],
    ['minute 60', '10/Oct/2000:23:60:00 +0000'],
    ['second 61', '10/Oct/2000:23:59:61 +0000'],
    ['zone without sign', '10/Oct/2000:13:55:36 0700'],
    ['zone minutes 60', '10/Oct/2000:13:55:36 +0760'],
    ['truncated', '10/Oct/2000:13:55:36 -07'],
    ['too long', '10/Oct/2000:13:55:36 -07000'],
    ['garbage', 'not a time at all, really'],
    ['empty', ''],
    ['letters for digits', '1O/Oct/2000:13:55:36 -0700'],
  ])('returns NaN for %s', (_label, text) => {
    expect(parseTimeLocal(text)).toBeNaN();
  });

  it('rejects a bad second even when the minute is cached', () => {
    expect(parseTimeLocal('10/Oct/2000:13:55:36 -0700')).not.toBeNaN();
    expect(parseTimeLocal('10/Oct/2000:13:55:3x -0700')).toBeNaN();
    expect(parseTimeLocal('10/Oct/2000:13:55:36 x0700')).toBeNaN();
  });

  it('round-trips any instant and zone (property)', () => {
    fc.assert(
      fc.property(epochSeconds, offsets, (sec, off) => {
        const out: TzOut = { tzOffsetMin: NaN };
        const text = renderLocal(sec * 1000, off);
        return parseTimeLocal(text, 0, text.length, out) === sec * 1000 && out.tzOffsetMin === off;
      }),
    );
  });

  it('never throws on random text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const v = parseTimeLocal(s);
        return Number.isNaN(v) || Number.isFinite(v);
      }),
    );
  });
});

describe('parseTimeIso', () => {
  it('reads nginx $time_iso8601 with its offset', () => {
    const out: TzOut = { tzOffsetMin: 0 };
    expect(parseTimeIso('2000-10-10T13:55:36-07:00', 0, 25, out)).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(out.tzOffsetMin).toBe(-420);
  });

  it.each([
    ['2000-10-10T13:55:36Z', Date.UTC(2000, 9, 10, 13, 55, 36), 0],
    ['2000-10-10T13:55:36.123Z', Date.UTC(2000, 9, 10, 13, 55, 36, 123), 0],
    ['2000-10-10T13:55:36.1+01:00', Date.UTC(2000, 9, 10, 12, 55, 36, 100), 60],
    ['2000-10-10T13:55:36+0530', Date.UTC(2000, 9, 10, 8, 25, 36), 330],
    ['2000-10-10T13:55:36+05', Date.UTC(2000, 9, 10, 8, 55, 36), 300],
    ['2000-10-10 13:55:36+00:00', Date.UTC(2000, 9, 10, 13, 55, 36), 0],
  ])('reads %s', (text, ms, off) => {
    const out: TzOut = { tzOffsetMin: NaN };
    expect(parseTimeIso(text, 0, text.length, out)).toBe(ms);
    expect(out.tzOffsetMin).toBe(off);
  });

  it('reads text without a zone as UTC and reports no offset', () => {
    const out: TzOut = { tzOffsetMin: 0 };
    expect(parseTimeIso('2000-10-10T13:55:36', 0, 19, out)).toBe(Date.UTC(2000, 9, 10, 13, 55, 36));
    expect(out.tzOffsetMin).toBeNaN();
  });

  it.each([
    '2000-13-10T13:55:36+00:00',
    '2000-02-30T13:55:36+00:00',
    '2000-10-10T25:55:36+00:00',
    '2000-10-10T13:55:36+00:0',
    '2000-10-10T13:55:36+',
    '2000-10-10T13:55:36 +00:00',
    '2000-10-10T13:55:36.Z',
    '2000-10-10X13:55:36Z',
    '20001010T135536Z',
    'garbage',
  ])('returns NaN for %s', (text) => {
    expect(parseTimeIso(text)).toBeNaN();
  });

  it('round-trips any instant and zone (property)', () => {
    fc.assert(
      fc.property(epochSeconds, offsets, (sec, off) => {
        const out: TzOut = { tzOffsetMin: NaN };
        const text = renderIso(sec * 1000, off);
        return parseTimeIso(text, 0, text.length, out) === sec * 1000 && out.tzOffsetMin === off;
      }),
    );
  });

  it('agrees with Date.parse on UTC text with milliseconds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444799999 }), (ms) => {
        const text = new Date(ms).toISOString();
        return parseTimeIso(text) === Date.parse(text);
      }),
    );
  });
});

describe('parseMsec', () => {
  it('reads seconds with milliseconds exactly', () => {
    expect(parseMsec('1700000000.123')).toBe(1700000000123);
    expect(parseMsec('1700000000')).toBe(1700000000000);
    expect(parseMsec('msec=1700000000.001 x', 5, 19)).toBe(1700000000001);
  });

  it('reports no zone', () => {
    const out: TzOut = { tzOffsetMin: 5 };
    parseMsec('1700000000.123', 0, 14, out);
    expect(out.tzOffsetMin).toBeNaN();
  });

  it.each(['', '-', '.123', '1700000000.12a', '17000x0000.123', '1700000000.123.4', '1234567890123.000'])(
    'returns NaN for %j',
    (text) => {
      expect(parseMsec(text)).toBeNaN();
    },
  );

  it('round-trips every millisecond value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444799999 }), (ms) => {
        const text = `${Math.floor(ms / 1000)}.${pad(ms % 1000, 3)}`;
        return parseMsec(text) === ms;
      }),
    );
  });
});

describe('daysFromCivil', () => {
  it('agrees with Date.UTC (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
        return daysFromCivil(y, m, d) * 86_400_000 === Date.UTC(y, m - 1, d);
      }),
    );
  });
});
