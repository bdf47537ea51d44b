// `diagnose`: whole log files read once through the one ingest path, in the order the parsers need: the
// nginx config first (formats and timeouts), then the access logs (their timestamps carry the UTC offset
// the error and kernel logs leave out), then the error logs and the kernel log.
import { statSync } from 'node:fs';
import { Aggregator } from '../aggregate/aggregator';
import { LogFormatError } from '../parse/access/formatSpec';
import { NginxConfigError, readNginxConfig, settingsLookup, type NginxConfig } from '../parse/nginxConf/config';
import type { DiagnosisSources } from '../report/diagnosis';
import { LineReadError, STDIN_PATH, readLines } from '../tail/lineReader';
import type { AccessRecord } from '../parse/types';
import { InputError } from './errors';
import { logsUpstream } from './infer';
import { Ingest } from './ingest';

export interface OfflineInputs {
  access: string[];
  error?: string[];
  kernelLog?: string;
  nginxConf?: string;
  logFormat?: string;
  windowMs?: number;
}

/** 240 windows are plenty for a report and keep a whole day of logs within a few MB: past that they double. */
const OFFLINE_WINDOWS = 240;

export async function analyzeFiles(inp: OfflineInputs): Promise<DiagnosisSources> {
  const all = [...inp.access, ...(inp.error ?? []), ...(inp.kernelLog ? [inp.kernelLog] : [])];
  if (all.filter((f) => f === STDIN_PATH).length > 1) throw new InputError('usage', 'only one input can be - (standard input)');
  const conf = inp.nginxConf ? loadConfig(inp.nginxConf) : null;
  const settingsFor = settingsLookup(conf);
  const agg = new Aggregator({ windowMs: inp.windowMs, maxWindows: OFFLINE_WINDOWS, settingsFor });
  const ingest = new Ingest({ agg, conf, logFormat: inp.logFormat });

  // The error logs go first, so each access line can be tied to the error lines of its request (see
  // errorJoin.ts); their zone-less times need the access log's UTC offset, read from its first lines.
  // A pipe or standard input cannot be read twice: with one the error logs come after, untied.
  const errorsFirst = (inp.error ?? []).length > 0 && isRegularFile(inp.access[0]);
  if (errorsFirst) {
    parserFor(ingest, inp.access[0]);
    const first = await peek(inp.access[0], ingest);
    if (first) {
      if (ingest.tzOffsetMin === undefined && !Number.isNaN(first.tzOffsetMin)) ingest.tzOffsetMin = first.tzOffsetMin;
      ingest.inferUpstreams = !logsUpstream(first);
    }
    await readErrors(inp.error ?? [], ingest);
  }
  for (const file of inp.access) {
    const parse = parserFor(ingest, file);
    let parsed = 0;
    let firstBad = '';
    const res = await read(file, 'access log', (line) => {
      if (ingest.access(line, file)) parsed++;
      else if (!firstBad) firstBad = line;
    });
    ingest.tooLong(res.tooLong);
    if (res.lines + res.tooLong === 0) throw new InputError('noData', `${accessLogName(file)} is empty`);
    if (parsed === 0) {
      const tried = parse.format === null ? ' (tried combined and upstream_doctor; pass --log-format or --nginx-conf)' : '';
      throw new InputError('noData', `no line of ${accessLogName(file)} matches the access-log format${tried}: first line: ${JSON.stringify(firstBad.slice(0, 120))}`);
    }
  }
  if (!errorsFirst) await readErrors(inp.error ?? [], ingest);
  if (inp.kernelLog) {
    const res = await read(inp.kernelLog, 'kernel log', (line) => ingest.kernel(line));
    ingest.tooLong(res.tooLong);
  }
  return { agg, settingsFor, kernelLogRead: Boolean(inp.kernelLog), counts: ingest.counts, logged: ingest.logged, errorLogRead: (inp.error ?? []).length > 0 };
}

function isRegularFile(file: string): boolean {
  if (file === STDIN_PATH) return false;
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function readErrors(files: string[], ingest: Ingest): Promise<void> {
  for (const file of files) {
    const res = await read(file, 'error log', (line) => ingest.error(line));
    ingest.tooLong(res.tooLong);
  }
}

/** The first access line of `file` that parses, read without ingesting it; null when none does early on. */
async function peek(file: string, ingest: Ingest): Promise<AccessRecord | null> {
  const parse = ingest.parserFor(file);
  let found: AccessRecord | null = null;
  let seen = 0;
  const stop = new Error('peeked');
  await readLines(file, (line) => {
    found = parse(line);
    if (found || ++seen >= PEEK_LINES) throw stop;
  }).catch((e: unknown) => {
    if (e !== stop && !(e instanceof LineReadError)) throw e;
  });
  return found;
}

/** Lines looked at for the access log's zone and shape before the error logs are read. */
const PEEK_LINES = 1000;

function accessLogName(file: string): string {
  return file === STDIN_PATH ? 'the access log on standard input' : `access log ${file}`;
}

function loadConfig(path: string): NginxConfig {
  try {
    return readNginxConfig(path);
  } catch (e) {
    if (e instanceof NginxConfigError) throw new InputError('input', `nginx config: ${e.message}`);
    throw e;
  }
}

/** Builds the file's parser up front, so a bad format is a usage error before any reading. */
function parserFor(ingest: Ingest, file: string): { format: string | null } {
  try {
    ingest.parserFor(file);
    return { format: ingest.formatFor(file) };
  } catch (e) {
    if (e instanceof LogFormatError) throw new InputError('usage', `log format: ${e.message}`);
    throw e;
  }
}

async function read(file: string, what: string, onLine: (line: string) => void) {
  try {
    return await readLines(file, onLine);
  } catch (e) {
    if (e instanceof LineReadError) throw new InputError('input', `${what}: ${e.message}`);
    throw e;
  }
}
