/**
 * The MDB/ICP layer: 9-bit blocks with CHK, and the typed messages of the coin changer,
 * bill validator and cashless reader.
 */

export * from './block.js';
export * from './scaling.js';
export * from './identity.js';
export * from './cashless.js';
export * from './coin-changer.js';
export * from './bill-validator.js';
export type { MdbFailure, MdbMessageError } from './fields.js';
