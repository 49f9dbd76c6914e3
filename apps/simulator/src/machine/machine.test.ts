import { describe, expect, it } from 'vitest';
import { Machine } from './machine.js';
import { createRng } from './rng.js';
import { flush, record, track } from './test-helpers.js';

function machine(overrides: Partial<ConstructorParameters<typeof Machine>[0]> = {}): Machine {
  return new Machine({
    boardId: 'SIM-TEST-0001',
    channels: [
      { capacity: 5, stock: 3 },
      { capacity: 8, stock: 8 },
    ],
    dispenseMs: 0,
    ...overrides,
  });
}

describe('Machine construction', () => {
  it('builds channels from configs, numbered from 1', () => {
    const m = machine({
      channels: [{ capacity: 5, stock: 2, dispenseMs: 900, jamProbability: 0.25 }, { capacity: 7 }],
    });
    expect(m.channelCount).toBe(2);
    expect(m.state().channels).toEqual([
      {
        channel: 1,
        capacity: 5,
        stock: 2,
        reportedStock: 2,
        dispenseMs: 900,
        jamProbability: 0.25,
        jammed: false,
        jamArmed: false,
        motorCycles: 0,
      },
      {
        channel: 2,
        capacity: 7,
        stock: 7,
        reportedStock: 7,
        dispenseMs: 0,
        jamProbability: 0,
        jammed: false,
        jamArmed: false,
        motorCycles: 0,
      },
    ]);
  });

  it('builds full channels of 10 with a 1200 ms motor from a count', () => {
    const m = new Machine({ boardId: 'B', channels: 3 });
    expect(m.state().channels.map((c) => [c.channel, c.capacity, c.stock, c.dispenseMs])).toEqual([
      [1, 10, 10, 1200],
      [2, 10, 10, 1200],
      [3, 10, 10, 1200],
    ]);
    expect(m.state()).toMatchObject({
      boardId: 'B',
      time: 0,
      powered: true,
      door: 'closed',
      motorRunning: null,
      jammedChannels: [],
      dispenseLog: [],
      errorBits: 0,
      peripherals: {},
      refrigeration: { ambient: 250, setpoint: 40, cabinet: 250, reading: 250, compressor: false, alarm: false },
    });
  });

  it('refuses impossible machines', () => {
    expect(() => machine({ boardId: '' })).toThrow(RangeError);
    expect(() => machine({ boardId: 'X'.repeat(17) })).toThrow(RangeError);
    expect(() => machine({ boardId: 'café' })).toThrow(RangeError);
    expect(() => machine({ channels: [{ capacity: 2, stock: 3 }] })).toThrow(/exceeds its capacity/);
    expect(() => machine({ channels: [{ capacity: 2, jamProbability: 1.5 }] })).toThrow(RangeError);
    expect(() => machine({ channels: 0 })).toThrow(RangeError);
    expect(() => machine({ setpoint: 40.5 })).toThrow(RangeError);
  });
});

