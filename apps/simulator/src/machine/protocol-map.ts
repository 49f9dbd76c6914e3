import { EventCode, VendResult } from '@vmcloud/protocol';
import type { DispenseResult, MachineEvent } from './types.js';

const VEND_RESULTS: Readonly<Record<DispenseResult, VendResult>> = Object.freeze({
  ok: VendResult.OK,
  jam: VendResult.JAM,
  empty: VendResult.EMPTY,
  invalid_channel: VendResult.INVALID_CHANNEL,
  door_open: VendResult.DOOR_OPEN,
  busy: VendResult.BUSY,
});

/** The VEND_RESULT `result` code for how a motor cycle ended. */
export function vendResultCode(result: DispenseResult): VendResult {
  return VEND_RESULTS[result];
}

/**
 * The EVENT message (code and value) the controller reports for a machine event, or
 * undefined for events the serial link does not carry. Values: the temperature reading for
 * an alarm (tenths of °C), the channel for a motor fault, otherwise 0.
 */
export function protocolEvent(event: MachineEvent): { code: EventCode; value: number } | undefined {
  switch (event.type) {
    case 'door_opened':
      return { code: EventCode.DOOR_OPENED, value: 0 };
    case 'door_closed':
      return { code: EventCode.DOOR_CLOSED, value: 0 };
    case 'temperature_alarm':
      return { code: EventCode.TEMPERATURE_ALARM, value: event.temperature };
    case 'power_restored':
      return { code: EventCode.POWER_RESTORED, value: 0 };
    case 'motor_fault':
      return { code: EventCode.MOTOR_FAULT, value: event.channel };
    default:
      return undefined;
  }
}
