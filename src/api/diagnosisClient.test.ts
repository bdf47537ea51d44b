import http from 'http';
import type { AddressInfo } from 'net';
import { startCollectorApi, type CollectorApi } from '../testing/collectorApi';
import { sampleSources } from '../testing/samples';
import { DiagnosisApiError, diagnosisUrl, fetchDiagnosis, parseDiagnosis } from './diagnosisClient';

describe('diagnosisUrl', () => {
  it('asks relative to the base, so a collector behind a sub-path is reached there', () => {
    expect(diagnosisUrl('http://h:9464')).toBe('http://h:9464/api/diagnosis');
    expect(diagnosisUrl('http://h:9464/')).toBe('http://h:9464/api/diagnosis');
    expect(diagnosisUrl('https://proxy/doctor')).toBe('https://proxy/doctor/api/diagnosis');
  });

  it('passes from/to as epoch ms and the upstream encoded', () => {
    const u = new URL(diagnosisUrl('http://h/', { from: 1000.4, to: 2000.2, upstream: '10.0.0.1:80 &x' }));
    expect(u.searchParams.get('from')).toBe('1000');
    expect(u.searchParams.get('to')).toBe('2001');
    expect(u.searchParams.get('upstream')).toBe('10.0.0.1:80 &x');
  });

  it('leaves out what is not set', () => {
    expect(diagnosisUrl('http://h/', { upstream: null, from: NaN })).toBe('http://h/api/diagnosis');
  });

  it('rejects a base that is not a URL with a typed one-line error', () => {
    expect(() => diagnosisUrl('not a url')).toThrow(DiagnosisApiError);
  });
});

describe('parseDiagnosis', () => {
  const good = { likely_cause: 'healthy', flowchart_path: ['A', 'O'], causes: [{ id: 'healthy', score: 1, evidence: [] }], series: { points: [] } };

  it('accepts the fields the view needs', () => {
    expect(parseDiagnosis(good).likely_cause).toBe('healthy');
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['no likely_cause', { ...good, likely_cause: undefined }],
    ['a path of numbers', { ...good, flowchart_path: [1, 2] }],
    ['causes not a list', { ...good, causes: {} }],
    ['a cause without a score', { ...good, causes: [{ id: 'x' }] }],
    ['evidence that is not strings', { ...good, causes: [{ id: 'x', score: 1, evidence: [{}] }] }],
    ['no series', { ...good, series: undefined }],
    ['points not a list', { ...good, series: { points: 3 } }],
  ])('rejects %s', (_, json) => {
    expect(() => parseDiagnosis(json)).toThrow(DiagnosisApiError);
  });
});

describe('fetchDiagnosis against a real loopback server', () => {
  let server: CollectorApi;
  let raw: http.Server;
  let rawUrl: string;

  beforeAll(async () => {
    server = await startCollectorApi(await sampleSources('backend_crash'));
    raw = http.createServer((req, res) => {
      if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('{}'), 2000).unref();
      if (req.url?.startsWith('/html')) return void res.end('<html>not json</html>');
      res.writeHead(500);
      res.end('boom\n  at line 1');
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server.close();
    raw.closeAllConnections();
    await new Promise((r) => raw.close(r));
  });

  it('returns the engine’s diagnosis for the window asked', async () => {
    const d = await fetchDiagnosis(diagnosisUrl(server.url));
    expect(d.likely_cause).toBe('backend_crash');
    expect(server.requests).toContain('/api/diagnosis');
  });

  it('reports an HTTP error with its status and a one-line excerpt', async () => {
    const err = await fetchDiagnosis(`${rawUrl}/api/diagnosis`).catch((e) => e);
    expect(err).toBeInstanceOf(DiagnosisApiError);
    expect(err.status).toBe(500);
    expect(err.message).toBe('collector API answered 500: boom at line 1');
  });

  it('reports a body that is not JSON', async () => {
    await expect(fetchDiagnosis(`${rawUrl}/html`)).rejects.toThrow('did not return JSON');
  });

  it('reports a collector that does not listen, with the likely reasons', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(fetchDiagnosis(`http://127.0.0.1:${port}/api/diagnosis`)).rejects.toThrow(/did not answer.*CORS/);
  });

  it('gives up after the timeout', async () => {
    await expect(fetchDiagnosis(`${rawUrl}/slow`, { timeoutMs: 100 })).rejects.toThrow('timed out');
  });

  it('answers 400 for a time that is neither RFC 3339 nor epoch ms', async () => {
    await expect(fetchDiagnosis(`${server.url}api/diagnosis?from=yesterday`)).rejects.toMatchObject({ status: 400 });
  });
});
