// Which location of the nginx config a request URI lands in, by nginx's own order (exact `=`, then the
// longest prefix, `^~` stopping there, then regexes in config order, then the longest prefix), and so
// whether the request went upstream and to which group. Used when the access log does not say
// (`combined` has no `$upstream_addr`): every proxied request can still be counted under its upstream.
// One simplification: without `$host` in the log the server block is not known, so the locations of all
// servers are searched together.
import type { LocationDef, LocationMatch, NginxConfig } from './config';

export interface Route {
  location: LocationDef;
  /** The key the request counts under: the group's only server as `$upstream_addr` shows it, else the group's name, or a direct proxy_pass address. */
  upstream: string;
}

const regexCache = new WeakMap<LocationMatch, RegExp | null>();

function regexOf(m: LocationMatch): RegExp | null {
  let re = regexCache.get(m);
  if (re === undefined) {
    try {
      re = new RegExp(m.pattern, m.modifier === '~*' ? 'i' : '');
    } catch {
      re = null; // a PCRE-only construct: that location is never matched here
    }
    regexCache.set(m, re);
  }
  return re;
}

/** The location a URI (path, query stripped) matches; null when none does. */
export function matchLocation(conf: NginxConfig, path: string): LocationMatch | null {
  let prefix: LocationMatch | null = null;
  for (const m of conf.allLocations) {
    if (m.modifier === '=' && m.pattern === path) return m;
    if ((m.modifier === '' || m.modifier === '^~') && path.startsWith(m.pattern) && (!prefix || m.pattern.length > prefix.pattern.length)) prefix = m;
  }
  if (prefix?.modifier === '^~') return prefix;
  for (const m of conf.allLocations) {
    if ((m.modifier === '~' || m.modifier === '~*') && regexOf(m)?.test(path)) return m;
  }
  return prefix;
}

/** The URI path of a request line (`GET /a/b?x=1 HTTP/1.1` → `/a/b`); '' when it has none. */
export function requestPath(request: string): string {
  const sp = request.indexOf(' ');
  if (sp < 0) return request.startsWith('/') ? request.split('?')[0] : '';
  const rest = request.slice(sp + 1);
  const end = rest.search(/[ ?#]/);
  const target = end < 0 ? rest : rest.slice(0, end);
  // An absolute-form target (`GET http://host/x`) still routes by its path.
  if (!target.startsWith('/')) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(target);
    return m ? (m[1] ?? '/') : '';
  }
  return target;
}

/** Where nginx sent this request, or null when it served it itself (static, return, no location). */
export function routeRequest(conf: NginxConfig, request: string): Route | null {
  const path = requestPath(request);
  if (!path) return null;
  const loc = matchLocation(conf, path)?.proxied;
  if (!loc) return null;
  if (loc.group) {
    const up = conf.upstreams.get(loc.group.toLowerCase());
    if (!up) return null;
    return { location: loc, upstream: up.servers.length === 1 ? up.servers[0] : up.name };
  }
  return loc.target ? { location: loc, upstream: loc.target } : null;
}
