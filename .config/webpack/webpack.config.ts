// The Grafana panel plugin: src/module.ts → dist/module.js (AMD, Grafana's shared modules external),
// plus plugin.json, README, CHANGELOG and the logo. Prints the gzipped size of dist/ and fails over budget.
import CopyWebpackPlugin from 'copy-webpack-plugin';
import fs from 'fs';
import path from 'path';
import type { Configuration } from 'webpack';
import { BundleSizePlugin } from './BundleSizePlugin';
import { DIST_BUDGET_BYTES, DIST_DIR, ROOT, SOURCE_DIR } from './constants';
import { externals } from './externals';
import { pluginJsonProblems, readPluginJson } from './pluginJson';
import { swcRule } from './swcRule';

const config = (env: Record<string, unknown> = {}): Configuration => {
  const production = Boolean(env.production);
  const pluginJson = readPluginJson(path.join(SOURCE_DIR, 'plugin.json'));
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
  const today = new Date().toISOString().slice(0, 10);
  return {
    name: 'plugin',
    context: SOURCE_DIR,
    devtool: production ? 'source-map' : 'eval-source-map',
    entry: { module: './module.ts' },
    externals,
    mode: production ? 'production' : 'development',
    module: { rules: [swcRule('es2020')] },
    output: {
      clean: true,
      filename: '[name].js',
      library: { type: 'amd' },
      path: DIST_DIR,
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
    },
    performance: { hints: false },
    stats: 'errors-warnings',
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: 'README.md', to: '.' },
          {
            from: 'plugin.json',
            to: '.',
            transform: (content: Buffer) => {
              const text = content.toString().replace(/%VERSION%/g, version).replace(/%TODAY%/g, today);
              const problems = pluginJsonProblems(JSON.parse(text));
              if (problems.length) throw new Error(`dist/plugin.json: ${problems.join('; ')}`);
              return text;
            },
          },
          { from: path.join(ROOT, 'CHANGELOG.md'), to: '.', noErrorOnMissing: true },
          { from: path.join(ROOT, 'LICENSE'), to: '.', noErrorOnMissing: true },
          { from: 'img/**/*', to: '.' },
        ],
      }),
      // The budget is for what ships; a development build (unminified, inline source maps) is only measured.
      new BundleSizePlugin({ dir: DIST_DIR, title: 'dist/ (Grafana plugin), gzipped:', budgetBytes: production ? DIST_BUDGET_BYTES : null }),
    ],
    resolve: { extensions: ['.ts', '.tsx', '.js'] },
  };
};

export default config;
