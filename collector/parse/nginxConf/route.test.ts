import { parseNginxConfigText } from './config';
import { matchLocation, requestPath, routeRequest } from './route';

const conf = parseNginxConfigText(`
http {
  upstream app { server 10.0.0.5:8080; }
  upstream pool { server 10.0.0.6:8080; server 10.0.0.7:8080; }
  upstream sock { server unix:/run/app.sock; }
  server {
    listen 80;
    location / { proxy_pass http://app; }
    location /static/ { root /srv; }
    location ^~ /pool/ { proxy_pass http://pool; }
    location ~ \\.php$ { proxy_pass http://127.0.0.1:9000; }
    location = /health { return 200; }
    location /sock/ { proxy_pass http://sock; }
  }
}
`, '/etc/nginx');

describe('routing a request the way nginx does', () => {
  it.each([
    ['GET /api/x?y=1 HTTP/1.1', '10.0.0.5:8080'],
    ['GET /static/a.css HTTP/1.1', null],
    ['GET /pool/a.php HTTP/1.1', 'pool'],
    ['POST /index.php HTTP/1.1', '127.0.0.1:9000'],
    ['GET /health HTTP/1.1', null],
    ['GET /sock/ HTTP/1.1', 'unix:/run/app.sock'],
    ['GET http://example.com/api HTTP/1.1', '10.0.0.5:8080'],
    ['garbage', null],
  ])('%s → %s', (request, upstream) => {
    expect(routeRequest(conf, request)?.upstream ?? null).toBe(upstream);
  });

  it('reads the path of a request line', () => {
    expect(requestPath('GET /a/b?x=1 HTTP/1.1')).toBe('/a/b');
    expect(requestPath('GET /a')).toBe('/a');
    expect(requestPath('-')).toBe('');
    expect(matchLocation(conf, '/static/x')?.proxied).toBeNull();
  });
});
