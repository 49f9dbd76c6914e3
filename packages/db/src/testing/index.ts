export * from './databases.js';
export * from './rows.js';
