#!/usr/bin/env -S node --max-semi-space-size=2
// (A small young generation keeps peak memory near the live data: the parser makes short-lived strings
// by the million, and a large semi-space only lets them pile up before each scavenge.)
// upstream-doctor: the command line. Parses flags, runs a command, and turns every expected failure into
// one line on stderr with an exit code from EXIT — never a stack trace.
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './errors';
import { runDiagnose } from './diagnoseCommand';

export function buildProgram(): Command {
  const program = new Command('upstream-doctor')
    .description('Names the likely cause of nginx upstream 502 spikes from access, error and kernel logs.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('diagnose')
    .description('Read nginx logs once and name the likely cause of upstream failures')
    .requiredOption('--access <files...>', 'nginx access log(s), plain or .gz')
    .option('--error <files...>', 'nginx error log(s)')
    .option('--kernel-log <file>', 'kernel log: dmesg -T output, /var/log/kern.log or journalctl -k output')
    .option('--nginx-conf <file>', 'nginx config (a file with its includes, or `nginx -T` output)')
    .option('--log-format <format>', "the access log's nginx log_format string (default: from --nginx-conf, else combined)")
    .addOption(new Option('--window <seconds>', 'aggregation window length').default('10').argParser(positiveNumber))
    .option('--json', 'print one JSON object instead of the report')
    .action(async (opts) => {
      await runDiagnose(opts);
    });

  program
    .command('watch')
    .description('Tail nginx logs live: Prometheus /metrics, /api/diagnosis and the NOC page')
    .option('--access <paths...>', 'access log paths or globs')
    .option('--error <paths...>', 'error log paths or globs')
    .option('--kernel-log <file>', 'kernel log (kern.log / journalctl -k output written to a file)')
    .option('--nginx-conf <file>', 'nginx config for log formats and timeouts')
    .option('--log-format <format>', "the access log's nginx log_format string")
    .option('--stub-status <url>', 'nginx stub_status URL to poll, e.g. http://127.0.0.1/nginx_status')
    .option('--listen <host:port>', 'where to serve (default 127.0.0.1:9797)')
    .option('--config <file>', 'YAML file with the same settings (flags win)')
    .option('--window <duration>', 'aggregation window, e.g. 10s')
    .option('--checkpoint <file>', 'save file offsets and counts here, and resume from them')
    .option('--start-at <where>', 'for files without a saved offset: beginning or end (default end)')
    .option('--backfill', 'read rotated logs (.1, .2.gz, …) first, with a progress bar')
    .option('--cors-origin <url>', "let this browser origin (your Grafana's URL) call the API, for the panel's drill-down")
    .option('--replay <sample-dir>', 'replay a recorded sample (samples/NAME) in real time instead of live logs')
    .action(async (opts) => {
      // Loaded on demand: `diagnose` has no use for the exporter, tailer and server (~9 MB of RSS).
      const { runWatch } = await import('./watchCommand');
      await runWatch(opts);
    });

  return program;
}

function positiveNumber(v: string): string {
  if (!(Number(v) > 0)) throw new CliError(`--window must be a positive number of seconds, got ${JSON.stringify(v)}`, EXIT.usage);
  return v;
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
