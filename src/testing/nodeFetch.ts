// A small `fetch` over Node's http module for jsdom tests, which have no fetch of their own: the panel
// and the page talk to a real loopback server in those tests, not to a stub.
import http from 'http';

export const nodeFetch = ((input: string | URL, init?: { signal?: AbortSignal }) =>
  new Promise((resolve, reject) => {
    const req = http.get(String(input), (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, statusText: res.statusMessage ?? '', text: async () => body });
      });
      res.on('error', reject);
    });
    req.on('error', (e) => reject(new TypeError(`fetch failed: ${e.message}`)));
    init?.signal?.addEventListener('abort', () => {
      req.destroy();
      reject(new DOMException('aborted', 'AbortError'));
    });
  })) as unknown as typeof fetch;
