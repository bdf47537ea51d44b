import path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SOURCE_DIR = path.join(ROOT, 'src');
/** The Grafana plugin, as Grafana loads it. */
export const DIST_DIR = path.join(ROOT, 'dist');
/** The embedded NOC page the collector serves at `/` (not part of the plugin). */
export const PAGE_DIR = path.join(ROOT, 'build', 'page');
/** Everything in dist/, gzipped, must stay under this. */
export const DIST_BUDGET_BYTES = 350 * 1024;
