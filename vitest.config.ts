import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of sibling packages, not their build output.
    alias: [
      { find: /^@wisp\/protocol$/, replacement: src('./packages/protocol/src/index.ts') },
      { find: /^@wisp\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      { find: /^@wisp\/sdk\/testing$/, replacement: src('./packages/sdk/src/testing.ts') },
      { find: /^@wisp\/sdk\/(.*)$/, replacement: src('./packages/sdk/src/$1.ts') },
      { find: /^@wisp\/server$/, replacement: src('./packages/server/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
