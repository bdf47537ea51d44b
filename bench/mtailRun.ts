// How the bench calls mtail 3.0.0-rc50 and reads back what it counted.

import { existsSync } from 'node:fs';

export const MTAIL = '/usr/bin/mtail';

/**
 * `--one_shot` reads each log from the start to EOF, prints the metric store and exits. It still opens its
 * HTTP listener, so it is kept on loopback with a kernel-chosen port; `--logtostderr` stops glog from
 * leaving mtail.INFO files in /tmp. `--logs` is a comma-separated list of globs, so the path must hold
 * neither commas nor glob characters (the bench's mkdtemp paths do not).
 */
export function mtailArgs(progDir: string, logFile: string): string[] {
  return [
    '--one_shot',
    '--one_shot_format',
    'prometheus',
    '--progs',
    progDir,
    '--logs',
    logFile,
    '--logtostderr',
    '--address',
    '127.0.0.1',
    '--port',
    '0',
  ];
}

export function mtailAvailable(): boolean {
  return existsSync(MTAIL);
}

/** Sum of every sample of `name` (all label sets) in Prometheus text exposition; NaN when absent. */
export function sumSamples(exposition: string, name: string): number {
  let total = NaN;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.charAt(name.length);
    if (rest !== '{' && rest !== ' ') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    total = (Number.isNaN(total) ? 0 : total) + value;
  }
  return total;
}
