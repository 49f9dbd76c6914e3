export * from './codes.js';
export * from './frame.js';
export * from './messages.js';
export * from './message-codec.js';
export * from './mdb/index.js';
export * from './parser.js';
export * from './link.js';
export * from './line.js';
