// Every setting of `upstream-doctor watch` (and of the Netdata plugin, which runs the same collector),
// declared once. This table yields the command-line flags, the validation of the YAML file, the JSON
// Schema editors use for that file, and the settings table in README.md (a test keeps it equal).
import { resolve } from 'node:path';
import { checkDuration, formatDurationMs, type DurationRange } from './duration';

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

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A JSON Schema fragment (draft 2020-12), as much as these settings need. */
export type SchemaFragment = Record<string, unknown>;

export interface Setting {
  /** The key in the YAML file; the flag is the same with dashes (`kernel_log` → `--kernel-log`). */
  key: string;
  /** The flag's argument as --help shows it; '' for a switch. Null: file only, no flag. */
  arg: string | null;
  help: string;
  /** The default as a person reads it. */
  defaultText: string;
  /** Only for the HTTP server: the Netdata plugin, which opens no port, refuses it. */
  http?: boolean;
  schema: SchemaFragment;
  /** Validates a raw value (from YAML or a flag) and sets it; relative paths resolve against `base`. */
  apply(cfg: WatchConfig, value: unknown, base: string): void;
}

const SECOND = 1000;
const HOUR = 3_600_000;

/** What each duration setting accepts. The window bounds memory (retention / window windows are kept). */
export const RANGES = {
  window: { minMs: SECOND, maxMs: HOUR },
  retention: { minMs: 60 * SECOND, maxMs: 7 * 24 * HOUR },
  diagnosis_window: { minMs: SECOND, maxMs: 24 * HOUR },
  stub_status_interval: { minMs: 100, maxMs: HOUR },
} satisfies Record<string, DurationRange>;

/** Windows kept at most (retention / window): each holds a few KB per upstream. */
export const MAX_WINDOWS = 20_000;

/** Labels the collector sets itself, which `labels:` may not take over. */
const OWN_LABELS = ['upstream', 'status', 'cause', 'class', 'phase', 'kind', 'source', 'outcome', 'state', 'file', 'connection'];

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
  retentionMs: 2 * HOUR,
  diagnosisWindowMs: 5 * 60_000,
  labels: {},
  maxUpstreams: 64,
  checkpoint: null,
  startAt: 'end',
  backfill: false,
  corsOrigin: null,
};

const durationSchema = (r: DurationRange) => ({
  type: ['string', 'number'],
  pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)?\\s*$',
  description: `from ${formatDurationMs(r.minMs)} to ${formatDurationMs(r.maxMs)}; a bare number is seconds`,
});
const pathsSchema = { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }] };

