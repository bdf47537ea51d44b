// Shared jest setup: SWC transpiles TypeScript (no type-check in tests; `npm run typecheck` does that).
// Two projects: the collector, lab, bench and the panel's pure transforms run in Node; panel components
// (`*.test.tsx`) run in jsdom with React's automatic JSX runtime.
const path = require('path');

const rootDir = path.resolve(__dirname, '..');
const transform = {
  '^.+\\.m?(t|j)sx?$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', tsx: true },
        transform: { react: { runtime: 'automatic' } },
      },
    },
  ],
};
const testPathIgnorePatterns = ['/node_modules/', '/build/', '/dist/'];
// ES-module-only packages that @grafana/data loads (markdown, colour scales); SWC makes them CommonJS for jest.
const esModules = ['marked', 'd3', 'd3-[a-z-]+', 'internmap'];
const transformIgnorePatterns = [`/node_modules/(?!(${esModules.join('|')})/)`];

module.exports = {
  projects: [
    {
      displayName: 'node',
      rootDir,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/(collector|lab|bench|src)/**/*.test.ts'],
      testPathIgnorePatterns,
    },
    {
      displayName: 'dom',
      rootDir,
      testEnvironment: 'jsdom',
      setupFiles: ['<rootDir>/.config/jest-setup.js'],
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/src/**/*.test.tsx'],
      testPathIgnorePatterns,
    },
  ],
};
