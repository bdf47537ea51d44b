// The collector's HTTP side: /metrics for Prometheus, /api/diagnosis for the panel and the page, and the
// NOC page itself. Binds where it is told (loopback by default); answers bad input with 400 and a reason.
// Every response carries a Content Security Policy: a document's allows exactly its own inline code
// (pagePolicy.ts), anything else's allows nothing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Diagnosis, DiagnosisQuery } from '../report/diagnosis';
import { renderFallbackPage } from './fallbackPage';
import { documentPolicy, NOTHING_POLICY } from './pagePolicy';
import { BadRequest, parseDiagnosisQuery } from './query';

export interface ServerHandlers {
  metrics(): Promise<{ contentType: string; body: string }>;
  diagnosis(q: DiagnosisQuery): Diagnosis;
  health(): Record<string, unknown>;
  /** Folder holding the built page (index.html and its assets); null serves the plain fallback page. */
  pageDir: string | null;
  /**
   * Origin allowed to read the API from a browser (the Grafana URL, for the panel's drill-down). None by
   * default: the API carries log text, and a page on another site must not read it off localhost.
   */
  corsOrigin?: string | null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': NOTHING_POLICY,
  'referrer-policy': 'no-referrer',
};

export function createCollectorServer(h: ServerHandlers): Server {
  return createServer((req, res) => {
    handle(h, req, res).catch((e: Error) => send(res, 500, 'application/json', JSON.stringify({ error: e.message })));
  });
}

export function listen(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? { host: a.address, port: a.port } : { host, port });
    });
  });
}

async function handle(h: ServerHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'application/json', JSON.stringify({ error: 'only GET' }), { allow: 'GET, HEAD' });
  }
  const url = new URL(req.url ?? '/', 'http://collector');
  switch (url.pathname) {
    case '/metrics': {
      const m = await h.metrics();
      return send(res, 200, m.contentType, m.body);
    }
    case '/api/diagnosis':
    case '/api/series': {
      let q: DiagnosisQuery;
      try {
        q = parseDiagnosisQuery(url.searchParams);
      } catch (e) {
        if (e instanceof BadRequest) return send(res, 400, 'application/json', JSON.stringify({ error: e.message }));
        throw e;
      }
      const d = h.diagnosis(q);
      const cors: Record<string, string> = h.corsOrigin ? { 'access-control-allow-origin': h.corsOrigin, vary: 'Origin' } : {};
      return send(res, 200, 'application/json', JSON.stringify(url.pathname === '/api/series' ? d.series : d), cors);
    }
    case '/healthz':
      return send(res, 200, 'application/json', JSON.stringify(h.health()));
    default:
      return servePage(h, url.pathname, res);
  }
}

async function servePage(h: ServerHandlers, pathname: string, res: ServerResponse): Promise<void> {
  if (!h.pageDir) {
    if (pathname === '/' || pathname === '/index.html') return sendDocument(res, renderFallbackPage(h.diagnosis({})));
    return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
  }
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = normalize(join(h.pageDir, rel));
  if (!file.startsWith(normalize(h.pageDir) + sep)) return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    const body = await readFile(file);
    if (extname(file) === '.html') return sendDocument(res, body.toString('utf8'));
    return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
  } catch {
    return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
  }
}

/** An HTML page, with a policy that lets exactly its own inline script and style run. */
function sendDocument(res: ServerResponse, html: string): void {
  send(res, 200, TYPES['.html'], html, { 'content-security-policy': documentPolicy(html) });
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