export const SETTINGS: readonly Setting[] = [
  {
    key: 'access',
    arg: '<paths...>',
    help: 'nginx access logs to tail: paths or globs',
    defaultText: '(required)',
    schema: pathsSchema,
    apply: (c, v, b) => (c.access = paths(v, 'access', b)),
  },
  {
    key: 'error',
    arg: '<paths...>',
    help: 'nginx error logs: paths or globs',
    defaultText: 'none',
    schema: pathsSchema,
    apply: (c, v, b) => (c.error = paths(v, 'error', b)),
  },
  {
    key: 'kernel_log',
    arg: '<file>',
    help: 'kernel log for OOM kills and crashes (kern.log, or journalctl -k written to a file)',
    defaultText: 'none',
    schema: { type: 'string', minLength: 1 },
    apply: (c, v, b) => (c.kernelLog = path(v, 'kernel_log', b)),
  },
  {
    key: 'nginx_conf',
    arg: '<file>',
    help: 'nginx config (with its includes, or `nginx -T` output): log formats and timeouts',
    defaultText: 'none',
    schema: { type: 'string', minLength: 1 },
    apply: (c, v, b) => (c.nginxConf = path(v, 'nginx_conf', b)),
  },
  {
    key: 'log_format',
    arg: '<format>',
    help: "the access logs' nginx log_format string (else the one the config's access_log names)",
    defaultText: 'from the config, else combined',
    schema: { type: 'string', minLength: 1 },
    apply: (c, v) => (c.logFormat = str(v, 'log_format')),
  },
  {
    key: 'stub_status',
    arg: '<url>',
    help: 'nginx stub_status URL to poll, e.g. http://127.0.0.1/nginx_status',
    defaultText: 'none',
    schema: { type: 'string', format: 'uri' },
    apply: (c, v) => (c.stubStatus = url(v, 'stub_status')),
  },
  {
    key: 'stub_status_interval',
    arg: '<duration>',
    help: 'how often stub_status is polled',
    defaultText: '5s',
    schema: durationSchema(RANGES.stub_status_interval),
    apply: (c, v) => (c.stubStatusIntervalMs = duration(v, 'stub_status_interval', RANGES.stub_status_interval)),
  },
  {
    key: 'listen',
    arg: '<host:port>',
    help: 'where /metrics, the API and the page are served (loopback unless told otherwise)',
    defaultText: '127.0.0.1:9797',
    http: true,
    schema: { type: 'string', pattern: '^(\\[[^\\]]+\\]|[^:]*):\\d+$' },
    apply: (c, v) => Object.assign(c, listen(str(v, 'listen'))),
  },
  {
    key: 'window',
    arg: '<duration>',
    help: 'aggregation window',
    defaultText: '10s',
    schema: durationSchema(RANGES.window),
    apply: (c, v) => (c.windowMs = duration(v, 'window', RANGES.window)),
  },
  {
    key: 'retention',
    arg: '<duration>',
    help: 'how much window history is kept for /api/diagnosis and the page',
    defaultText: '2h',
    schema: durationSchema(RANGES.retention),
    apply: (c, v) => (c.retentionMs = duration(v, 'retention', RANGES.retention)),
  },
  {
    key: 'diagnosis_window',
    arg: '<duration>',
    help: 'what the live verdict and the cause gauges look at',
    defaultText: '5m',
    schema: durationSchema(RANGES.diagnosis_window),
    apply: (c, v) => (c.diagnosisWindowMs = duration(v, 'diagnosis_window', RANGES.diagnosis_window)),
  },
  {
    key: 'labels',
    arg: null,
    help: 'labels added to every series, e.g. {host: web-1, cluster: eu-1}',
    defaultText: 'none',
    schema: {
      type: 'object',
      propertyNames: { pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', not: { enum: OWN_LABELS } },
      additionalProperties: { type: ['string', 'number'] },
    },
    apply: (c, v) => (c.labels = labels(v, 'labels')),
  },
  {
    key: 'max_upstreams',
    arg: '<n>',
    help: 'upstream addresses with series of their own; the rest fold into `other`',
    defaultText: '64',
    schema: { type: 'integer', minimum: 1, maximum: 100_000 },
    apply: (c, v) => (c.maxUpstreams = int(v, 'max_upstreams', 1, 100_000)),
  },
  {
    key: 'checkpoint',
    arg: '<file>',
    help: 'file offsets and counts are saved here once a second and resumed from at start',
    defaultText: 'none',
    schema: { type: 'string', minLength: 1 },
    apply: (c, v, b) => (c.checkpoint = path(v, 'checkpoint', b)),
  },
  {
    key: 'start_at',
    arg: '<where>',
    help: 'where to start files without a saved offset: beginning or end',
    defaultText: 'end',
    schema: { enum: ['beginning', 'end'] },
    apply: (c, v) => (c.startAt = oneOf(v, 'start_at', ['beginning', 'end'] as const)),
  },
  {
    key: 'backfill',
    arg: '',
    help: 'read the rotated logs (.1, .2.gz, …) first, with a progress bar',
    defaultText: 'false',
    schema: { type: 'boolean' },
    apply: (c, v) => (c.backfill = bool(v, 'backfill')),
  },
  {
    key: 'cors_origin',
    arg: '<url>',
    help: "a browser origin (your Grafana's URL) allowed to call the API, for the panel's drill-down",
    defaultText: 'none',
    http: true,
    schema: { type: 'string', format: 'uri' },
    apply: (c, v) => (c.corsOrigin = new URL(url(v, 'cors_origin')).origin),
  },
];

const BY_KEY = new Map(SETTINGS.map((s) => [s.key, s]));

export function settingFor(key: string): Setting | undefined {
  return BY_KEY.get(key);
}

/** `kernel_log` → `--kernel-log`. */
export function flagOf(s: Setting): string {
  return `--${s.key.replace(/_/g, '-')}`;
}

/** `kernel_log` → `kernelLog`, the property commander gives the flag's value under. */
export function optionName(s: Setting): string {
  return s.key.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

/** Builds the config: defaults, then each source's settings in order (later sources win). */
export function resolveSettings(sources: Array<{ raw: Record<string, unknown>; base: string; where: string }>): WatchConfig {
  const cfg: WatchConfig = { ...DEFAULTS, labels: {} };
  for (const { raw, base, where } of sources) {
    for (const [key, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      const s = BY_KEY.get(key);
      if (!s) throw new ConfigError(`${where}: unknown setting "${key}" (known: ${SETTINGS.map((x) => x.key).join(', ')})`);
      s.apply(cfg, value, base);
    }
  }
  if (cfg.access.length === 0) throw new ConfigError('no access log to watch: give --access PATH or `access:` in the config');
  if (cfg.retentionMs < cfg.windowMs) throw new ConfigError('retention: must be at least one window long');
  if (cfg.retentionMs / cfg.windowMs > MAX_WINDOWS) {
    throw new ConfigError(`retention / window: at most ${MAX_WINDOWS} windows are kept; lengthen the window or shorten the retention`);
  }
  return cfg;
}

/** The JSON Schema of the YAML file, for editors (`# yaml-language-server: $schema=…`). */
export function settingsSchema(): SchemaFragment {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'upstream-doctor watch settings',
    description: 'The YAML file given to `upstream-doctor watch --config` and read by the Netdata plugin (upstream_doctor.conf).',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      SETTINGS.map((s) => [s.key, { ...s.schema, description: `${s.help} (default: ${s.defaultText})${s.schema.description ? `; ${String(s.schema.description)}` : ''}` }]),
    ),
  };
}

/** The README's table of settings. */
export function settingsTable(): string {
  const rows = SETTINGS.map((s) => {
    const flag = s.arg === null ? '–' : `\`${flagOf(s)}${s.arg ? ` ${s.arg}` : ''}\``;
    return `| \`${s.key}\` | ${flag} | ${s.help.replace(/\|/g, '\\|')} | ${s.defaultText} |`;
  });
  return ['| setting | flag | what | default |', '|---|---|---|---|', ...rows].join('\n');
}

// ── validation of single values ──

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
    if (OWN_LABELS.includes(name)) throw new ConfigError(`${k}.${name}: the collector uses this label itself`);
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
