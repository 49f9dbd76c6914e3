import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.js';

describe('VirtualClock', () => {
  it('runs timers at their own time, in due order, only when advanced', () => {
    const clock = new VirtualClock(1000);
    const ran: string[] = [];
    clock.schedule(300, () => ran.push(`b@${clock.now}`));
    clock.schedule(100, () => ran.push(`a@${clock.now}`));
    clock.schedule(300, () => ran.push(`c@${clock.now}`));
    expect(ran).toEqual([]);
    clock.advance(99);
    expect(ran).toEqual([]);
    clock.advance(201);
    expect(ran).toEqual(['a@1100', 'b@1300', 'c@1300']);
    expect(clock.now).toBe(1300);
  });

  it('runs timers set by timers within the same advance, and cancels', () => {
    const clock = new VirtualClock();
    const ran: number[] = [];
    const tick = () => {
      ran.push(clock.now);
      clock.schedule(10, tick);
    };
    clock.schedule(10, tick);
    const cancel = clock.schedule(25, () => ran.push(-1));
    cancel();
    clock.advance(45);
    expect(ran).toEqual([10, 20, 30, 40]);
    expect(clock.now).toBe(45);
    expect(clock.pending).toBe(1);
  });

  it('refuses to go backwards or to be advanced from a timer', () => {
    const clock = new VirtualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    clock.schedule(1, () => clock.advance(1));
    expect(() => clock.advance(5)).toThrow(/inside one of its timers/);
  });
});
