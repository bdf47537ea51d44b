// Where the plugin looks for its config, what it refuses, and the update interval Netdata passes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/watchConfig';
import { configCandidates, loadPluginConfig, updateEveryFrom } from './pluginConfig';

function dirWith(text: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'ud-ndconf-'));
  if (text !== null) writeFileSync(join(dir, 'upstream_doctor.conf'), text);
  return dir;
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('plugin config', () => {
  it('is looked for in the user config dir, then the stock one, /etc/netdata by default', () => {
    expect(configCandidates({})).toEqual(['/etc/netdata/upstream_doctor.conf']);
    expect(configCandidates({ NETDATA_USER_CONFIG_DIR: '/u', NETDATA_STOCK_CONFIG_DIR: '/s' })).toEqual(['/u/upstream_doctor.conf', '/s/upstream_doctor.conf']);
  });

  it('reads the watch keys, relative paths against the file', () => {
    const user = dirWith('access: [logs/access.log]\nerror: logs/error.log\nstart_at: beginning\nwindow: 5s\nlabels: {host: web-1}\n');
    const { file, watch } = loadPluginConfig({ NETDATA_USER_CONFIG_DIR: user });
    expect(file).toBe(join(user, 'upstream_doctor.conf'));
    expect(watch.access).toEqual([join(user, 'logs/access.log')]);
    expect(watch.error).toEqual([join(user, 'logs/error.log')]);
    expect(watch.startAt).toBe('beginning');
    expect(watch.windowMs).toBe(5000);
    expect(watch.labels).toEqual({ host: 'web-1' });
  });

  it('prefers the user file over the stock one', () => {
    const user = dirWith('access: /u.log\n');
    const stock = dirWith('access: /s.log\n');
    expect(loadPluginConfig({ NETDATA_USER_CONFIG_DIR: user, NETDATA_STOCK_CONFIG_DIR: stock }).watch.access).toEqual(['/u.log']);
    expect(loadPluginConfig({ NETDATA_USER_CONFIG_DIR: dirWith(null), NETDATA_STOCK_CONFIG_DIR: stock }).watch.access).toEqual(['/s.log']);
  });

  it('names the file to write when there is none', () => {
    const user = dirWith(null);
    expect(errorOf(() => loadPluginConfig({ NETDATA_USER_CONFIG_DIR: user }))).toBe(
      `no config: write ${join(user, 'upstream_doctor.conf')} with at least \`access: [/var/log/nginx/access.log]\``,
    );
  });

  it('names the file and the key for every mistake', () => {
    const env = (text: string) => ({ NETDATA_USER_CONFIG_DIR: dirWith(text) });
    expect(errorOf(() => loadPluginConfig(env('access: /a.log\nacess_log: /b.log\n')))).toMatch(/upstream_doctor\.conf: config: unknown setting "acess_log"/);
    expect(errorOf(() => loadPluginConfig(env('access: /a.log\nlisten: 127.0.0.1:9797\n')))).toMatch(/"listen" is not used by the Netdata plugin/);
    expect(errorOf(() => loadPluginConfig(env('error: /e.log\n')))).toMatch(/upstream_doctor\.conf: no access log to watch/);
    expect(errorOf(() => loadPluginConfig(env('access: /a.log\nwindow: soon\n')))).toMatch(/window: expected a duration/);
    expect(errorOf(() => loadPluginConfig(env('access: [/a.log\n')))).toMatch(/is not valid YAML/);
    expect(errorOf(() => loadPluginConfig(env('- access\n')))).toMatch(/expected a mapping/);
  });

  it('accepts the example config shipped in netdata/, with every commented key switched on too', () => {
    const shipped = join(__dirname, '..', '..', 'netdata');
    expect(loadPluginConfig({ NETDATA_USER_CONFIG_DIR: shipped }).watch.access).toEqual(['/var/log/nginx/access.log']);
    const text = readFileSync(join(shipped, 'upstream_doctor.conf'), 'utf8').replace(/^# ([a-z_]+:)/gm, '$1');
    const all = loadPluginConfig({ NETDATA_USER_CONFIG_DIR: dirWith(text) }).watch;
    expect(all.kernelLog).toBe('/var/log/kern.log');
    expect(all.stubStatus).toBe('http://127.0.0.1/nginx_status');
    expect(all.checkpoint).toBe('/var/lib/netdata/upstream_doctor.checkpoint.json');
    expect(all.labels).toEqual({ cluster: 'eu-1' });
  });

  it('takes update_every from the argument, then NETDATA_UPDATE_EVERY, else 1', () => {
    expect(updateEveryFrom(['5'], { NETDATA_UPDATE_EVERY: '2' })).toBe(5);
    expect(updateEveryFrom([], { NETDATA_UPDATE_EVERY: '2' })).toBe(2);
    expect(updateEveryFrom([], {})).toBe(1);
    expect(errorOf(() => updateEveryFrom(['0'], {}))).toMatch(/update_every/);
    expect(errorOf(() => updateEveryFrom(['1.5'], {}))).toMatch(/update_every/);
    expect(errorOf(() => updateEveryFrom(['fast'], {}))).toMatch(/update_every/);
  });
});
