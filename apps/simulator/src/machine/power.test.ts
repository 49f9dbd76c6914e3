import { describe, expect, it } from 'vitest';
import { Machine } from './machine.js';
import { Nvram } from './nvram.js';
import { flush, record, track } from './test-helpers.js';

function machine(nvram?: Nvram): Machine {
  return new Machine({
    boardId: 'SIM-POWER',
    channels: [
      { capacity: 5, stock: 4 },
      { capacity: 5, stock: 4 },
    ],
    dispenseMs: 1200,
    nvram,
  });
}

describe('power cut during a vend', () => {
  it('before the motor starts: nothing moved, the vend never completes', async () => {
    const m = machine();
    const events = record(m);
    m.faults.powerCutAt('before_motor');
    const vend = track(m.dispense(1));
    m.tick(10_000);
    await flush();
    expect(vend.settled).toBe(false);
    const state = m.state();
    expect(state.powered).toBe(false);
    expect(state.motorRunning).toBeNull();
    expect(state.channels[0]).toMatchObject({ stock: 4, reportedStock: 4, motorCycles: 0 });
    expect(state.dispenseLog).toEqual([]);
    expect(state.faults.powerCutAt).toBeNull();
    expect(events.filter((e) => e.type !== 'fault').map((e) => e.type)).toEqual(['vend_phase', 'power_lost']);

    m.powerOn();
    expect(events.at(-1)).toEqual({ type: 'power_restored', at: 10_000 });
    const retry = track(m.dispense(1));
    m.tick(1200);
    await flush();
    expect(retry.value).toBe('ok');
    expect(m.state().channels[0]?.stock).toBe(3);
    expect(m.dispenseLog()).toEqual([{ sequence: 1, channel: 1, at: 11_200, sensed: true }]);
  });

  it('with the motor running: it stops where it is, nothing drops', async () => {
    const m = machine();
    const vend = track(m.dispense(2));
    m.tick(600);
    expect(m.state().motorRunning).toBe(2);
    m.powerCut();
    m.tick(10_000);
    await flush();
    expect(vend.settled).toBe(false);
    expect(m.state().channels[1]).toMatchObject({ stock: 4, motorCycles: 1, jammed: false });
    expect(m.dispenseLog()).toEqual([]);
    expect(m.state().motorRunning).toBeNull();
  });

  it('at the motor_running phase (armed): the motor started, nothing drops', async () => {
    const m = machine();
    m.faults.powerCutAt('motor_running');
    const vend = track(m.dispense(1));
    m.tick(5_000);
    await flush();
    expect(vend.settled).toBe(false);
    expect(m.state().channels[0]).toMatchObject({ stock: 4, motorCycles: 1 });
    expect(m.dispenseLog()).toEqual([]);
  });

  it('after the drop (cut by a phase listener): the product is in the log and the stock is down', async () => {
    const m = machine();
    m.on('vend_phase', (e) => {
      if (e.phase === 'after_drop') m.powerCut();
    });
    const vend = track(m.dispense(1));
    m.tick(10_000);
    await flush();
    expect(vend.settled).toBe(false);
    expect(m.powered).toBe(false);
    expect(m.state().channels[0]).toMatchObject({ stock: 3, reportedStock: 3, motorCycles: 1 });
    expect(m.dispenseLog()).toEqual([{ sequence: 1, channel: 1, at: 1_200, sensed: true }]);
  });

  it('an armed cut can wait for one channel', async () => {
    const m = machine();
    m.faults.powerCutAt('after_drop', 2);
    const first = track(m.dispense(1));
    m.tick(1200);
    await flush();
    expect(first.value).toBe('ok');
    expect(m.powered).toBe(true);
    const second = track(m.dispense(2));
    m.tick(1200);
    await flush();
    expect(second.settled).toBe(false);
    expect(m.powered).toBe(false);
    expect(m.dispenseLog().map((r) => r.channel)).toEqual([1, 2]);
  });
});

describe('power off', () => {
  it('a vend asked for without power never completes and moves nothing', async () => {
    const m = machine();
    m.powerCut();
    const vend = track(m.dispense(1));
    m.tick(5_000);
    await flush();
    expect(vend.settled).toBe(false);
    expect(m.state().channels[0]).toMatchObject({ stock: 4, motorCycles: 0 });
  });

  it('keeps what is physical (jams, door, stock) and the same NVRAM', async () => {
    const nvram = new Nvram();
    const m = machine(nvram);
    nvram.setJson('lastVends', [{ vendId: 7, channel: 2, result: 0 }]);
    m.faults.jam(2);
    const vend = track(m.dispense(2));
    m.tick(1200);
    await flush();
    expect(vend.value).toBe('jam');
    m.openDoor();

    m.powerCut();
    m.powerCut();
    m.powerOn();
    expect(m.nvram).toBe(nvram);
    expect(m.nvram.getJson('lastVends')).toEqual([{ vendId: 7, channel: 2, result: 0 }]);
    expect(m.state()).toMatchObject({ powered: true, door: 'open', jammedChannels: [2] });
    expect(m.state().channels[1]?.stock).toBe(4);
  });

  it('stops the compressor; the cabinet warms while the power is off', () => {
    // Switched on warm: the compressor is pulling the cabinet down.
    const m = new Machine({ boardId: 'B', channels: 1, ambient: 250 });
    m.tick(60_000);
    m.setAmbient(350);
    expect(m.state().refrigeration.compressor).toBe(true);
    const events = record(m);
    m.powerCut();
    expect(m.state().refrigeration.compressor).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['compressor', 'power_lost']);
    const before = m.state().refrigeration.cabinet;
    m.tick(30 * 60_000);
    expect(m.state().refrigeration.cabinet).toBeGreaterThan(before + 15);
    expect(events.filter((e) => e.type === 'compressor' && e.on)).toEqual([]);
  });
});
