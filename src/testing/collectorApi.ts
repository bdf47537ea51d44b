// The collector's own HTTP server (collector/serve/server.ts) on a free loopback port, answering
// /api/diagnosis with the engine's diagnosis of recorded logs, for the jsdom tests of the page and the
// panel: the same routes, validation and headers as `watch`, without tailing anything. It also keeps the
// requests it was asked, so a test can check what the view asked for. (The browser tests run the real
// `watch` instead: src/page/testing/watchServer.ts.)
import type { AddressInfo } from 'net';
import { buildDiagnosis, type DiagnosisSources } from '../../collector/report/diagnosis';
import { createCollectorServer, listen } from '../../collector/serve/server';

export interface CollectorApi {
  /** Base URL, ending in '/'. */
  url: string;
  /** Every request path with its query, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startCollectorApi(sources: DiagnosisSources): Promise<CollectorApi> {
  const requests: string[] = [];
  const server = createCollectorServer({
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: '' }),
    diagnosis: (q) => buildDiagnosis(sources, q),
    health: () => ({ status: 'ok' }),
    pageDir: null,
  });
  server.on('request', (req) => requests.push(req.url ?? ''));
  await listen(server, '127.0.0.1', 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
