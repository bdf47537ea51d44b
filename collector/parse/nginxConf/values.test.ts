import { addrAliases, formatAddr, isLiteralAddr, parseHostPort, parseNginxTime, parseProxyPass } from './values';

describe('parseNginxTime', () => {
  // Accept/reject verdicts checked against `nginx -t` 1.22 with proxy_read_timeout (msec) and
  // ssl_session_timeout (sec).
  it.each([
    ['60', 60],
    ['60s', 60],
    ['500ms', 0.5],
    ['1m30s', 90],
    ['1m30', 90],
    ['1m 30s', 90],
    ['1h30m20s10ms', 5420.01],
    ['2h', 7200],
    ['1d', 86400],
    ['1w', 604800],
    ['0', 0],
  ])('msec value %j = %d s', (text, seconds) => {
    expect(parseNginxTime(text)).toBeCloseTo(seconds, 6);
  });

  it.each(['', '30s1m', '1h 1h', '1.5s', '1 m', 'abc', '5x', '1M', '1y', '-1s'])('msec value %j is rejected', (text) => {
    expect(parseNginxTime(text)).toBeNaN();
  });

  it('allows months and years only where nginx keeps seconds', () => {
    expect(parseNginxTime('1M', 'sec')).toBe(30 * 86400);
    expect(parseNginxTime('1y2M', 'sec')).toBe(425 * 86400);
    expect(parseNginxTime('10ms', 'sec')).toBeNaN();
  });
});

describe('parseHostPort', () => {
  it.each([
    ['10.0.0.5', '10.0.0.5:80'],
    ['10.0.0.5:8080', '10.0.0.5:8080'],
    ['App.Internal:9000', 'app.internal:9000'],
    ['[::1]', '[::1]:80'],
    ['[::1]:8083', '[::1]:8083'],
    ['::1', '[::1]:80'],
    ['unix:/run/app.sock', 'unix:/run/app.sock'],
  ])('%j → %j', (text, addr) => {
    const hp = parseHostPort(text, 80);
    expect(hp && formatAddr(hp)).toBe(addr);
  });

  it.each(['', 'unix:', '$backend', 'host:port', 'host:0', 'host:70000', '[::1', '[::1]x'])('%j is not an address', (text) => {
    expect(parseHostPort(text, 80)).toBeNull();
  });

  it('knows literal addresses from names', () => {
    expect(isLiteralAddr(parseHostPort('10.1.2.3', 80)!)).toBe(true);
    expect(isLiteralAddr(parseHostPort('[::1]', 80)!)).toBe(true);
    expect(isLiteralAddr(parseHostPort('unix:/x', 80)!)).toBe(true);
    expect(isLiteralAddr(parseHostPort('backend', 80)!)).toBe(false);
  });

  it('spells localhost as the loopback addresses nginx logs', () => {
    expect(addrAliases(parseHostPort('localhost:9200', 80)!)).toEqual(['127.0.0.1:9200', '[::1]:9200', 'localhost:9200']);
  });
});

describe('parseProxyPass', () => {
  it.each([
    ['http://app_pool', 'app_pool', 'app_pool:80'],
    ['http://App_Pool/api/', 'app_pool', 'app_pool:80'],
    ['https://10.0.0.5', '10.0.0.5', '10.0.0.5:443'],
    ['http://127.0.0.1:9100', '127.0.0.1:9100', '127.0.0.1:9100'],
    ['http://[::1]:9100/x', '[::1]:9100', '[::1]:9100'],
    ['http://unix:/run/app.sock:/api/', 'unix:/run/app.sock', 'unix:/run/app.sock'],
    ['http://unix:/run/app.sock', 'unix:/run/app.sock', 'unix:/run/app.sock'],
  ])('%j → host %j, address %j', (url, host, addr) => {
    const t = parseProxyPass(url);
    expect(t.host).toBe(host);
    expect(t.addr && formatAddr(t.addr)).toBe(addr);
  });

  it.each(['http://$backend', 'http://$host:8080/x', 'no-scheme', 'http://unix:$sock'])('%j has no fixed target', (url) => {
    expect(parseProxyPass(url)).toEqual({ host: '', addr: null });
  });
});
