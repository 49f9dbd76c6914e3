import { packageTestConfig } from '../../vitest.base.ts';

/**
 * The browser files run one at a time: each starts an API and a chromium of its own, and two
 * at once on two cores would time each other out.
 */
const config = packageTestConfig({ testTimeout: 180_000 });
export default {
  ...config,
  test: { ...config.test, fileParallelism: false, maxWorkers: 1, hookTimeout: 180_000 },
};
