// The plugin's settings: `upstream_doctor.conf` in Netdata's user config directory (Netdata passes it to
// plugins as NETDATA_USER_CONFIG_DIR; /etc/netdata on Debian), else in the stock config directory
// (NETDATA_STOCK_CONFIG_DIR) where a package may ship one. The same YAML keys as `upstream-doctor watch
// --config`, validated the same way, minus the ones that only make sense with an HTTP server.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { settingFor } from '../config/settings';
import { ConfigError, buildConfig, loadConfigFile, type WatchConfig } from '../config/watchConfig';

export const CONFIG_FILE_NAME = 'upstream_doctor.conf';
const DEFAULT_USER_DIR = '/etc/netdata';

/** Why the plugin refuses the settings the table marks as the HTTP server's. */
const NO_HTTP = 'the plugin opens no port: Netdata serves the charts (use `upstream-doctor watch` for /metrics and the API)';

/** Where the config is looked for, first match wins. */
export function configCandidates(env: NodeJS.ProcessEnv): string[] {
  const user = env.NETDATA_USER_CONFIG_DIR || DEFAULT_USER_DIR;
  const out = [join(user, CONFIG_FILE_NAME)];
  if (env.NETDATA_STOCK_CONFIG_DIR) out.push(join(env.NETDATA_STOCK_CONFIG_DIR, CONFIG_FILE_NAME));
  return out;
}

export interface PluginConfig {
  file: string;
  watch: WatchConfig;
}

/** Finds, reads and validates the config; every problem is a ConfigError with a one-line message. */
export function loadPluginConfig(env: NodeJS.ProcessEnv): PluginConfig {
  const candidates = configCandidates(env);
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    throw new ConfigError(`no config: write ${candidates[0]} with at least \`access: [/var/log/nginx/access.log]\``);
  }
  const raw = loadConfigFile(file);
  for (const key of Object.keys(raw)) {
    if (settingFor(key)?.http) throw new ConfigError(`${file}: "${key}" is not used by the Netdata plugin: ${NO_HTTP}`);
  }
  try {
    return { file, watch: buildConfig(raw, {}) };
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${file}: ${e.message}`);
    throw e;
  }
}

/**
 * The collection interval: Netdata passes it as the first argument (from `[plugin:upstream_doctor]
 * update every`, else the global `update every`); NETDATA_UPDATE_EVERY and 1 s are the fallbacks.
 */
export function updateEveryFrom(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  for (const v of [argv[0], env.NETDATA_UPDATE_EVERY]) {
    if (v === undefined || v === '') continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 86_400) throw new ConfigError(`update_every: expected whole seconds from 1 to 86400, got "${v}"`);
    return n;
  }
  return 1;
}
