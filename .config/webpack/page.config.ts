// The embedded NOC page: the same view, React bundled in, no Grafana. Built into build/page/index.html
// (one self-contained file the collector serves at `/`), never into dist/.
import path from 'path';
import type { Configuration } from 'webpack';
import { BundleSizePlugin } from './BundleSizePlugin';
import { PAGE_DIR, SOURCE_DIR } from './constants';
import { InlinePagePlugin } from './InlinePagePlugin';
import { swcRule } from './swcRule';

const config = (env: Record<string, unknown> = {}): Configuration => {
  const production = Boolean(env.production);
  return {
    name: 'page',
    context: SOURCE_DIR,
    devtool: false,
    entry: { page: './page/index.tsx' },
    mode: production ? 'production' : 'development',
    module: { rules: [swcRule('es2020')] },
    output: { clean: true, filename: '[name].js', path: PAGE_DIR },
    performance: { hints: false },
    stats: 'errors-warnings',
    plugins: [
      new InlinePagePlugin({ template: path.join(SOURCE_DIR, 'page', 'index.html'), script: 'page.js', out: 'index.html' }),
      new BundleSizePlugin({ dir: PAGE_DIR, title: 'build/page/ (embedded page), gzipped:', budgetBytes: null }),
    ],
    resolve: { extensions: ['.ts', '.tsx', '.js'] },
  };
};

export default config;
