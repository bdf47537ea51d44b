// Reads whole log files once, in order: nginx config first (formats and timeouts), then access logs
// (their timestamps tell the error and kernel logs which UTC offset their local times use), then the rest.
import { Aggregator } from '../aggregate/aggregator';
import { CliError, EXIT } from '../cli/errors';
import { createAccessLineParser, createAutoAccessParser } from '../parse/access/accessParser';
import { LogFormatError } from '../parse/access/logFormat';
import { parseErrorLine } from '../parse/errorLog';
import { parseKernelLine } from '../parse/kernelLog';
import { LineReadError, STDIN_PATH, readLines } from '../tail/lineReader';
import { NginxConfigError, accessLogFormat, readNginxConfig, upstreamSettingsFor, type NginxConfig } from '../parse/nginxConf/config';
import type { UpstreamSettings } from '../parse/types';
import type { DiagnosisSources } from '../report/diagnosis';

export interface OfflineInputs {
  access: string[];
  error?: string[];
  kernelLog?: string;
  nginxConf?: string;
  logFormat?: string;
  windowMs?: number;
}

export async function analyzeFiles(inp: OfflineInputs): Promise<DiagnosisSources> {
  const all = [...inp.access, ...(inp.error ?? []), ...(inp.kernelLog ? [inp.kernelLog] : [])];
  if (all.filter((f) => f === STDIN_PATH).length > 1) throw new CliError('only one input can be - (standard input)', EXIT.usage);
  const conf = inp.nginxConf ? loadConfig(inp.nginxConf) : null;
  const settingsCache = new Map<string, UpstreamSettings | null>();
  const settingsFor = (addr: string) => {
    if (!conf) return null;
    if (!settingsCache.has(addr)) settingsCache.set(addr, upstreamSettingsFor(conf, addr));
    return settingsCache.get(addr)!;
  };
  // 240 windows are plenty for a report and keep a whole day of logs within a few MB: past that the
  // windows double in length.
  const agg = new Aggregator({ windowMs: inp.windowMs, maxWindows: 240, settingsFor });
  const parseErrors: Record<string, number> = { access: 0, error: 0, too_long: 0 };
  const lines: Record<string, number> = { access: 0, error: 0, kernel: 0 };

  let tzOffsetMin = NaN;
  let year = NaN;
  for (const file of inp.access) {
    const format = inp.logFormat ?? (conf ? accessLogFormat(conf, file).format : undefined);
    const parse = makeParser(format);
    let parsed = 0;
    let firstBad = '';
    const res = await read(file, 'access log', (line) => {
      const rec = parse(line);
      if (!rec) {
        parseErrors.access++;
        if (!firstBad) firstBad = line;
        return;
      }
      parsed++;
      if (Number.isNaN(tzOffsetMin) && !Number.isNaN(rec.tzOffsetMin)) tzOffsetMin = rec.tzOffsetMin;
      if (Number.isNaN(year)) year = new Date(rec.time).getUTCFullYear();
      agg.addAccess(rec);
    });
    lines.access += res.lines;
    parseErrors.too_long += res.tooLong;
    if (res.lines + res.tooLong === 0) throw new CliError(`${accessLogName(file)} is empty`, EXIT.noData);
    if (parsed === 0) {
      throw new CliError(
        `no line of ${accessLogName(file)} matches the access-log format${format ? '' : ' (tried combined and upstream_doctor; pass --log-format or --nginx-conf)'}: ` +
          `first line: ${JSON.stringify(firstBad.slice(0, 120))}`,
        EXIT.noData,
      );
    }
  }
  const tz = Number.isNaN(tzOffsetMin) ? undefined : tzOffsetMin;

  for (const file of inp.error ?? []) {
    const res = await read(file, 'error log', (line) => {
      const ev = parseErrorLine(line, tz);
      if (ev) agg.addError(ev);
      else parseErrors.error++;
    });
    lines.error += res.lines;
    parseErrors.too_long += res.tooLong;
  }
  if (inp.kernelLog) {
    const opts = { year: Number.isNaN(year) ? undefined : year, tzOffsetMin: tz };
    const res = await read(inp.kernelLog, 'kernel log', (line) => {
      const ev = parseKernelLine(line, opts);
      if (ev) agg.addKernel(ev);
    });
    lines.kernel += res.lines;
  }
  return { agg, settingsFor, kernelLogRead: Boolean(inp.kernelLog), parseErrors, lines };
}

function accessLogName(file: string): string {
  return file === STDIN_PATH ? 'the access log on standard input' : `access log ${file}`;
}

function loadConfig(path: string): NginxConfig {
  try {
    return readNginxConfig(path);
  } catch (e) {
    if (e instanceof NginxConfigError) throw new CliError(`nginx config: ${e.message}`, EXIT.input);
    throw e;
  }
}

function makeParser(format: string | undefined) {
  try {
    return format === undefined ? createAutoAccessParser() : createAccessLineParser(format);
  } catch (e) {
    if (e instanceof LogFormatError) throw new CliError(`log format: ${e.message}`, EXIT.usage);
    throw e;
  }
}

async function read(file: string, what: string, onLine: (line: string) => void) {
  try {
    return await readLines(file, onLine);
  } catch (e) {
    if (e instanceof LineReadError) throw new CliError(`${what}: ${e.message}`, EXIT.input);
    throw e;
  }
}
