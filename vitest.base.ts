import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Shared Vitest settings. Workspace packages export their TypeScript sources under the
 * `@vmcloud/source` condition, so tests run against the sources without a build.
 */
export const sourceConditions = ['@vmcloud/source', ...defaultServerConditions];

export function packageTestConfig(options: { testTimeout?: number; typecheck?: boolean } = {}) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 60_000,
      // Type tests (`*.test-d.ts`) run with the suite where a package has them.
      typecheck: { enabled: options.typecheck ?? false, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    },
  });
}