describe('dispense', () => {
  it('vends: the motor turns for dispenseMs, the product drops, stock -1, log +1', async () => {
    const m = machine({ dispenseMs: 1200, startTime: 5_000 });
    const events = record(m);
    const vend = track(m.dispense(1));
    expect(m.state().motorRunning).toBe(1);

    m.tick(1199);
    await flush();
    expect(vend.settled).toBe(false);
    expect(m.state().channels[0]?.stock).toBe(3);

    m.tick(1);
    await flush();
    expect(vend.value).toBe('ok');
    const state = m.state();
    expect(state.motorRunning).toBeNull();
    expect(state.channels[0]).toMatchObject({ stock: 2, reportedStock: 2, motorCycles: 1, jammed: false });
    expect(state.channels[1]?.stock).toBe(8);
    expect(state.dispenseLog).toEqual([{ sequence: 1, channel: 1, at: 6_200, sensed: true }]);
    expect(events.filter((e) => e.type !== 'compressor')).toEqual([
      { type: 'vend_phase', at: 5_000, channel: 1, phase: 'before_motor' },
      { type: 'vend_phase', at: 5_000, channel: 1, phase: 'motor_running' },
      { type: 'product_dropped', at: 6_200, record: { sequence: 1, channel: 1, at: 6_200, sensed: true } },
      { type: 'vend_phase', at: 6_200, channel: 1, phase: 'after_drop' },
    ]);
  });

  it('with a 0 ms motor, completes without any tick', async () => {
    const m = machine();
    expect(await m.dispense(2)).toBe('ok');
    expect(await m.dispense(2)).toBe('ok');
    expect(await m.dispense(1)).toBe('ok');
    expect(m.now).toBe(0);
    expect(m.state().channels.map((c) => c.stock)).toEqual([2, 6]);
    expect(m.dispenseLog().map((r) => [r.sequence, r.channel])).toEqual([
      [1, 2],
      [2, 2],
      [3, 1],
    ]);
  });

  it('sells a channel out, then answers empty without starting the motor', async () => {
    const m = machine();
    for (let i = 0; i < 3; i++) expect(await m.dispense(1)).toBe('ok');
    expect(await m.dispense(1)).toBe('empty');
    expect(m.state().channels[0]).toMatchObject({ stock: 0, reportedStock: 0, motorCycles: 3 });
    expect(m.dispenseLog()).toHaveLength(3);
  });

  it('jams: the product stays, the channel reports a motor fault until cleared', async () => {
    const m = machine();
    const faults = record(m);
    m.faults.jam(2);
    expect(m.state().faults.armedJams).toEqual([2]);

    expect(await m.dispense(2)).toBe('jam');
    let state = m.state();
    expect(state.channels[1]).toMatchObject({
      stock: 8,
      reportedStock: 8,
      jammed: true,
      jamArmed: false,
      motorCycles: 1,
    });
    expect(state.jammedChannels).toEqual([2]);
    expect(state.dispenseLog).toEqual([]);
    expect(faults.filter((e) => e.type === 'motor_fault')).toEqual([
      { type: 'motor_fault', at: 0, channel: 2, cause: 'jam' },
    ]);

    // A latched motor fault: refused without turning the motor again.
    expect(await m.dispense(2)).toBe('jam');
    expect(m.state().channels[1]?.motorCycles).toBe(1);
    // Other channels still sell.
    expect(await m.dispense(1)).toBe('ok');

    m.clearJam(2);
    expect(faults.at(-1)).toEqual({ type: 'motor_fault_cleared', at: 0, channel: 2 });
    expect(await m.dispense(2)).toBe('ok');
    state = m.state();
    expect(state.jammedChannels).toEqual([]);
    expect(state.channels[1]).toMatchObject({ stock: 7, motorCycles: 2 });
    expect(state.dispenseLog.map((r) => r.channel)).toEqual([1, 2]);
  });

  it('a jammed channel stalls at the end of the motor time', async () => {
    const m = machine({ dispenseMs: 800 });
    m.faults.jam(1);
    const vend = track(m.dispense(1));
    m.tick(799);
    await flush();
    expect(vend.settled).toBe(false);
    m.tick(1);
    await flush();
    expect(vend.value).toBe('jam');
  });

  it('empty channel fault: the sensor says stocked, the motor turns, nothing drops', async () => {
    const m = machine();
    m.faults.emptyChannel(1);
    expect(m.state().channels[0]).toMatchObject({ stock: 0, reportedStock: 3 });
    expect(m.state().faults.emptyChannels).toEqual([1]);

    expect(await m.dispense(1)).toBe('empty');
    expect(await m.dispense(1)).toBe('empty');
    const state = m.state();
    expect(state.channels[0]).toMatchObject({ stock: 0, reportedStock: 3, motorCycles: 2, jammed: false });
    expect(state.dispenseLog).toEqual([]);

    // Loading the channel makes the sensor right again.
    m.restock(1, 2);
    expect(m.state().channels[0]).toMatchObject({ stock: 2, reportedStock: 2 });
    expect(m.state().faults.emptyChannels).toEqual([]);
    expect(await m.dispense(1)).toBe('ok');
    expect(m.dispenseLog()).toHaveLength(1);
  });

  it('refuses an invalid channel, an open door and a second motor, moving nothing', async () => {
    const m = machine({ dispenseMs: 1000 });
    for (const channel of [0, 3, -1, 1.5, Number.NaN]) expect(await m.dispense(channel)).toBe('invalid_channel');

    m.openDoor();
    expect(await m.dispense(1)).toBe('door_open');
    m.closeDoor();

    const first = track(m.dispense(1));
    expect(await m.dispense(2)).toBe('busy');
    expect(await m.dispense(1)).toBe('busy');
    m.tick(1000);
    await flush();
    expect(first.value).toBe('ok');
    expect(m.state().channels.map((c) => [c.stock, c.motorCycles])).toEqual([
      [2, 1],
      [8, 0],
    ]);
    expect(m.dispenseLog()).toHaveLength(1);
  });

  it('motor power fault: every cycle stalls, no channel latches, STATUS bit 5', async () => {
    const m = machine();
    const events = record(m);
    m.faults.motorPower();
    expect(m.errorBits()).toBe(1 << 5);
    expect(await m.dispense(1)).toBe('jam');
    expect(m.state().jammedChannels).toEqual([]);
    expect(m.state().channels[0]?.stock).toBe(3);
    expect(events.find((e) => e.type === 'motor_fault')).toMatchObject({ channel: 1, cause: 'motor_power' });
    m.faults.motorPower(false);
    expect(m.errorBits()).toBe(0);
    expect(await m.dispense(1)).toBe('ok');
  });

  it('drop sensor fault: the product falls unseen, the cycle ends empty, STATUS bit 4', async () => {
    const m = machine();
    m.faults.dropSensor();
    expect(m.state().errorBits).toBe(1 << 4);
    expect(await m.dispense(1)).toBe('empty');
    expect(m.state().channels[0]?.stock).toBe(2);
    expect(m.dispenseLog()).toEqual([{ sequence: 1, channel: 1, at: 0, sensed: false }]);
  });
});

