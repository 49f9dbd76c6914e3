import { packageTestConfig } from '../../vitest.base.ts';

/**
 * The end-to-end files run one at a time: each starts an API, a simulator and terminals as
 * processes of their own, and two such worlds at once on two cores would time each other out.
 */
const config = packageTestConfig({ testTimeout: 180_000 });
export default {
  ...config,
  test: { ...config.test, fileParallelism: false, maxWorkers: 1, hookTimeout: 120_000 },
};
