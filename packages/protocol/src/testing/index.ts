/**
 * Helpers for the tests of every package that works with the serial link
 * (`@vmcloud/protocol/testing`). They use no test framework, so they compile with the
 * package and run wherever the tests run.
 */
export { until, type UntilOptions } from './until.js';
