import type { RuleSetRule } from 'webpack';

/** TypeScript and TSX through SWC, React's automatic JSX runtime; type-checking is `npm run typecheck`. */
export function swcRule(target: string): RuleSetRule {
  return {
    test: /\.[tj]sx?$/,
    exclude: /node_modules/,
    use: {
      loader: 'swc-loader',
      options: {
        jsc: {
          target,
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
        },
      },
    },
  };
}
