// Values inside nginx directives: times, upstream server addresses and proxy_pass targets, each reduced
// to the form `$upstream_addr` uses so that log lines and configuration can be compared.

const UNIT_SECONDS: Record<string, number> = {
  y: 365 * 86400,
  M: 30 * 86400,
  w: 7 * 86400,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};
const UNIT_ORDER = ['y', 'M', 'w', 'd', 'h', 'm', 's', 'ms'];

/**
 * Seconds in an nginx time value (`90`, `1m30s`, `1m30`, `500ms`, `1h 5m`), NaN when nginx would reject
 * it. A bare number means seconds, also as the last part (`5m3`); units go from larger to smaller, each
 * at most once; no fractions; a space may follow a unit only. Directives kept in milliseconds
 * (`kind` 'msec', every timeout read here) refuse `M` and `y`; those kept in seconds refuse `ms`.
 */
export function parseNginxTime(value: string, kind: 'sec' | 'msec' = 'msec'): number {
  const text = value.trim();
  if (text === '') return NaN;
  let total = 0;
  let lastUnit = -1;
  let pos = 0;
  while (pos < text.length) {
    const digits = /^\d+/.exec(text.slice(pos, pos + 24));
    if (!digits) return NaN;
    pos += digits[0].length;
    let unit = 's';
    if (text.startsWith('ms', pos)) unit = 'ms';
    else if (pos < text.length && 'yMwdhms'.includes(text[pos])) unit = text[pos];
    else if (pos < text.length) return NaN;
    const order = UNIT_ORDER.indexOf(unit);
    if (order <= lastUnit) return NaN;
    if (kind === 'msec' ? unit === 'M' || unit === 'y' : unit === 'ms') return NaN;
    lastUnit = order;
    total += Number(digits[0]) * UNIT_SECONDS[unit];
    pos += pos < text.length ? unit.length : 0;
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
  }
  return total;
}

export interface HostPort {
  /** Lower-cased host name or address; IPv6 in brackets; `unix:/path` for sockets (port 0). */
  host: string;
  port: number;
}

/** `host:port` as `$upstream_addr` writes it (`[::1]:8080`, `unix:/run/app.sock`). */
export const formatAddr = (a: HostPort): string => (a.host.startsWith('unix:') ? a.host : `${a.host}:${a.port}`);

/**
 * Splits an address as written in `server` or `proxy_pass` (`10.0.0.1`, `app:8080`, `[::1]:80`,
 * `unix:/run/app.sock`) into host and port, with `defaultPort` when none is written. Null when the
 * text is not an address (a variable, an empty string, a bad port).
 */
export function parseHostPort(text: string, defaultPort: number): HostPort | null {
  if (text === '' || text.includes('$')) return null;
  if (text.startsWith('unix:')) return text.length > 5 ? { host: text, port: 0 } : null;
  let host: string;
  let portText = '';
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return null;
    host = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (rest[0] !== ':') return null;
      portText = rest.slice(1);
    }
  } else {
    const colon = text.lastIndexOf(':');
    // More than one colon without brackets is an IPv6 address with no port.
    if (colon >= 0 && text.indexOf(':') === colon) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    } else if (colon >= 0) {
      host = `[${text}]`;
    } else {
      host = text;
    }
  }
  if (host === '' || host === '[]') return null;
  let port = defaultPort;
  if (portText !== '') {
    if (!/^\d{1,5}$/.test(portText)) return null;
    port = Number(portText);
    if (port < 1 || port > 65535) return null;
  }
  return { host: host.toLowerCase(), port };
}

export interface ProxyTarget {
  /** The host part as written, lower-cased: an upstream name or an address. '' when it holds variables. */
  host: string;
  /** The address nginx connects to when `host` is not an upstream name. Null when unknown. */
  addr: HostPort | null;
}

/** Parses `http://host:port/uri`, `https://…`, `http://unix:/path:/uri`; variables leave it unknown. */
export function parseProxyPass(url: string): ProxyTarget {
  const m = /^([a-z]+):\/\//i.exec(url);
  if (!m) return { host: '', addr: null };
  const scheme = m[1].toLowerCase();
  const rest = url.slice(m[0].length);
  if (rest.startsWith('unix:')) {
    // The socket path ends at the next `:` (before the URI), or runs to the end.
    const end = rest.indexOf(':', 5);
    const sock = end < 0 ? rest : rest.slice(0, end);
    if (sock.includes('$')) return { host: '', addr: null };
    return { host: sock, addr: parseHostPort(sock, 0) };
  }
  const slash = rest.indexOf('/');
  const hostPort = slash < 0 ? rest : rest.slice(0, slash);
  if (hostPort.includes('$')) return { host: '', addr: null };
  const addr = parseHostPort(hostPort, scheme === 'https' ? 443 : 80);
  return { host: hostPort.toLowerCase(), addr };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** True for a literal IP address or a socket; false for a DNS name nginx resolved at start-up. */
export const isLiteralAddr = (a: HostPort): boolean =>
  a.host.startsWith('unix:') || a.host.startsWith('[') || IPV4.test(a.host);

/**
 * The `$upstream_addr` spellings an address may appear as. `localhost` resolves to the loopback
 * addresses, which is what nginx then writes in the log.
 */
export function addrAliases(a: HostPort): string[] {
  if (a.host === 'localhost') return [`127.0.0.1:${a.port}`, `[::1]:${a.port}`, `localhost:${a.port}`];
  return [formatAddr(a)];
}
