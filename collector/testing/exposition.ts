// A strict reader of the Prometheus text format (0.0.4), for tests of anything that serves /metrics:
// it parses every line, ties each sample to its `# TYPE` family, and checks what a scrape relies on
// (one TYPE per family, families not interleaved, no duplicate series, histogram buckets sorted and
// cumulative up to a `+Inf` bucket equal to `_count`). promtool does the same where it is installed.

export interface ExpoSample {
  /** The sample's own name (`x_bucket`, `x_sum`, …). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ExpoFamily {
  name: string;
  type: string;
  help: string;
  samples: ExpoSample[];
}

export class ExpositionError extends Error {
  constructor(line: number, message: string) {
    super(`exposition line ${line}: ${message}`);
    this.name = 'ExpositionError';
  }
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const META_RE = new RegExp(`^#\\s+(HELP|TYPE)\\s+(${NAME})(?:\\s(.*))?$`);
const SAMPLE_HEAD_RE = new RegExp(`^(${NAME})`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Map<string, ExpoFamily> {
  const families = new Map<string, ExpoFamily>();
  const seenSeries = new Set<string>();
  let current: ExpoFamily | null = null;
  const lines = text.split('\n');
  if (lines[lines.length - 1] !== '') throw new ExpositionError(lines.length, 'text must end with a newline');
  for (let i = 0; i < lines.length - 1; i++) {
    const n = i + 1;
    const line = lines[i];
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = META_RE.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, name, rest = ''] = m;
      let fam = families.get(name);
      if (fam && fam !== current) throw new ExpositionError(n, `family ${name} appears twice`);
      if (!fam) families.set(name, (fam = { name, type: 'untyped', help: '', samples: [] }));
      if (kind === 'TYPE') {
        if (!TYPES.has(rest.trim())) throw new ExpositionError(n, `unknown type "${rest}"`);
        if (fam.samples.length) throw new ExpositionError(n, `TYPE of ${name} after its samples`);
        fam.type = rest.trim();
      } else {
        fam.help = rest;
      }
      current = fam;
      continue;
    }
    const sample = parseSample(line, n);
    const fam = familyOf(sample.name, families);
    if (!fam) throw new ExpositionError(n, `sample ${sample.name} has no # TYPE line`);
    if (fam !== current) throw new ExpositionError(n, `sample ${sample.name} is outside its family's block`);
    const id = sample.name + JSON.stringify(Object.entries(sample.labels).sort());
    if (seenSeries.has(id)) throw new ExpositionError(n, `duplicate series ${sample.name}${JSON.stringify(sample.labels)}`);
    seenSeries.add(id);
    fam.samples.push(sample);
  }
  for (const fam of families.values()) if (fam.type === 'histogram') checkHistogram(fam);
  return families;
}

function familyOf(name: string, families: Map<string, ExpoFamily>): ExpoFamily | undefined {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = families.get(name.slice(0, -suffix.length));
    if (base && (base.type === 'histogram' || (base.type === 'summary' && suffix !== '_bucket'))) return base;
  }
  const exact = families.get(name);
  return exact && exact.type !== 'histogram' ? exact : undefined;
}

function parseSample(line: string, n: number): ExpoSample {
  const head = SAMPLE_HEAD_RE.exec(line);
  if (!head) throw new ExpositionError(n, `not a sample: ${line.slice(0, 80)}`);
  const name = head[1];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const eq = line.indexOf('=', pos);
      if (eq < 0) throw new ExpositionError(n, 'label without "="');
      const lname = line.slice(pos, eq).trim();
      if (!LABEL_NAME_RE.test(lname)) throw new ExpositionError(n, `bad label name "${lname}"`);
      if (lname in labels) throw new ExpositionError(n, `label ${lname} given twice`);
      if (line[eq + 1] !== '"') throw new ExpositionError(n, `label ${lname} value is not quoted`);
      let value = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] !== '\\') {
          value += line[j];
          continue;
        }
        const esc = line[++j];
        if (esc === 'n') value += '\n';
        else if (esc === '\\' || esc === '"') value += esc;
        else throw new ExpositionError(n, `bad escape \\${esc} in label ${lname}`);
      }
      if (j >= line.length) throw new ExpositionError(n, `label ${lname} value is not closed`);
      labels[lname] = value;
      pos = j + 1;
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') throw new ExpositionError(n, `expected "," or "}" after label ${lname}`);
    }
  }
  const rest = line.slice(pos);
  const parts = rest.trim().split(/\s+/);
  if (!/^\s/.test(rest) || parts.length < 1 || parts.length > 2) throw new ExpositionError(n, `bad value part "${rest}"`);
  const value = parseValue(parts[0]);
  if (value === null) throw new ExpositionError(n, `bad value "${parts[0]}"`);
  if (parts.length === 2 && !/^-?\d+$/.test(parts[1])) throw new ExpositionError(n, `bad timestamp "${parts[1]}"`);
  return { name, labels, value };
}

function parseValue(s: string): number | null {
  if (/^[+-]?inf$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  return Number(s);
}

function checkHistogram(fam: ExpoFamily): void {
  const bySeries = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>();
  for (const s of fam.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let h = bySeries.get(key);
    if (!h) bySeries.set(key, (h = { buckets: [] }));
    if (s.name === `${fam.name}_bucket`) {
      const bound = le === undefined ? null : parseValue(le);
      if (bound === null || Number.isNaN(bound)) throw new ExpositionError(0, `${fam.name}_bucket without a valid le`);
      h.buckets.push([bound, s.value]);
    } else if (s.name === `${fam.name}_sum`) h.sum = s.value;
    else h.count = s.value;
  }
  for (const [key, h] of bySeries) {
    const where = `${fam.name}${key}`;
    if (h.sum === undefined || h.count === undefined) throw new ExpositionError(0, `${where} lacks _sum or _count`);
    for (let i = 1; i < h.buckets.length; i++) {
      if (!(h.buckets[i][0] > h.buckets[i - 1][0])) throw new ExpositionError(0, `${where} buckets not in ascending le order`);
      if (h.buckets[i][1] < h.buckets[i - 1][1]) throw new ExpositionError(0, `${where} buckets are not cumulative`);
    }
    const last = h.buckets[h.buckets.length - 1];
    if (!last || last[0] !== Infinity) throw new ExpositionError(0, `${where} has no +Inf bucket`);
    if (last[1] !== h.count) throw new ExpositionError(0, `${where} +Inf bucket differs from _count`);
  }
}
