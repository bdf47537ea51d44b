// Modules Grafana provides to plugins at runtime (its shared-dependencies map): never bundled.
import type { Configuration, ExternalItemFunctionData } from 'webpack';

export const externals: Configuration['externals'] = [
  'react',
  'react-dom',
  'react-dom/client',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'rxjs',
  'rxjs/operators',
  'lodash',
  'moment',
  '@emotion/css',
  '@emotion/react',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
  // Legacy imports written as "grafana/…".
  ({ request }: ExternalItemFunctionData, callback: (error?: Error, result?: string) => void) => {
    if (request && request.startsWith('grafana/')) return callback(undefined, request.slice('grafana/'.length));
    callback();
  },
];
