// What Upstream Doctor needs from an nginx configuration: the access-log formats, where logs go, the
// upstream groups, and per proxied location the timeouts and keepalive settings nginx applies.
import * as path from 'path';
import { COMBINED } from '../access/namedFormats';
import { loadNginxFile, loadNginxText } from './files';
import { Directive, NginxConfigError } from './tokens';
import { addrAliases, formatAddr, isLiteralAddr, parseHostPort, parseNginxTime, parseProxyPass } from './values';
import type { ErrorLevel, LogFormatDef, UpstreamSettings } from '../types';

export { NginxConfigError } from './tokens';

export interface AccessLogDef {
  /** As written: a file path, `syslog:server=…`, `/dev/stdout`. */
  path: string;
  /** The log_format name; `combined` when the directive names none. */
  format: string;
  /** Where the directive sits, outermost first: `http > server example.com > location /api`. */
  context: string;
}

export interface ErrorLogDef {
  path: string;
  /** The minimum level written; nginx's default is `error`. */
  level: ErrorLevel;
}

/** Where a directive stands, for the config changes the diagnosis proposes (report/changes.ts). */
export interface Place {
  file: string;
  line: number;
  /** The directive's arguments as written. */
  args: string[];
}

export interface UpstreamDef {
  name: string;
  /** The `upstream name {` line. */
  at: Place;
  /** The group's own keepalive directives where written: `keepalive`, `keepalive_timeout`, … */
  own: Record<string, Place>;
  /** `host:port` (port 80 when unwritten), `[v6]:port` or `unix:/path`, as `$upstream_addr` shows them. */
  servers: string[];
  /** Idle connections cached per worker; 0 when the group does not pool. */
  keepalive: number;
  /** Seconds; nginx default 60. */
  keepaliveTimeout: number;
  /** nginx default 1000. */
  keepaliveRequests: number;
}

export interface LocationDef {
  /** The `location … {` line. */
  at: Place;
  /** proxy_* directives written in the location itself (not inherited), by name. */
  own: Record<string, Place>;
  /** The first `server_name` of the enclosing server; '' when it has none. */
  serverName: string;
  /** The first `listen` address of the enclosing server; '' when it has none (nginx then listens on 80). */
  listen: string;
  /** The location's match as written (`/api`, `= /health`, `~ ^/img/`); an `if` inside it adds ` if (…)`. */
  path: string;
  /** The `proxy_pass` URL as written. */
  proxyPass: string;
  /** The upstream block this location proxies to; '' for a direct address or a URL built from variables. */
  group: string;
  /** For a direct `proxy_pass http://host:port`: that address as `$upstream_addr` shows it; else ''. */
  target: string;
  settings: UpstreamSettings;
}

export interface LocationMatch {
  /** `=` exact, `^~` prefix that stops regex search, '' prefix, `~` / `~*` regex. */
  modifier: '=' | '^~' | '' | '~' | '~*';
  pattern: string;
  /** The location's proxied target (group or address), or null when it does not proxy. */
  proxied: LocationDef | null;
}

/** The proxy_* values that inherit http → server → location. */
export interface ProxyLevel {
  proxyReadTimeout: number;
  proxyConnectTimeout: number;
  proxySendTimeout: number;
  proxyNextUpstream: string[];
}

export interface NginxConfig {
  /** Every log_format, `combined` included. */
  logFormats: Map<string, LogFormatDef>;
  /** In configuration order; `access_log off` is left out. */
  accessLogs: AccessLogDef[];
  errorLogs: ErrorLogDef[];
  /** Keyed by lower-cased name: nginx matches `proxy_pass http://Name` to `upstream name` ignoring case. */
  upstreams: Map<string, UpstreamDef>;
  /** Only locations that `proxy_pass` themselves, in configuration order. */
  locations: LocationDef[];
  /**
   * Every location's match with whether it proxies, to tell which requests of an access log without
   * `$upstream_addr` went upstream (a `location /static/` with `root` did not).
   */
  allLocations: LocationMatch[];
  /** The proxy_* values in effect at http level (nginx defaults where unset). */
  httpProxy: ProxyLevel;
}

