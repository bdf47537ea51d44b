#!/usr/bin/env -S node --max-semi-space-size=2
// (A small young generation keeps peak memory near the live data: the parser makes short-lived strings
// by the million, and a large semi-space only lets them pile up before each scavenge.)
// upstream-doctor: the command line. Parses flags, runs a command, and turns every expected failure into
// one line on stderr with an exit code from EXIT — never a stack trace.
import { Command, CommanderError, Option } from 'commander';
import { checkDuration, type DurationRange } from '../config/duration';
import { SETTINGS, flagOf } from '../config/settings';
import { collectorVersion } from '../version';
import { InputError } from '../ingest/errors';
import { CliError, EXIT } from './errors';
import { runDiagnose } from './diagnoseCommand';

/** `diagnose --window`: whole-file reads coarsen windows as they go, so the range is wide. */
const DIAGNOSE_WINDOW: DurationRange = { minMs: 1000, maxMs: 86_400_000 };

const DIAGNOSE_EXAMPLES = `
Examples:
  # The logs of one host, with the config for formats and timeouts:
  upstream-doctor diagnose --access /var/log/nginx/access.log --error /var/log/nginx/error.log \\
      --nginx-conf /etc/nginx/nginx.conf

  # Old rotated logs through a pipe (plain or gzip), with the OOM kills from the kernel log:
  zcat /var/log/nginx/access.log.*.gz | upstream-doctor diagnose --access - --kernel-log /var/log/kern.log

  # A custom format, as JSON for a script:
  upstream-doctor diagnose --access access.log --log-format '$remote_addr [$time_local] "$request" $status $upstream_addr' --json

  # The bundled sample of a load balancer idle timeout:
  upstream-doctor diagnose --access samples/middlebox_idle_timeout/access.log \\
      --error samples/middlebox_idle_timeout/error.log --nginx-conf samples/middlebox_idle_timeout/nginx.conf
`;

const WATCH_EXAMPLES = `
Examples:
  # The demo: a recorded incident replayed live, page at http://127.0.0.1:9797/
  upstream-doctor watch --replay samples/middlebox_idle_timeout

  # A live host: logs, config, stub_status, counts kept across restarts:
  upstream-doctor watch --access '/var/log/nginx/*access.log' --error /var/log/nginx/error.log \\
      --nginx-conf /etc/nginx/nginx.conf --stub-status http://127.0.0.1/nginx_status \\
      --checkpoint /var/lib/upstream-doctor/checkpoint.json

  # Everything from a YAML file (flags still win), listening for a Prometheus on another host:
  upstream-doctor watch --config /etc/upstream-doctor.yaml --listen 10.0.0.7:9797

Signals: SIGINT / SIGTERM save the checkpoint and stop; SIGHUP saves the checkpoint, re-reads the nginx
config (log formats, timeouts) and looks at every log path again at once.
`;

export function buildProgram(): Command {
  const program = new Command('upstream-doctor')
    .description('Names the likely cause of nginx upstream 502 spikes from access, error and kernel logs.')
    .version(collectorVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText('after', `\nRun \`upstream-doctor diagnose --help\` or \`upstream-doctor watch --help\` for examples.`);

  program
    .command('diagnose')
    .description('Read nginx logs once and name the likely cause of upstream failures')
    .requiredOption('--access <files...>', 'nginx access log(s), plain or .gz; - reads standard input')
    .option('--error <files...>', 'nginx error log(s)')
    .option('--kernel-log <file>', 'kernel log: dmesg -T output, /var/log/kern.log or journalctl -k output')
    .option('--nginx-conf <file>', 'nginx config (a file with its includes, or `nginx -T` output)')
    .option('--log-format <format>', "the access log's nginx log_format string (default: from --nginx-conf, else combined)")
    .addOption(
      new Option('--window <duration>', 'aggregation window: 10s, 1m, or bare seconds')
        .default(10_000, '10s')
        .argParser(durationFlag('--window', DIAGNOSE_WINDOW)),
    )
    .option('--json', 'print one JSON object instead of the report')
    .addHelpText('after', DIAGNOSE_EXAMPLES)
    .action(async (opts) => {
      await runDiagnose(opts);
    });

  const watch = program.command('watch').description('Tail nginx logs live: Prometheus /metrics, /api/diagnosis and the NOC page');
  // The flags come from the one settings table, so they cannot drift from the YAML keys.
  for (const s of SETTINGS) {
    if (s.arg !== null) watch.option(`${flagOf(s)}${s.arg ? ` ${s.arg}` : ''}`, `${s.help} (default: ${s.defaultText})`);
  }
  watch
    .option('--config <file>', 'YAML file with the same settings (flags win)')
    .option('--replay <sample-dir>', 'replay a recorded sample (samples/NAME) in real time instead of live logs')
    .addHelpText('after', WATCH_EXAMPLES)
    .action(async (opts) => {
      // Loaded on demand: `diagnose` has no use for the exporter, tailer and server (~9 MB of RSS).
      const { runWatch } = await import('./watchCommand');
      await runWatch(opts);
    });

  return program;
}

/** A commander argument parser for a duration flag: milliseconds, or a usage error naming the range. */
function durationFlag(flag: string, range: DurationRange): (v: string) => number {
  return (v) => {
    const ms = checkDuration(v, flag, range);
    if (typeof ms === 'string') throw new CliError(ms, EXIT.usage);
    return ms;
  };
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof InputError) {
      process.stderr.write(`upstream-doctor: ${e.message}\n`);
      return EXIT[e.kind];
    }
    if (e instanceof CliError) {
      process.stderr.write(`upstream-doctor: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`upstream-doctor: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.UPSTREAM_DOCTOR_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return EXIT.internal;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
