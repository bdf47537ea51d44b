// `upstream-doctor watch`: the live collector behind /metrics, /api/diagnosis and the NOC page.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, optionName } from '../config/settings';
import { ConfigError, buildConfig, loadConfigFile } from '../config/watchConfig';
import { LiveCollector } from '../live/liveCollector';
import { startReplay, type Replay } from '../sources/replay';
import { createCollectorServer, listen } from '../serve/server';
import { NginxConfigError } from '../parse/nginxConf/config';
import { CheckpointError } from '../tail/checkpoint';
import { CliError, EXIT } from './errors';

/** Parsed flags: one per setting (under its camelCase name) plus `config` and `replay`. */
export type WatchFlags = Record<string, unknown> & { config?: string; replay?: string };

/** Where the built page lives: build/page beside build/collector. */
export function pageDir(): string | null {
  const dir = join(__dirname, '..', '..', 'page');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/**
 * SIGINT and SIGTERM caught from the first moment, so one that arrives while watch starts up (a test or a
 * service manager may send it as soon as the port is announced) still ends in a clean stop.
 */
function stopSignals(): { stopped: Promise<string>; dispose(): void } {
  let resolve!: (signal: string) => void;
  const stopped = new Promise<string>((r) => (resolve = r));
  const onInt = () => resolve('SIGINT');
  const onTerm = () => resolve('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

export async function runWatch(flags: WatchFlags): Promise<void> {
  const signals = stopSignals();
  try {
    await watchUntilStopped(flags, signals.stopped);
  } finally {
    signals.dispose();
  }
}

async function watchUntilStopped(flags: WatchFlags, stopped: Promise<string>): Promise<void> {
  const log = (line: string) => process.stderr.write(`upstream-doctor: ${line}\n`);
  let replay: Replay | null = null;
  if (flags.replay) {
    replay = await startReplay(flags.replay).catch((e: Error) => {
      throw new CliError(`replay: ${e.message}`, EXIT.input);
    });
    log(`replaying ${flags.replay} into ${replay.dir} in real time`);
  }
  let collector: LiveCollector;
  try {
    const file = flags.config ? loadConfigFile(flags.config) : {};
    const raw: Record<string, unknown> = {};
    for (const s of SETTINGS) raw[s.key] = flags[optionName(s)];
    if (replay) {
      // The replay stands in for the logs; the sample's nginx.conf gives its formats and timeouts.
      Object.assign(raw, { access: [replay.files.access], error: [replay.files.error], kernel_log: replay.files.kernel, start_at: 'beginning' });
      const conf = join(flags.replay!, 'nginx.conf');
      if (raw.nginx_conf === undefined && existsSync(conf)) raw.nginx_conf = conf;
    }
    const cfg = buildConfig(file, raw);
    collector = await LiveCollector.create(cfg, log);
  } catch (e) {
    await replay?.stop();
    if (e instanceof ConfigError || e instanceof CheckpointError) throw new CliError(e.message, EXIT.usage);
    if (e instanceof NginxConfigError) throw new CliError(`nginx config: ${e.message}`, EXIT.input);
    throw e;
  }
  const cfg = collector.cfg;
  const server = createCollectorServer({
    metrics: async () => ({ contentType: collector.exporter.contentType, body: await collector.metrics() }),
    diagnosis: (q) => collector.diagnosis(q),
    health: () => collector.health(),
    pageDir: pageDir(),
    corsOrigin: cfg.corsOrigin,
  });
  let bound: { host: string; port: number };
  try {
    bound = await listen(server, cfg.listenHost, cfg.listenPort);
  } catch (e) {
    await replay?.stop();
    throw new CliError(`cannot listen on ${cfg.listenHost}:${cfg.listenPort}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.input);
  }
  // The daemon convention: SIGHUP reloads instead of ending the process (which would lose the counts
  // since the last checkpoint).
  const onHup = () => {
    log('SIGHUP: saving the checkpoint, re-reading the nginx config, looking at the log paths again');
    collector.reload().catch((e: Error) => log(`SIGHUP: ${e.message}`));
  };
  process.on('SIGHUP', onHup);
  try {
    await collector.start();
    const shown = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
    log(`listening on http://${shown}:${bound.port}/ (metrics at /metrics, diagnosis at /api/diagnosis)`);
    log(`${await stopped}: saving and stopping`);
  } finally {
    process.off('SIGHUP', onHup);
    server.close();
    server.closeAllConnections();
    // The replay stops writing first, and its directory goes only after the tailers have let go of it.
    const writer = replay;
    await writer?.stop().catch(() => undefined);
    await collector.stop().catch((e: Error) => log(`stopping: ${e.message}`));
  }
}
