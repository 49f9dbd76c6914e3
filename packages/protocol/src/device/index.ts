/** The device API's wire pieces shared by the platform and terminals: signed calls, signed messages, sealed secrets. */
export * from './signing.js';
export * from './sealing.js';
export * from './messages.js';
export * from './types.js';