const NGINX_DEFAULTS: ProxyLevel = {
  proxyReadTimeout: 60,
  proxyConnectTimeout: 60,
  proxySendTimeout: 60,
  proxyNextUpstream: ['error', 'timeout'],
};
const KEEPALIVE_DEFAULTS = { keepalive: 0, keepaliveTimeout: 60, keepaliveRequests: 1000 };
const ERROR_LEVELS: ErrorLevel[] = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'];
const TIMEOUTS: Record<string, 'proxyReadTimeout' | 'proxyConnectTimeout' | 'proxySendTimeout'> = {
  proxy_read_timeout: 'proxyReadTimeout',
  proxy_connect_timeout: 'proxyConnectTimeout',
  proxy_send_timeout: 'proxySendTimeout',
};

const where = (d: Directive): string => `${d.file}:${d.line}`;

function fail(d: Directive, what: string): never {
  throw new NginxConfigError(`${where(d)}: ${what}`);
}

function timeArg(d: Directive): number {
  if (d.args.length !== 1) fail(d, `"${d.name}" takes one time value`);
  const v = parseNginxTime(d.args[0], 'msec');
  if (Number.isNaN(v)) fail(d, `"${d.name}" has an invalid time "${d.args[0]}"`);
  return v;
}

function countArg(d: Directive): number {
  if (d.args.length !== 1 || !/^\d+$/.test(d.args[0])) fail(d, `"${d.name}" takes one whole number`);
  return Number(d.args[0]);
}

/** This level's own proxy_* directives over the inherited ones. Position in the block does not matter. */
function mergeLevel(parent: ProxyLevel, dirs: Directive[]): ProxyLevel {
  const own = { ...parent };
  for (const d of dirs) {
    const key = TIMEOUTS[d.name];
    if (key) own[key] = timeArg(d);
    else if (d.name === 'proxy_next_upstream') {
      if (d.args.length === 0) fail(d, '"proxy_next_upstream" needs at least one condition');
      own.proxyNextUpstream = [...d.args];
    }
  }
  return own;
}

interface Scope {
  proxy: ProxyLevel;
  /** The location directive this scope is inside, if any. */
  locationAt?: Directive;
  locationOwn?: Record<string, Place>;
  context: string;
  serverName: string;
  listen: string;
  path: string;
}

interface Pending {
  loc: Omit<LocationDef, 'group' | 'settings'>;
  match: LocationMatch;
  proxy: ProxyLevel;
  host: string;
}

class Reader {
  readonly formats = new Map<string, LogFormatDef>([['combined', { name: 'combined', format: COMBINED, escape: 'default' }]]);
  readonly accessLogs: (AccessLogDef & { at: Directive })[] = [];
  readonly errorLogs: ErrorLogDef[] = [];
  readonly upstreams = new Map<string, UpstreamDef>();
  readonly pending: Pending[] = [];
  readonly matches: LocationMatch[] = [];
  httpProxy: ProxyLevel = NGINX_DEFAULTS;

  main(dirs: Directive[]): void {
    // A site file on its own (`sites-enabled/app`) holds what normally sits inside http.
    const httpOnly = new Set(['server', 'upstream', 'log_format', 'access_log']);
    if (!dirs.some((d) => d.name === 'http') && dirs.some((d) => httpOnly.has(d.name))) {
      this.httpProxy = mergeLevel(NGINX_DEFAULTS, dirs);
      this.http(dirs, this.httpProxy);
      return;
    }
    for (const d of dirs) {
      if (d.name === 'error_log') this.errorLog(d);
      else if (d.name === 'http' && d.block) {
        this.httpProxy = mergeLevel(NGINX_DEFAULTS, d.block);
        this.http(d.block, this.httpProxy);
      }
      // events, stream, mail: nothing the diagnosis of HTTP upstreams uses.
    }
  }

