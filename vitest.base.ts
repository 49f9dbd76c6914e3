import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

type Reporters = NonNullable<NonNullable<ViteUserConfig['test']>['reporters']>;

/**
 * Shared Vitest settings. Workspace packages export their TypeScript sources under the
 * `@vmcloud/source` condition, so tests run against the sources without a build.
 */
export const sourceConditions = ['@vmcloud/source', ...defaultServerConditions];

export interface PackageTestOptions {
  testTimeout?: number;
  /** Run `*.test-d.ts` type tests with the suite. */
  typecheck?: boolean;
  /** The package has database tests: report the MySQL suite's state once per run. */
  database?: boolean;
  /**
   * Each test file in a fresh module graph (Vitest's default). Off, a worker imports the
   * package once for all its files: the API's 45 files spent 32 s of CPU re-importing it
   * (113 s of CPU for the suite, 53 s without), on a machine whose two cores every
   * package's tests share. Off only where the files keep no module state between them.
   */
  isolate?: boolean;
  /**
   * Files (paths ending so) to start before all others, in this order. Vitest starts the
   * files that took longest last time first, but a fresh clone (CI) has no last time and
   * it falls back to file size, which puts a short file that runs a long suite last.
   */
  runFirst?: readonly string[];
}

/** Vitest's order, with the files named in `first` moved to the front. */
function runningFirst(first: readonly string[]) {
  return class extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const rank = (file: TestSpecification) => {
        const i = first.findIndex((name) => file.moduleId.endsWith(name));
        return i < 0 ? first.length : i;
      };
      return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
    }
  };
}

/** With VMCLOUD_TEST_REPORT_DIR set, each package also writes a JSON report there (CI sums them). */
function reporters(): Reporters {
  const dir = process.env.VMCLOUD_TEST_REPORT_DIR;
  if (!dir) return ['default'];
  const name = basename(process.cwd());
  return ['default', ['json', { outputFile: `${dir}/${name}.json` }]];
}

export function packageTestConfig(options: PackageTestOptions = {}) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      reporters: reporters(),
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 20_000,
      isolate: options.isolate ?? true,
      ...(options.runFirst ? { sequence: { sequencer: runningFirst(options.runFirst) } } : {}),
      // Database tests spend much of their time waiting for the database server, so two
      // files at a time pay off even on two cores (Vitest's default there is one).
      ...(options.database ? { maxWorkers: Math.max(availableParallelism() - 1, 2) } : {}),
      // A database file's first hook may wait for the run's template database, which
      // another worker builds (templates.ts waits up to 180 s); under CI's full load a
      // MySQL template has taken more than 60 s, so the hook waits longer than that wait.
      hookTimeout: options.database ? 240_000 : 60_000,
      globalSetup: options.database
        ? [new URL('./packages/db/src/testing/global-setup.ts', import.meta.url).pathname]
        : [],
      // Type tests (`*.test-d.ts`) run with the suite where a package has them.
      typecheck: { enabled: options.typecheck ?? false, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    },
  });
}