describe('random stalls', () => {
  async function run(seed: number): Promise<string[]> {
    const m = machine({ seed, channels: [{ capacity: 60, jamProbability: 0.3 }] });
    const results: string[] = [];
    for (let i = 0; i < 40; i++) {
      const result = await m.dispense(1);
      results.push(result);
      if (result === 'jam') m.clearJam(1);
    }
    return results;
  }

  it('follow the seed exactly: one draw per motor start, stall when below the probability', async () => {
    const rng = createRng(99);
    const expected = Array.from({ length: 40 }, () => (rng() < 0.3 ? 'jam' : 'ok'));
    const results = await run(99);
    expect(results).toEqual(expected);
    expect(await run(99)).toEqual(results);
    expect(await run(100)).not.toEqual(results);
    const jams = results.filter((r) => r === 'jam').length;
    expect(jams).toBeGreaterThan(4);
    expect(jams).toBeLessThan(25);
  });

  it('can be set per channel on demand', async () => {
    const m = machine();
    m.faults.jamProbability(2, 1);
    expect(await m.dispense(2)).toBe('jam');
    expect(() => m.faults.jamProbability(2, -0.1)).toThrow(RangeError);
    m.faults.clearAll();
    m.clearJam(2);
    expect(m.state().channels[1]?.jamProbability).toBe(0);
    expect(await m.dispense(2)).toBe('ok');
  });
});

describe('faults on demand', () => {
  it('show in the state and as events, and clearAll switches them off', () => {
    const m = machine();
    const events = record(m);
    m.faults.coolingFailure();
    m.faults.temperatureSensor();
    m.faults.motorPower();
    m.faults.dropSensor();
    m.faults.jam(1);
    m.faults.jamProbability(2, 0.5);
    m.faults.emptyChannel(2);
    m.faults.powerCutAt('motor_running', 2);
    expect(m.state().faults).toEqual({
      coolingFailure: true,
      temperatureSensor: true,
      motorPower: true,
      dropSensor: true,
      emptyChannels: [2],
      armedJams: [1],
      powerCutAt: { phase: 'motor_running', channel: 2 },
    });
    expect(m.errorBits()).toBe(0b111000);
    expect(events.filter((e) => e.type === 'fault').map((e) => [e.fault, e.active, e.channel])).toEqual([
      ['cooling_failure', true, undefined],
      ['temperature_sensor', true, undefined],
      ['motor_power', true, undefined],
      ['drop_sensor', true, undefined],
      ['jam', true, 1],
      ['jam_probability', true, 2],
      ['empty_channel', true, 2],
      ['power_cut', true, 2],
    ]);

    m.faults.clearAll();
    expect(m.state().faults).toEqual({
      coolingFailure: false,
      temperatureSensor: false,
      motorPower: false,
      dropSensor: false,
      emptyChannels: [2],
      armedJams: [],
      powerCutAt: null,
    });
    expect(m.state().channels[1]?.jamProbability).toBe(0);
    expect(m.errorBits()).toBe(0);
    expect(() => m.faults.jam(9)).toThrow(RangeError);
    expect(() => m.faults.powerCutAt('after_drop', 9)).toThrow(RangeError);
  });
});

