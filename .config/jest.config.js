// Shared jest setup: SWC transpiles TypeScript (no type-check in tests; `npm run typecheck` does that).
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } } }],
  },
  testMatch: ['<rootDir>/(collector|lab|bench|src)/**/*.test.(ts|tsx)'],
  testPathIgnorePatterns: ['/node_modules/', '/build/', '/dist/'],
};
