// Prints the gzipped size of every file in an output folder once webpack has written it, and fails the
// build when the total passes the budget: the plugin's size is a feature, and it is measured, not hoped.
import fs from 'fs';
import path from 'path';
import zlib from 'zlib';
import type { Compiler } from 'webpack';

export interface SizeRow {
  file: string;
  bytes: number;
  gzip: number;
}

export function measureDir(dir: string): SizeRow[] {
  const rows: SizeRow[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else {
        const buf = fs.readFileSync(full);
        rows.push({ file: path.relative(dir, full), bytes: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length });
      }
    }
  };
  walk(dir);
  return rows.sort((a, b) => b.gzip - a.gzip);
}

export function formatSizes(title: string, rows: SizeRow[], budget: number | null): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const total = rows.reduce((a, r) => a + r.gzip, 0);
  const raw = rows.reduce((a, r) => a + r.bytes, 0);
  const lines = rows.map((r) => `  ${r.file.padEnd(34)} ${kb(r.bytes).padStart(10)} ${kb(r.gzip).padStart(10)} gz`);
  const verdict = budget === null ? '' : ` (budget ${kb(budget)}: ${total <= budget ? 'ok' : 'OVER'})`;
  return [`${title}`, ...lines, `  ${'total'.padEnd(34)} ${kb(raw).padStart(10)} ${kb(total).padStart(10)} gz${verdict}`].join('\n');
}

export class BundleSizePlugin {
  constructor(private readonly opts: { dir: string; title: string; budgetBytes: number | null }) {}

  apply(compiler: Compiler) {
    compiler.hooks.done.tap('BundleSizePlugin', (stats) => {
      if (stats.hasErrors() || !fs.existsSync(this.opts.dir)) return;
      const rows = measureDir(this.opts.dir);
      const total = rows.reduce((a, r) => a + r.gzip, 0);
      process.stdout.write(`\n${formatSizes(this.opts.title, rows, this.opts.budgetBytes)}\n`);
      if (this.opts.budgetBytes !== null && total > this.opts.budgetBytes) {
        stats.compilation.errors.push(
          new (compiler.webpack.WebpackError)(`${this.opts.title}: ${total} bytes gzipped, over the budget of ${this.opts.budgetBytes}`),
        );
      }
    });
  }
}
