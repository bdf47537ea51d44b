// The lab's recorded scenarios (samples/<name>/) read by the real offline pipeline, for tests.
import fs from 'fs';
import path from 'path';
import { analyzeFiles } from '../../collector/ingest/files';
import type { DiagnosisSources } from '../../collector/report/diagnosis';

export const SAMPLES_DIR = path.resolve(__dirname, '..', '..', 'samples');

export function sampleFiles(name: string) {
  const dir = path.join(SAMPLES_DIR, name);
  const kern = path.join(dir, 'kern.log');
  return {
    access: [path.join(dir, 'access.log')],
    error: [path.join(dir, 'error.log')],
    nginxConf: path.join(dir, 'nginx.conf'),
    kernelLog: fs.existsSync(kern) ? kern : undefined,
  };
}

export function sampleSources(name: string, windowMs?: number): Promise<DiagnosisSources> {
  return analyzeFiles({ ...sampleFiles(name), windowMs });
}