  private http(dirs: Directive[], proxy: ProxyLevel): void {
    const scope: Scope = { proxy, context: 'http', serverName: '', listen: '', path: '' };
    for (const d of dirs) {
      if (d.name === 'log_format') this.logFormat(d);
      else if (d.name === 'upstream' && d.block) this.upstream(d);
      else if (d.name === 'server' && d.block) this.server(d.block, proxy);
      else this.common(d, scope);
    }
  }

  private server(dirs: Directive[], parent: ProxyLevel): void {
    const names = dirs.find((d) => d.name === 'server_name');
    const listen = dirs.find((d) => d.name === 'listen');
    const serverName = names?.args[0] ?? '';
    const scope: Scope = {
      proxy: mergeLevel(parent, dirs),
      context: `http > server ${serverName || '(no name)'}`,
      serverName,
      listen: listen?.args[0] ?? '',
      path: '',
    };
    for (const d of dirs) {
      if (d.name === 'location' && d.block) this.location(d, d.args.join(' '), scope);
      else if (d.name === 'if' && d.block) this.ifBlock(d, scope);
      else this.common(d, scope);
    }
  }

  /** A location, a nested location, or an `if` / `limit_except` inside one: all inherit the same way. */
  private location(d: Directive, locPath: string, parent: Scope): void {
    const dirs = d.block ?? [];
    const isLocation = d.name === 'location';
    const own: Record<string, Place> = isLocation ? {} : { ...(parent.locationOwn ?? {}) };
    for (const c of dirs) if (c.name.startsWith('proxy_')) own[c.name] = placeOf(c);
    const scope: Scope = {
      ...parent,
      proxy: mergeLevel(parent.proxy, dirs),
      context: `${parent.context} > ${isLocation ? `location ${locPath}` : `${d.name} ${d.args.join(' ')}`}`,
      path: locPath,
      locationAt: isLocation ? d : parent.locationAt,
      locationOwn: own,
    };
    let match: LocationMatch | null = null;
    if (isLocation) {
      match = matchOf(d.args);
      if (match) this.matches.push(match);
    }
    const before = this.pending.length;
    for (const c of dirs) {
      if (c.name === 'location' && c.block) this.location(c, c.args.join(' '), scope);
      else if ((c.name === 'if' || c.name === 'limit_except') && c.block) this.location(c, `${locPath} ${c.name} ${c.args.join(' ')}`, scope);
      else if (c.name === 'proxy_pass') this.proxyPass(c, scope);
      else this.common(c, scope);
    }
    // The location's own proxy_pass (not a nested location's) makes its requests go upstream.
    if (match) {
      const mine = this.pending.slice(before).find((p) => p.loc.path === locPath);
      if (mine) mine.match = match;
    }
  }

  private ifBlock(d: Directive, parent: Scope): void {
    // `if` at server level only allows rewrite-module directives; nothing here to read but logs.
    const scope = { ...parent, context: `${parent.context} > if ${d.args.join(' ')}` };
    for (const c of d.block ?? []) this.common(c, scope);
  }

  private common(d: Directive, scope: Scope): void {
    if (d.name === 'access_log') this.accessLog(d, scope);
    else if (d.name === 'error_log') this.errorLog(d);
  }

  private proxyPass(d: Directive, scope: Scope): void {
    if (d.args.length !== 1) fail(d, '"proxy_pass" takes one URL');
    const target = parseProxyPass(d.args[0]);
    const at = scope.locationAt ?? d;
    this.pending.push({
      match: { modifier: '', pattern: '', proxied: null },
      loc: {
        at: placeOf(at),
        own: { ...(scope.locationOwn ?? {}) },
        serverName: scope.serverName,
        listen: scope.listen,
        path: scope.path,
        proxyPass: d.args[0],
        target: target.addr ? formatAddr(target.addr) : '',
      },
      proxy: scope.proxy,
      host: target.host,
    });
  }

