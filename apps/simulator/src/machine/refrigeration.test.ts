import { describe, expect, it } from 'vitest';
import { Machine } from './machine.js';
import { protocolEvent } from './protocol-map.js';
import { Refrigeration } from './refrigeration.js';
import { record } from './test-helpers.js';
import type { MachineOptions } from './types.js';

const MINUTE = 60_000;

function fridge(overrides: Partial<MachineOptions> = {}): Machine {
  return new Machine({ boardId: 'SIM-COLD', channels: 2, ambient: 250, setpoint: 40, ...overrides });
}

/** Readings once a minute for `minutes`. */
function readings(m: Machine, minutes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < minutes; i++) {
    m.tick(MINUTE);
    out.push(m.temperature() ?? Number.NaN);
  }
  return out;
}

describe('thermostat', () => {
  it('switches the compressor on at setpoint + hysteresis and off at setpoint - hysteresis', () => {
    const r = new Refrigeration({ ambient: 250, setpoint: 40, temperature: 49.4, settings: { hysteresis: 10 } });
    const inputs = { powered: true, doorOpen: false, coolingFailure: false, sensorFault: false };
    // Reads 49: inside the band, stays off.
    expect(r.step(1000, inputs)).toEqual([]);
    expect(r.compressor).toBe(false);
    // Warms to read 50: starts.
    let changes = r.step(20_000, inputs);
    expect(r.reading(false)).toBe(50);
    expect(changes).toEqual([{ kind: 'compressor', on: true }]);
    // Runs until it reads 30.
    let steps = 0;
    changes = [];
    while (changes.length === 0 && steps < 10_000) {
      changes = r.step(1000, inputs);
      steps++;
    }
    expect(changes).toEqual([{ kind: 'compressor', on: false }]);
    expect(r.reading(false)).toBe(30);
  });
});

