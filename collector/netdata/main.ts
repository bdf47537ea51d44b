// upstream_doctor.plugin: the Netdata external plugin. Netdata starts it (through the launcher in
// netdata/upstream_doctor.plugin) with the update interval as its argument and reads its stdout; stderr
// goes to Netdata's error.log. It runs the live collector in-process on the configured logs and writes
// every chart once per interval from the same state the Prometheus exporter holds.
//
// A configuration Netdata cannot fix by restarting us (a missing or invalid config, an nginx config that
// does not parse, a broken checkpoint) is reported on stderr, then DISABLE and exit code 1: Netdata 1.37
// logs "plugin called DISABLE. Disabling it." and does not start the plugin again until it restarts.
import { ConfigError } from '../config/watchConfig';
import { LiveCollector } from '../live/liveCollector';
import { NginxConfigError } from '../parse/nginxConf/tokens';
import { StubStatusError } from '../sources/stubStatus';
import { CheckpointError } from '../tail/checkpoint';
import { ExporterState, ExporterStateError } from '../metrics/store';
import { ExporterConfigError } from '../metrics/prometheus';
import { NetdataPlugin } from './plugin';
import { loadPluginConfig, updateEveryFrom } from './pluginConfig';
import { disableLine } from './protocol';
import { StateReader } from './stateReader';

const NAME = 'upstream_doctor.plugin';

/** Errors that restarting the plugin cannot fix: Netdata is told to stop trying. */
const FATAL_CONFIG = [ConfigError, NginxConfigError, CheckpointError, ExporterStateError, ExporterConfigError, StubStatusError];

function log(line: string): void {
  process.stderr.write(`${NAME}: ${line}\n`);
}

function disable(message: string): never {
  log(message);
  process.stdout.write(`${disableLine()}\n`);
  process.exit(1);
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  let collector: LiveCollector;
  let updateEvery: number;
  try {
    updateEvery = updateEveryFrom(argv, env);
    const { file, watch } = loadPluginConfig(env);
    collector = await LiveCollector.create(watch, log);
    log(`${file}: watching ${watch.access.length + watch.error.length + (watch.kernelLog ? 1 : 0)} log path(s), every ${updateEvery} s`);
  } catch (e) {
    if (FATAL_CONFIG.some((T) => e instanceof T)) disable((e as Error).message);
    throw e;
  }
  const cfg = collector.cfg;
  const live = new StateReader(collector.exporter.state, cfg.diagnosisWindowMs);
  // Counts as they are before the first line is read: 0, or what a checkpoint restored.
  const start = new StateReader(ExporterState.fromJSON(collector.exporter.state.toJSON()), cfg.diagnosisWindowMs);
  collector.syncExporter();
  live.tick(Date.now());
  const plugin = new NetdataPlugin(live, start, {
    updateEvery,
    stubStatus: Boolean(cfg.stubStatus),
    kernelLog: Boolean(cfg.kernelLog),
    labels: cfg.labels,
  });
  await collector.start();

  let timer: NodeJS.Timeout | null = null;
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    if (timer) clearTimeout(timer);
    log(`${why}: stopping`);
    collector.stop().then(
      () => process.exit(0),
      (e: Error) => {
        log(`stopping: ${e.message}`);
        process.exit(0);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // Netdata went away (or restarted us): the pipe is closed and nobody reads the charts any more.
  process.stdout.on('error', () => stop('stdout closed'));

  const periodMs = updateEvery * 1000;
  const collect = () => {
    if (stopping) return;
    collector.syncExporter();
    live.tick(Date.now());
    const text = plugin.collect();
    if (text) process.stdout.write(text);
    // On the interval's boundary, so a slow collection does not drift the schedule.
    timer = setTimeout(collect, periodMs - (Date.now() % periodMs));
  };
  collect();
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).catch((e: Error) => {
    log(`internal error: ${e.message}`);
    if (process.env.UPSTREAM_DOCTOR_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  });
}