  private logFormat(d: Directive): void {
    const [name, ...rest] = d.args;
    let escape: LogFormatDef['escape'] = 'default';
    if (rest.length > 0 && rest[0].startsWith('escape=')) {
      const e = rest.shift()!.slice('escape='.length);
      if (e !== 'default' && e !== 'json' && e !== 'none') fail(d, `log_format "${name}" has an unknown escape "${e}"`);
      escape = e;
    }
    if (name === undefined || rest.length === 0) fail(d, '"log_format" needs a name and a format');
    if (this.formats.has(name)) fail(d, `log_format "${name}" is defined twice`);
    // nginx joins the parameters with nothing in between: the spaces live inside the quoted parts.
    this.formats.set(name, { name, format: rest.join(''), escape });
  }

  private accessLog(d: Directive, scope: Scope): void {
    if (d.args.length === 0) fail(d, '"access_log" needs a path or "off"');
    if (d.args[0] === 'off') return;
    const format = d.args.length > 1 && !d.args[1].includes('=') ? d.args[1] : 'combined';
    this.accessLogs.push({ path: d.args[0], format, context: scope.context, at: d });
  }

  private errorLog(d: Directive): void {
    if (d.args.length === 0) fail(d, '"error_log" needs a path');
    const level = (d.args[1] ?? 'error') as ErrorLevel;
    if (!ERROR_LEVELS.includes(level)) fail(d, `error_log has an unknown level "${d.args[1]}"`);
    this.errorLogs.push({ path: d.args[0], level });
  }

  private upstream(d: Directive): void {
    const name = d.args[0];
    if (d.args.length !== 1) fail(d, '"upstream" takes one name');
    const key = name.toLowerCase();
    if (this.upstreams.has(key)) fail(d, `upstream "${name}" is defined twice`);
    const def: UpstreamDef = { name, at: placeOf(d), own: {}, servers: [], ...KEEPALIVE_DEFAULTS };
    for (const c of d.block ?? []) {
      if (c.name.startsWith('keepalive')) def.own[c.name] = placeOf(c);
      if (c.name === 'server') {
        const addr = c.args[0] === undefined ? null : parseHostPort(c.args[0], 80);
        if (!addr) fail(c, `upstream "${name}" has an unreadable server "${c.args[0] ?? ''}"`);
        def.servers.push(formatAddr(addr));
      } else if (c.name === 'keepalive') def.keepalive = countArg(c);
      else if (c.name === 'keepalive_timeout') def.keepaliveTimeout = timeArg(c);
      else if (c.name === 'keepalive_requests') def.keepaliveRequests = countArg(c);
    }
    this.upstreams.set(key, def);
  }

  finish(): NginxConfig {
    for (const a of this.accessLogs) {
      if (!this.formats.has(a.format)) fail(a.at, `access_log names an unknown log_format "${a.format}"`);
    }
    const locations = this.pending.map(({ loc, proxy, host, match }): LocationDef => {
      const up = this.upstreams.get(host);
      const def: LocationDef = {
        ...loc,
        group: up ? up.name : '',
        target: up ? '' : loc.target,
        settings: settingsOf(proxy, up),
      };
      match.proxied = def;
      return def;
    });
    return {
      logFormats: this.formats,
      accessLogs: this.accessLogs.map(({ path: p, format, context }) => ({ path: p, format, context })),
      errorLogs: this.errorLogs,
      upstreams: this.upstreams,
      locations,
      allLocations: this.matches,
      httpProxy: this.httpProxy,
    };
  }
}

function placeOf(d: Directive): Place {
  return { file: d.file, line: d.line, args: [...d.args] };
}

