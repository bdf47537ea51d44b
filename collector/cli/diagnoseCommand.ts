import { analyzeFiles } from '../ingest/files';
import { buildDiagnosis } from '../report/diagnosis';
import { renderText } from '../report/text';

export interface DiagnoseFlags {
  access: string[];
  error?: string[];
  kernelLog?: string;
  nginxConf?: string;
  logFormat?: string;
  /** Milliseconds (the flag's parser turned `10s` / `1m` / `10` into this). */
  window: number;
  json?: boolean;
}

export async function runDiagnose(flags: DiagnoseFlags): Promise<void> {
  const sources = await analyzeFiles({
    access: flags.access,
    error: flags.error,
    kernelLog: flags.kernelLog,
    nginxConf: flags.nginxConf,
    logFormat: flags.logFormat,
    windowMs: flags.window,
  });
  const diagnosis = buildDiagnosis(sources);
  const text = flags.json
    ? JSON.stringify(diagnosis) + '\n'
    : renderText(diagnosis, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR });
  await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
}