describe('real-time driver', () => {
  it('runs machine time with the wall clock until stopped', async () => {
    const m = machine({ dispenseMs: 20 });
    m.start(5);
    m.start(5);
    expect(m.running).toBe(true);
    const result = await m.dispense(1);
    expect(result).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 50));
    m.stop();
    expect(m.running).toBe(false);
    expect(m.now).toBeGreaterThanOrEqual(40);
    const stoppedAt = m.now;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(m.now).toBe(stoppedAt);
  });
});

describe('restock', () => {
  it('loads a channel up to its capacity and refuses more', () => {
    const m = machine();
    const events = record(m);
    expect(() => m.restock(1, 3)).toThrow(/3 more do not fit/);
    expect(m.state().channels[0]?.stock).toBe(3);
    m.restock(1, 2);
    expect(m.state().channels[0]?.stock).toBe(5);
    expect(events).toEqual([{ type: 'restocked', at: 0, channel: 1, count: 2, stock: 5 }]);
    expect(() => m.restock(1, 1)).toThrow(RangeError);
    expect(() => m.restock(3, 1)).toThrow(/no channel 3/);
    expect(() => m.restock(2, -1)).toThrow(RangeError);
    expect(() => m.restock(2, 0.5)).toThrow(RangeError);
  });
});

describe('door and keypad', () => {
  it('reports the door switch, once per change', () => {
    const m = machine({ startTime: 100 });
    const events = record(m);
    m.openDoor();
    m.openDoor();
    m.tick(2_500);
    m.closeDoor();
    m.closeDoor();
    expect(events.filter((e) => e.type.startsWith('door'))).toEqual([
      { type: 'door_opened', at: 100 },
      { type: 'door_closed', at: 2_600 },
    ]);
    expect(m.state().door).toBe('closed');
  });

  it('reports channel buttons, refuses buttons that do not exist, is dead without power', () => {
    const m = machine();
    const presses: number[] = [];
    m.on('button_pressed', (e) => presses.push(e.channel));
    expect(m.pressButton(2)).toBe(true);
    expect(m.pressButton(1)).toBe(true);
    expect(() => m.pressButton(3)).toThrow(RangeError);
    m.powerCut();
    expect(m.pressButton(1)).toBe(false);
    expect(presses).toEqual([2, 1]);
  });

  it('lets a listener be removed', () => {
    const m = machine();
    const seen: string[] = [];
    const off = m.on('door_opened', (e) => seen.push(e.type));
    m.openDoor();
    off();
    m.closeDoor();
    m.openDoor();
    expect(seen).toEqual(['door_opened']);
  });
});

describe('state', () => {
  it('is a copy: changing it changes nothing in the machine', async () => {
    const m = machine();
    await m.dispense(1);
    const state = m.state();
    const channel = state.channels[0];
    expect(channel?.stock).toBe(2);
    if (channel) channel.stock = 99;
    state.dispenseLog.pop();
    expect(m.state().channels[0]?.stock).toBe(2);
    expect(m.state().dispenseLog).toHaveLength(1);
  });

  it('includes attached parts under their names', () => {
    const m = machine();
    let fen = 500;
    const detach = m.attach('cashBox', { state: () => ({ fen }) });
    expect(m.state().peripherals).toEqual({ cashBox: { fen: 500 } });
    fen = 700;
    expect(m.state().peripherals).toEqual({ cashBox: { fen: 700 } });
    expect(() => m.attach('cashBox', { state: () => 0 })).toThrow(/already attached/);
    detach();
    expect(m.state().peripherals).toEqual({});
  });
});
