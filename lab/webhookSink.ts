// A webhook receiver on 127.0.0.1 that records what Alertmanager posts, by path (one path per receiver),
// standing in for the pager and the ticket system at the end of the routing tree.
import * as http from 'node:http';

export interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface Delivery {
  /** The request path: `/<receiver name>`. */
  path: string;
  at: number;
  receiver: string;
  status: string;
  alerts: WebhookAlert[];
}

export interface WebhookSink {
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
const MAX_DELIVERIES = 1000;

export function startWebhookSink(): Promise<WebhookSink> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    let tooBig = false;
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      if (body.length + c.length > MAX_BODY) tooBig = true;
      else body += c;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || tooBig) {
        res.writeHead(req.method !== 'POST' ? 405 : 413).end();
        return;
      }
      try {
        const msg = JSON.parse(body) as { receiver: string; status: string; alerts: WebhookAlert[] };
        if (deliveries.length < MAX_DELIVERIES) {
          deliveries.push({ path: req.url ?? '/', at: Date.now(), receiver: msg.receiver, status: msg.status, alerts: msg.alerts ?? [] });
        }
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        deliveries,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
