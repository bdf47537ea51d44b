// A small loopback HTTP server that does what `upstream-doctor watch` does for the page: serves
// build/page/index.html at `/` and the real diagnosis of the logs it was given at `/api/diagnosis`.
// The browser tests use it; `watch` replaces it in production. Node only, never bundled.
import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import { buildDiagnosis, type DiagnosisSources } from '../../collector/report/diagnosis';
import { parseTime } from './query';

export interface PageServer {
  url: string;
  /** Every request path with its query, in order: what the page asked for. */
  requests: string[];
  close(): Promise<void>;
}

export interface PageServerOptions {
  sources: DiagnosisSources;
  pageFile: string;
  host?: string;
  port?: number;
}

export async function startPageServer(opts: PageServerOptions): Promise<PageServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, {
        'Content-Type': type,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      let page: Buffer;
      try {
        page = fs.readFileSync(opts.pageFile);
      } catch {
        return send(500, 'text/plain', `page not built: ${opts.pageFile} (run npm run build)\n`);
      }
      return send(200, 'text/html; charset=utf-8', page);
    }
    if (url.pathname === '/api/diagnosis') {
      const q: { from?: number; to?: number; upstream?: string } = {};
      for (const key of ['from', 'to'] as const) {
        const raw = url.searchParams.get(key);
        if (raw === null) continue;
        const t = parseTime(raw);
        if (t === undefined) return send(400, 'application/json', JSON.stringify({ error: `${key} must be RFC 3339 or epoch milliseconds` }));
        q[key] = t;
      }
      const upstream = url.searchParams.get('upstream');
      if (upstream) q.upstream = upstream;
      return send(200, 'application/json', JSON.stringify(buildDiagnosis(opts.sources, q)));
    }
    send(404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