/** `location = /x`, `location ^~ /x`, `location ~* \.php$`, `location /x`; null for named locations (`@x`). */
function matchOf(args: string[]): LocationMatch | null {
  if (args.length === 2 && ['=', '^~', '~', '~*'].includes(args[0])) {
    return { modifier: args[0] as LocationMatch['modifier'], pattern: args[1], proxied: null };
  }
  if (args.length === 1) {
    const a = args[0];
    if (a.startsWith('@')) return null;
    for (const m of ['=', '^~', '~*', '~'] as const) if (a.startsWith(m) && a.length > m.length) return { modifier: m, pattern: a.slice(m.length), proxied: null };
    return { modifier: '', pattern: a, proxied: null };
  }
  return null;
}

function settingsOf(proxy: ProxyLevel, up: UpstreamDef | undefined): UpstreamSettings {
  return {
    group: up ? up.name : '',
    proxyReadTimeout: proxy.proxyReadTimeout,
    proxyConnectTimeout: proxy.proxyConnectTimeout,
    proxySendTimeout: proxy.proxySendTimeout,
    proxyNextUpstream: [...proxy.proxyNextUpstream],
    keepalive: up ? up.keepalive : KEEPALIVE_DEFAULTS.keepalive,
    keepaliveTimeout: up ? up.keepaliveTimeout : KEEPALIVE_DEFAULTS.keepaliveTimeout,
    keepaliveRequests: up ? up.keepaliveRequests : KEEPALIVE_DEFAULTS.keepaliveRequests,
  };
}

function build(dirs: Directive[]): NginxConfig {
  const r = new Reader();
  r.main(dirs);
  return r.finish();
}

/** Reads a configuration file with its includes, or a saved `nginx -T` dump. Throws NginxConfigError. */
export function readNginxConfig(file: string): NginxConfig {
  return build(loadNginxFile(file));
}

/**
 * Reads configuration text (a file's contents or `nginx -T` output). Includes in plain text resolve
 * on disk against `baseDir`; `name` is what error messages call the text.
 */
export function parseNginxConfigText(text: string, baseDir: string, name = 'nginx.conf'): NginxConfig {
  return build(loadNginxText(text, baseDir, name));
}

const sameSettings = (a: UpstreamSettings, b: UpstreamSettings): boolean =>
  a.proxyReadTimeout === b.proxyReadTimeout &&
  a.proxyConnectTimeout === b.proxyConnectTimeout &&
  a.proxySendTimeout === b.proxySendTimeout &&
  a.proxyNextUpstream.join(' ') === b.proxyNextUpstream.join(' ') &&
  a.keepalive === b.keepalive &&
  a.keepaliveTimeout === b.keepaliveTimeout &&
  a.keepaliveRequests === b.keepaliveRequests;

/**
 * One answer from several candidate locations. When they differ, the one with the smallest
 * proxy_read_timeout wins (then the smallest connect timeout, then configuration order):
 * the diagnosis compares response times with this limit and reads 504s as "hit the limit", so the
 * tightest limit any of these locations applies is the one a failing request may have met. Taking a
 * larger one would hide a real timeout; taking the smallest at worst warns early for a looser location.
 */
function pick(cands: UpstreamSettings[]): UpstreamSettings {
  if (cands.every((c) => sameSettings(c, cands[0]))) {
    const group = cands.every((c) => c.group === cands[0].group) ? cands[0].group : '';
    return { ...cands[0], group };
  }
  // Array.prototype.sort is stable, so ties keep configuration order.
  return [...cands].sort((a, b) => a.proxyReadTimeout - b.proxyReadTimeout || a.proxyConnectTimeout - b.proxyConnectTimeout)[0];
}

function groupSettings(conf: NginxConfig, up: UpstreamDef): UpstreamSettings {
  const locs = conf.locations.filter((l) => l.group === up.name).map((l) => l.settings);
  // A group only reached through variables (`proxy_pass http://$pool`) still gets the http-level values.
  return pick(locs.length > 0 ? locs : [settingsOf(conf.httpProxy, up)]);
}

