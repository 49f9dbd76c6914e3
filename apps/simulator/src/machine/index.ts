export { Machine, DEFAULT_CHANNEL_CAPACITY, DEFAULT_DISPENSE_MS, type FaultControls } from './machine.js';
export { Nvram, type NvramOptions } from './nvram.js';
export {
  Refrigeration,
  DEFAULT_REFRIGERATION,
  type RefrigerationSettings,
  type RefrigerationInputs,
  type RefrigerationChange,
} from './refrigeration.js';
export { createRng, type Rng } from './rng.js';
export { VirtualClock } from './virtual-clock.js';
export { protocolEvent, vendResultCode } from './protocol-map.js';
export type * from './types.js';
