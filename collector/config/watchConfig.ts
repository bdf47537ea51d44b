// Settings for `upstream-doctor watch`, from a YAML file and/or flags (flags win). Validation names the
// offending key and what it expected, so a typo in a config file is a one-line fix, not a guess.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkDuration, type DurationRange } from './duration';

export interface WatchConfig {
  access: string[];
  error: string[];
  kernelLog: string | null;
  nginxConf: string | null;
  logFormat: string | null;
  stubStatus: string | null;
  stubStatusIntervalMs: number;
  listenHost: string;
  listenPort: number;
  windowMs: number;
  retentionMs: number;
  /** How far back the live verdict (and the cause gauges) look. */
  diagnosisWindowMs: number;
  labels: Record<string, string>;
  maxUpstreams: number;
  checkpoint: string | null;
  startAt: 'beginning' | 'end';
  backfill: boolean;
  /** Browser origin allowed to call the API (the Grafana URL); null allows none. */
  corsOrigin: string | null;
}

export const DEFAULTS: WatchConfig = {
  access: [],
  error: [],
  kernelLog: null,
  nginxConf: null,
  logFormat: null,
  stubStatus: null,
  stubStatusIntervalMs: 5000,
  listenHost: '127.0.0.1',
  listenPort: 9797,
  windowMs: 10_000,
  retentionMs: 2 * 3_600_000,
  diagnosisWindowMs: 5 * 60_000,
  labels: {},
  maxUpstreams: 64,
  checkpoint: null,
  startAt: 'end',
  backfill: false,
  corsOrigin: null,
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Raw = Record<string, unknown>;

const SECOND = 1000;
const HOUR = 3_600_000;
/** What each duration setting accepts. The window bounds memory (retention / window windows are kept). */
export const RANGES: Record<'window' | 'retention' | 'diagnosis_window' | 'stub_status_interval', DurationRange> = {
  window: { minMs: SECOND, maxMs: HOUR },
  retention: { minMs: 60 * SECOND, maxMs: 7 * 24 * HOUR },
  diagnosis_window: { minMs: SECOND, maxMs: 24 * HOUR },
  stub_status_interval: { minMs: 100, maxMs: HOUR },
};
/** Windows kept at most (retention / window): each holds a few KB per upstream. */
const MAX_WINDOWS = 20_000;

const KEYS: Record<string, (cfg: WatchConfig, v: unknown, key: string, base: string) => void> = {
  access: (c, v, k, b) => (c.access = paths(v, k, b)),
  error: (c, v, k, b) => (c.error = paths(v, k, b)),
  kernel_log: (c, v, k, b) => (c.kernelLog = path(v, k, b)),
  nginx_conf: (c, v, k, b) => (c.nginxConf = path(v, k, b)),
  log_format: (c, v, k) => (c.logFormat = str(v, k)),
  stub_status: (c, v, k) => (c.stubStatus = url(v, k)),
  stub_status_interval: (c, v, k) => (c.stubStatusIntervalMs = duration(v, k, RANGES.stub_status_interval)),
  listen: (c, v, k) => Object.assign(c, listen(str(v, k), k)),
  window: (c, v, k) => (c.windowMs = duration(v, k, RANGES.window)),
  retention: (c, v, k) => (c.retentionMs = duration(v, k, RANGES.retention)),
  diagnosis_window: (c, v, k) => (c.diagnosisWindowMs = duration(v, k, RANGES.diagnosis_window)),
  labels: (c, v, k) => (c.labels = labels(v, k)),
  max_upstreams: (c, v, k) => (c.maxUpstreams = int(v, k, 1, 100_000)),
  checkpoint: (c, v, k, b) => (c.checkpoint = path(v, k, b)),
  start_at: (c, v, k) => (c.startAt = oneOf(v, k, ['beginning', 'end'] as const)),
  backfill: (c, v, k) => (c.backfill = bool(v, k)),
  cors_origin: (c, v, k) => (c.corsOrigin = new URL(url(v, k)).origin),
};

/** Reads and validates a YAML config file. Relative paths in it are relative to the file. */
export function loadConfigFile(file: string): Partial<Raw> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config ${file}: expected a mapping of settings at the top`);
  return { ...(doc as Raw), __base: dirname(resolve(file)) };
}

/** Builds the config: defaults, then the file's settings, then flags (in config-file key spelling). */
export function buildConfig(file: Partial<Raw>, flags: Partial<Raw>): WatchConfig {
  const cfg: WatchConfig = { ...DEFAULTS, labels: {} };
  apply(cfg, file, String(file.__base ?? process.cwd()), 'config');
  apply(cfg, flags, process.cwd(), 'flag');
  if (cfg.access.length === 0) throw new ConfigError('no access log to watch: give --access PATH or `access:` in the config');
  if (cfg.retentionMs < cfg.windowMs) throw new ConfigError('retention: must be at least one window long');
  if (cfg.retentionMs / cfg.windowMs > MAX_WINDOWS) {
    throw new ConfigError(`retention / window: at most ${MAX_WINDOWS} windows are kept; lengthen the window or shorten the retention`);
  }
  return cfg;
}

function apply(cfg: WatchConfig, raw: Partial<Raw>, base: string, where: string): void {
  for (const [key, value] of Object.entries(raw)) {
    if (key === '__base' || value === undefined) continue;
    const set = KEYS[key];
    if (!set) {
      const known = Object.keys(KEYS).join(', ');
      throw new ConfigError(`${where}: unknown setting "${key}" (known: ${known})`);
    }
    set(cfg, value, key, base);
  }
}

function str(v: unknown, k: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ConfigError(`${k}: expected a non-empty string`);
  return v;
}

function path(v: unknown, k: string, base: string): string {
  return resolve(base, str(v, k));
}

function paths(v: unknown, k: string, base: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new ConfigError(`${k}: expected one or more paths`);
  return list.map((p, i) => path(p, `${k}[${i}]`, base));
}

function url(v: unknown, k: string): string {
  const s = str(v, k);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new ConfigError(`${k}: "${s}" is not a URL (e.g. http://127.0.0.1/nginx_status)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`${k}: expected an http(s) URL, got ${u.protocol}`);
  return s;
}

function duration(v: unknown, k: string, range: DurationRange): number {
  const ms = checkDuration(v, k, range);
  if (typeof ms === 'string') throw new ConfigError(ms);
  return ms;
}

function int(v: unknown, k: string, min: number, max: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${k}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

function bool(v: unknown, k: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigError(`${k}: expected true or false, got ${JSON.stringify(v)}`);
}

function oneOf<T extends string>(v: unknown, k: string, options: readonly T[]): T {
  if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
  throw new ConfigError(`${k}: expected one of ${options.join(', ')}, got ${JSON.stringify(v)}`);
}

/** Metric labels added to every series: Prometheus label names, plain string values. */
function labels(v: unknown, k: string): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${k}: expected a mapping like {host: web1, cluster: eu}`);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(v)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.startsWith('__')) throw new ConfigError(`${k}.${name}: not a valid Prometheus label name`);
    if (['upstream', 'status', 'cause', 'class', 'phase', 'kind', 'source', 'outcome', 'state', 'file', 'connection'].includes(name)) {
      throw new ConfigError(`${k}.${name}: the collector uses this label itself`);
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw new ConfigError(`${k}.${name}: expected a string value`);
    out[name] = String(value);
  }
  return out;
}

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (loopback). Binding beyond loopback must be asked for by address. */
export function listen(text: string, k = 'listen'): { listenHost: string; listenPort: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim());
  if (!m) throw new ConfigError(`${k}: expected HOST:PORT like 127.0.0.1:9797, got ${JSON.stringify(text)}`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(`${k}: port ${port} is out of range`);
  return { listenHost: m[1] ?? (m[2] || '127.0.0.1'), listenPort: port };
}