/**
 * The settings nginx applies to one `$upstream_addr` value (`10.0.0.5:8080`, `[::1]:80`,
 * `unix:/run/app.sock`, or a group name when no peer was live). Null when the configuration proxies
 * nothing.
 */
export function upstreamSettingsFor(conf: NginxConfig, addr: string): UpstreamSettings | null {
  if (conf.locations.length === 0) return null;
  const wanted = addr.trim().toLowerCase();

  const byName = conf.upstreams.get(wanted);
  if (byName) return groupSettings(conf, byName);

  const groups = [...conf.upstreams.values()];
  const owning = groups.filter((g) =>
    g.servers.some((s) => {
      const hp = parseHostPort(s, 80);
      return hp !== null && addrAliases(hp).includes(wanted);
    }),
  );
  const direct = conf.locations.filter((l) => {
    const hp = l.target === '' ? null : parseHostPort(l.target, 80);
    return hp !== null && addrAliases(hp).includes(wanted);
  });
  if (owning.length > 0 || direct.length > 0) {
    return pick([...owning.map((g) => groupSettings(conf, g)), ...direct.map((l) => l.settings)]);
  }

  // Servers written as DNS names show up as the addresses they resolved to, which the configuration
  // cannot tell us; a port that only name-based servers use is the next best link.
  const seen = parseHostPort(wanted, 0);
  if (seen && seen.port !== 0) {
    const byPort = groups.filter((g) =>
      g.servers.some((s) => {
        const hp = parseHostPort(s, 80);
        return hp !== null && !isLiteralAddr(hp) && hp.port === seen.port;
      }),
    );
    const directByPort = conf.locations.filter((l) => {
      const hp = l.target === '' ? null : parseHostPort(l.target, 80);
      return hp !== null && !isLiteralAddr(hp) && hp.port === seen.port;
    });
    if (byPort.length > 0 || directByPort.length > 0) {
      return pick([...byPort.map((g) => groupSettings(conf, g)), ...directByPort.map((l) => l.settings)]);
    }
  }

  return pick(conf.locations.map((l) => l.settings));
}

/** A cached `upstreamSettingsFor` over one config (always null without one). */
export function settingsLookup(conf: NginxConfig | null): (addr: string) => UpstreamSettings | null {
  const cache = new Map<string, UpstreamSettings | null>();
  return (addr) => {
    if (!conf) return null;
    let s = cache.get(addr);
    if (s === undefined) cache.set(addr, (s = upstreamSettingsFor(conf, addr)));
    return s;
  };
}

/** `access.log.1`, `access.log.2.gz`, `access.log-20261203.gz` → `access.log`: the name a rotated log had. */
export function unrotatedName(name: string): string {
  return name.replace(/(\.\d+|-\d{8}(?:\d{2})?)?(\.(?:gz|xz|bz2|zst|lz4))?$/, '');
}

/**
 * The log_format an access log is written in: the access_log whose path matches `logPath` (exactly,
 * else by file name, else by the name it had before rotation), otherwise the first access_log in the
 * configuration, otherwise `combined`.
 */
export function accessLogFormat(conf: NginxConfig, logPath?: string): LogFormatDef {
  let chosen = conf.accessLogs[0];
  if (logPath !== undefined) {
    const name = path.basename(logPath);
    const exact = conf.accessLogs.find((a) => a.path === logPath);
    const byName = conf.accessLogs.find((a) => path.basename(a.path) === name);
    const byOldName = conf.accessLogs.find((a) => path.basename(a.path) === unrotatedName(name));
    chosen = exact ?? byName ?? byOldName ?? chosen;
  }
  return (chosen && conf.logFormats.get(chosen.format)) || conf.logFormats.get('combined')!;
}
