export * from './databases.js';
export * from './rows.js';
export * from './sealed.js';
export { testRunDir, testRunFolder } from './run.js';
export type { TestTemplate } from './templates.js';
