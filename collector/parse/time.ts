// Timestamp parsers for the three time variables nginx can log. They run once per access-log line, so they
// read digits straight from the line (start/end offsets, no substring) and remember the last minute they
// converted: consecutive log lines share the minute almost always, which leaves only the seconds to read.

/** Receives the UTC offset written in the text (minutes east of UTC; NaN when the text carries none). */
export interface TzOut {
  tzOffsetMin: number;
}

const MS_PER_MIN = 60_000;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12), valid for any year. */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Count years from March so the leap day is the last day of the counted year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Whether `text` occurs in `s` at `at`. Written as indexOf because V8 runs startsWith with a search string
 * of this length through a slow generic comparison; a miss searches on, which only the rare miss pays.
 */
function occursAt(s: string, text: string, at: number): boolean {
  return s.indexOf(text, at) === at;
}

/** Value of `count` ASCII digits at `at`, or -1 if any of them is not a digit. */
function digits(s: string, at: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const d = s.charCodeAt(at + i) - 48;
    // Written so that NaN (reading past the end) fails too.
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Epoch ms of a wall-clock minute read as if it were UTC, or NaN when a field is out of range. */
function minuteMs(year: number, month: number, day: number, hour: number, minute: number): number {
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY + (hour * 60 + minute) * MS_PER_MIN;
}

/** Month number from its English three-letter abbreviation (any case), or -1. */
function monthFromName(s: string, at: number): number {
  // Pack the three lower-cased letters into one integer so the lookup is a single switch.
  const key = ((s.charCodeAt(at) | 32) << 16) | ((s.charCodeAt(at + 1) | 32) << 8) | (s.charCodeAt(at + 2) | 32);
  switch (key) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return -1;
  }
}

/** Offset in minutes from `+hhmm` / `-hhmm` (colon optional when `colonOk`), or NaN. Sets `zoneEnd`. */
let zoneEnd = 0;
function readOffset(s: string, at: number, end: number, colonOk: boolean): number {
  const sign = s.charCodeAt(at);
  if (sign !== 43 /* + */ && sign !== 45 /* - */) return NaN;
  const hh = digits(s, at + 1, 2);
  if (hh < 0 || hh > 23 || at + 3 > end) return NaN;
  let p = at + 3;
  if (colonOk && s.charCodeAt(p) === 58 /* : */) p++;
  // A bare `+hh` is a valid ISO 8601 zone; `+hhmm` and `+hh:mm` carry minutes.
  let mm = 0;
  if (p < end) {
    mm = digits(s, p, 2);
    if (mm < 0 || mm > 59 || p + 2 > end) return NaN;
    p += 2;
  } else if (p !== at + 3) {
    return NaN;
  }
  zoneEnd = p;
  const min = hh * 60 + mm;
  return sign === 45 ? -min : min;
}

// $time_local: `10/Oct/2000:13:55:36 -0700`, always 26 characters.
const LOCAL_LEN = 26;
const LOCAL_MINUTE_LEN = 17; // `10/Oct/2000:13:55`
let localKey = '';
let localMinuteMs = NaN;
// Busy logs repeat the same second on many consecutive lines: the whole last value is cached too.
let localLastText = '';
let localLastMs = NaN;
let localLastOffset = NaN;

/**
 * `$time_local` (`10/Oct/2000:13:55:36 -0700`) → epoch ms, or NaN when the text is not a valid time.
 * Reads `s` between `start` and `end`; writes the written UTC offset to `out` when given.
 */
export function parseTimeLocal(s: string, start = 0, end = s.length, out?: TzOut): number {
  if (end - start !== LOCAL_LEN) return NaN;
  if (localLastText.length !== 0 && occursAt(s, localLastText, start)) {
    if (out !== undefined) out.tzOffsetMin = localLastOffset;
    return localLastMs;
  }
  let base: number;
  if (localKey.length !== 0 && occursAt(s, localKey, start)) {
    base = localMinuteMs;
  } else {
    if (s.charCodeAt(start + 2) !== 47 || s.charCodeAt(start + 6) !== 47) return NaN; // '/'
    if (s.charCodeAt(start + 11) !== 58 || s.charCodeAt(start + 14) !== 58) return NaN; // ':'
    base = minuteMs(
      digits(s, start + 7, 4),
      monthFromName(s, start + 3),
      digits(s, start, 2),
      digits(s, start + 12, 2),
      digits(s, start + 15, 2),
    );
    if (base !== base) return NaN;
    localKey = s.slice(start, start + LOCAL_MINUTE_LEN);
    localMinuteMs = base;
  }
  if (s.charCodeAt(start + 17) !== 58 || s.charCodeAt(start + 20) !== 32) return NaN;
  const sec = digits(s, start + 18, 2);
  if (sec < 0 || sec > 60) return NaN; // 60: a leap second as some producers write it
  const offset = readOffset(s, start + 21, end, false);
  if (offset !== offset || zoneEnd !== end) return NaN;
  if (out !== undefined) out.tzOffsetMin = offset;
  localLastText = s.slice(start, end);
  localLastOffset = offset;
  localLastMs = base + sec * 1000 - offset * MS_PER_MIN;
  return localLastMs;
}

