import { defineConfig } from 'vitest/config';

/**
 * Resolve workspace packages to their TypeScript sources (`@vmcloud/source` export
 * condition), ahead of Vite's default server conditions.
 */
const conditions = ['@vmcloud/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