describe('refrigeration', () => {
  it('pulls a warm cabinet down to the setpoint, then cycles around it', () => {
    const m = fridge();
    const events = record(m);
    const pullDown = readings(m, 60);
    // Monotone down until the thermostat first stops the compressor, at 3.0 °C.
    const firstStop = events.find((e) => e.type === 'compressor' && !e.on);
    expect(firstStop?.at).toBeGreaterThan(35 * MINUTE);
    expect(firstStop?.at).toBeLessThan(50 * MINUTE);
    const stoppedAtMinute = Math.floor((firstStop?.at ?? 0) / MINUTE);
    expect(pullDown[0]).toBeLessThan(250);
    for (let i = 1; i < stoppedAtMinute; i++) expect(pullDown[i]).toBeLessThan(pullDown[i - 1] ?? Infinity);
    expect(pullDown[stoppedAtMinute - 1]).toBeLessThanOrEqual(40);

    // Hours later it holds the band: 30..50 (one step of overshoot either side).
    const held = readings(m, 180);
    expect(Math.min(...held)).toBeGreaterThanOrEqual(29);
    expect(Math.max(...held)).toBeLessThanOrEqual(51);
    const switches = events.filter((e) => e.type === 'compressor');
    expect(switches.filter((e) => e.on).length).toBeGreaterThanOrEqual(3);
    expect(switches.filter((e) => !e.on).length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.type === 'temperature_alarm')).toEqual([]);
  });

  it('warms much faster with the door open, and recovers once it closes', () => {
    const closed = fridge({ temperature: 40 });
    const open = fridge({ temperature: 40 });
    closed.tick(30 * MINUTE);
    open.tick(30 * MINUTE);
    open.openDoor();
    const openCurve = readings(open, 5);
    const closedCurve = readings(closed, 5);
    expect(Math.max(...closedCurve)).toBeLessThanOrEqual(51);
    expect(openCurve.at(-1)).toBeGreaterThan(80);
    for (let i = 1; i < openCurve.length; i++) expect(openCurve[i]).toBeGreaterThan(openCurve[i - 1] ?? Infinity);
    expect(open.state().refrigeration.compressor).toBe(true);

    open.closeDoor();
    const recovery = readings(open, 30);
    expect(recovery.at(-1)).toBeLessThanOrEqual(50);
  });

  it('raises the temperature alarm when cooling fails, after the alarm delay, and clears it after repair', () => {
    const m = fridge({ temperature: 40 });
    const events = record(m);
    m.tick(10 * MINUTE);
    m.faults.coolingFailure();
    // Second by second, note when the reading first goes above 9.0 °C (setpoint 4.0 + 5.0).
    let firstAbove: number | undefined;
    for (let second = 0; second < 45 * 60; second++) {
      m.tick(1000);
      if (firstAbove === undefined && (m.temperature() ?? 0) > 90) firstAbove = m.now;
    }
    // The compressor keeps running: it is the cooling that failed.
    expect(m.state().refrigeration.compressor).toBe(true);
    expect(firstAbove).toBeDefined();
    expect(m.state().refrigeration.alarm).toBe(false);
    expect(m.now - (firstAbove ?? 0)).toBeLessThan(15 * MINUTE);

    m.tick(30 * MINUTE);
    const alarms = events.filter((e) => e.type === 'temperature_alarm');
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0];
    expect(alarm?.setpoint).toBe(40);
    expect(alarm?.temperature).toBeGreaterThan(90);
    // Raised after the reading has stayed above for the 15 minute alarm delay.
    expect((alarm?.at ?? 0) - (firstAbove ?? 0)).toBe(15 * MINUTE);
    expect(alarm && protocolEvent(alarm)).toEqual({ code: 3, value: alarm?.temperature });
    expect(m.state().refrigeration.alarm).toBe(true);

    m.faults.coolingFailure(false);
    m.tick(60 * MINUTE);
    expect(events.filter((e) => e.type === 'temperature_normal')).toHaveLength(1);
    expect(m.state().refrigeration.alarm).toBe(false);
    expect(m.temperature()).toBeLessThanOrEqual(50);
  });

  it('a faulty temperature sensor: no reading, STATUS bit 3, compressor off, no alarm', () => {
    const m = fridge({ temperature: 40 });
    const events = record(m);
    m.tick(MINUTE);
    m.faults.temperatureSensor();
    m.tick(3 * 60 * MINUTE);
    const state = m.state();
    expect(state.refrigeration.reading).toBeNull();
    expect(m.temperature()).toBeNull();
    expect(state.errorBits).toBe(1 << 3);
    expect(state.refrigeration.compressor).toBe(false);
    expect(state.refrigeration.cabinet).toBeGreaterThan(100);
    expect(events.filter((e) => e.type === 'temperature_alarm')).toEqual([]);

    m.faults.temperatureSensor(false);
    m.tick(16 * MINUTE);
    expect(events.filter((e) => e.type === 'temperature_alarm')).toHaveLength(1);
  });

  it('follows a new setpoint', () => {
    const m = fridge({ temperature: 40 });
    m.tick(60 * MINUTE);
    m.setSetpoint(100);
    const curve = readings(m, 180);
    expect(Math.min(...curve.slice(120))).toBeGreaterThanOrEqual(89);
    expect(Math.max(...curve.slice(120))).toBeLessThanOrEqual(111);
    expect(() => m.setSetpoint(40_000)).toThrow(RangeError);
  });

  it('gives the same temperatures however the time is chopped up', () => {
    const whole = fridge();
    const seconds = fridge();
    const odd = fridge();
    whole.tick(90 * MINUTE);
    for (let i = 0; i < 90 * 60; i++) seconds.tick(1000);
    let left = 90 * MINUTE;
    for (const chunk of [1, 333, 4_999, 12_345.5]) {
      while (left >= chunk) {
        odd.tick(chunk);
        left -= chunk;
        if (left < 5 * MINUTE) break;
      }
    }
    odd.tick(left);
    expect(seconds.state().refrigeration).toEqual(whole.state().refrigeration);
    expect(odd.state().refrigeration).toEqual(whole.state().refrigeration);
    expect(odd.now).toBe(whole.now);
  });
});