// $time_iso8601: `2000-10-10T13:55:36-07:00`; other producers add a fraction and write `Z`.
const ISO_MINUTE_LEN = 16; // `2000-10-10T13:55`
let isoKey = '';
let isoMinuteMs = NaN;

/**
 * `$time_iso8601` (`2000-10-10T13:55:36-07:00`, `…Z`, `…+0100`, optional `.123` fraction, `T` or space)
 * → epoch ms, or NaN. Text without any zone is read as UTC and reports an offset of NaN.
 */
export function parseTimeIso(s: string, start = 0, end = s.length, out?: TzOut): number {
  if (end - start < 19) return NaN;
  let base: number;
  if (isoKey.length !== 0 && occursAt(s, isoKey, start)) {
    base = isoMinuteMs;
  } else {
    if (s.charCodeAt(start + 4) !== 45 || s.charCodeAt(start + 7) !== 45) return NaN; // '-'
    const sep = s.charCodeAt(start + 10);
    if ((sep !== 84 && sep !== 116 && sep !== 32) || s.charCodeAt(start + 13) !== 58) return NaN; // T t ' ' / ':'
    base = minuteMs(
      digits(s, start, 4),
      digits(s, start + 5, 2),
      digits(s, start + 8, 2),
      digits(s, start + 11, 2),
      digits(s, start + 14, 2),
    );
    if (base !== base) return NaN;
    isoKey = s.slice(start, start + ISO_MINUTE_LEN);
    isoMinuteMs = base;
  }
  if (s.charCodeAt(start + 16) !== 58) return NaN;
  const sec = digits(s, start + 17, 2);
  if (sec < 0 || sec > 60) return NaN;
  let ms = base + sec * 1000;
  let p = start + 19;
  if (p < end && s.charCodeAt(p) === 46 /* . */) {
    // Fraction of any length; keep sub-millisecond digits as a fraction of a millisecond.
    p++;
    let frac = 0;
    let scale = 1;
    const fracStart = p;
    while (p < end) {
      const d = s.charCodeAt(p) - 48;
      if (!(d >= 0 && d <= 9)) break;
      frac = frac * 10 + d;
      scale *= 10;
      p++;
    }
    if (p === fracStart || p - fracStart > 9) return NaN;
    ms += (frac * 1000) / scale;
  }
  let offset: number;
  if (p === end) {
    offset = NaN;
  } else {
    const z = s.charCodeAt(p);
    if ((z === 90 || z === 122) && p + 1 === end) {
      offset = 0; // Z
    } else {
      offset = readOffset(s, p, end, true);
      if (offset !== offset || zoneEnd !== end) return NaN;
    }
  }
  if (out !== undefined) out.tzOffsetMin = offset;
  return offset === offset ? ms - offset * MS_PER_MIN : ms;
}

/**
 * `$msec` (`1700000000.123`, seconds with a fraction) → epoch ms, or NaN. The offset is NaN: the text
 * carries no zone.
 */
export function parseMsec(s: string, start = 0, end = s.length, out?: TzOut): number {
  let p = start;
  let sec = 0;
  while (p < end) {
    const d = s.charCodeAt(p) - 48;
    if (!(d >= 0 && d <= 9)) break;
    sec = sec * 10 + d;
    p++;
  }
  // 12 digits of seconds reach the year 33658: more is garbage, and it keeps the arithmetic exact.
  if (p === start || p - start > 12) return NaN;
  let ms = sec * 1000;
  if (p < end) {
    if (s.charCodeAt(p) !== 46 /* . */) return NaN;
    p++;
    const fracStart = p;
    let frac = 0;
    let scale = 1;
    while (p < end) {
      const d = s.charCodeAt(p) - 48;
      if (!(d >= 0 && d <= 9)) return NaN;
      frac = frac * 10 + d;
      scale *= 10;
      p++;
    }
    if (p - fracStart > 9) return NaN;
    // nginx writes exactly three digits, so this is an exact integer in the usual case.
    ms += (frac * 1000) / scale;
  }
  if (out !== undefined) out.tzOffsetMin = NaN;
  return ms;
}
