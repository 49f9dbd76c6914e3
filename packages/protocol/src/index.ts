export * from './codes.js';
export * from './frame.js';
export * from './messages.js';
