import { EventCode, VendResult } from '@vmcloud/protocol';
import { describe, expect, it } from 'vitest';
import { Machine } from './machine.js';
import { protocolEvent, vendResultCode } from './protocol-map.js';
import { record } from './test-helpers.js';

describe('protocol codes', () => {
  it('maps every dispense result to its VEND_RESULT code', () => {
    expect(vendResultCode('ok')).toBe(0);
    expect(vendResultCode('jam')).toBe(1);
    expect(vendResultCode('empty')).toBe(2);
    expect(vendResultCode('invalid_channel')).toBe(3);
    expect(vendResultCode('door_open')).toBe(6);
    expect(vendResultCode('busy')).toBe(VendResult.BUSY);
  });

  it('maps the machine events the link carries to EVENT codes and values', async () => {
    const m = new Machine({ boardId: 'B', channels: 3, dispenseMs: 0 });
    const events = record(m);
    m.openDoor();
    m.closeDoor();
    m.faults.jam(3);
    await m.dispense(3);
    m.pressButton(1);
    m.powerCut();
    m.powerOn();
    const mapped = events.map(protocolEvent).filter((e) => e !== undefined);
    expect(mapped).toEqual([
      { code: EventCode.DOOR_OPENED, value: 0 },
      { code: EventCode.DOOR_CLOSED, value: 0 },
      { code: EventCode.MOTOR_FAULT, value: 3 },
      { code: EventCode.POWER_RESTORED, value: 0 },
    ]);
    expect(protocolEvent({ type: 'temperature_alarm', at: 0, temperature: 95, setpoint: 40 })).toEqual({
      code: 3,
      value: 95,
    });
  });
});
