export * from './databases.js';
export * from './rows.js';
export { testRunDir, testRunFolder } from './run.js';
export type { TestTemplate } from './templates.js';
