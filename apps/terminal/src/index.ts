/**
 * The terminal app as a library: the machine driver the sale logic talks to, and the
 * serial ports (real, or a simulated machine's socket) it runs over.
 */
export * from './machine/index.js';
export * from './serial/index.js';
export { loadTerminalConfig, TERMINAL_CONFIG_DEFAULTS, type TerminalConfig } from './config.js';
