/**
 * The simulated MDB bus inside the machine: the coin changer, bill validator and cashless
 * reader at byte level, and the VMC's side that polls them.
 */

export { MdbBus, formatMdbWords } from './bus.js';
export type {
  BillValidatorInfo,
  CashlessInfo,
  ChangerInfo,
  MdbBusEvent,
  MdbBusOptions,
  MdbDeviceErrorReason,
  MdbDirection,
  MdbTimers,
  MdbTrafficEntry,
} from './bus.js';
export { CoinChanger } from './coin-changer.js';
export type {
  CoinChangerOptions,
  CoinChangerState,
  CoinOutcome,
  CoinTubeState,
  CoinTypeConfig,
} from './coin-changer.js';
export { BillValidator } from './bill-validator.js';
export type { BillOutcome, BillValidatorOptions, BillValidatorState } from './bill-validator.js';
export { CashlessReader } from './cashless-reader.js';
export type {
  CardTap,
  CashlessReaderOptions,
  CashlessReaderState,
  CashlessSessionRecord,
  CashlessVendRecord,
} from './cashless-reader.js';
export { PeripheralBase, type MdbPeripheral, type PeripheralAnswer } from './peripheral.js';
export { planChange } from './change.js';
