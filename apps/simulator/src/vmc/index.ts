export {
  VmcFirmware,
  DEFAULT_FIRMWARE_VERSION,
  NO_TEMPERATURE,
  type VmcFirmwareOptions,
  type FirmwareEvent,
  type FirmwareEventOf,
  type FirmwareVendEvent,
} from './firmware.js';
export {
  VmcMemory,
  VEND_MEMORY_SIZE,
  VMC_MEMORY_KEY,
  type AcceptFlags,
  type VendRecord,
  type VendRecordState,
  type VmcMemoryImage,
} from './memory.js';
