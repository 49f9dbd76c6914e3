export {
  MachineUnavailableError,
  VendOutcomeUnknownError,
  vendIdForSale,
  type AcceptSettings,
  type CreditReport,
  type MachineDriver,
  type MachineDriverEventName,
  type MachineDriverEvents,
  type MachineErrors,
  type MachineEvent,
  type MachineInfo,
  type MachineStatus,
  type PaymentMethod,
  type PayoutReport,
  type VendOutcome,
  type VendRequest,
  type VendResultKind,
} from './driver.js';
export { SerialProtocolDriver, type SerialProtocolDriverOptions } from './serial-protocol-driver.js';
export { connectMachine, type ConnectMachineOptions } from './connect.js';
