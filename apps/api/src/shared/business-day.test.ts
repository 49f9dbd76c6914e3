import { describe, expect, it } from 'vitest';
import { BusinessCalendar, daysOf, isTimeZone } from './business-day.js';

describe('business day', () => {
  const shanghai = new BusinessCalendar('Asia/Shanghai');
  const newYork = new BusinessCalendar('America/New_York');

  it('cuts days at local midnight in Asia/Shanghai (UTC+8)', () => {
    expect(shanghai.dayOf(new Date('2026-11-01T15:30:00Z'))).toBe('2026-11-01'); // 23:30 local
    expect(shanghai.dayOf(new Date('2026-11-01T16:30:00Z'))).toBe('2026-11-02'); // 00:30 local
    expect(shanghai.startOf('2026-11-02').toISOString()).toBe('2026-11-01T16:00:00.000Z');
    expect(shanghai.windowOf({ from: '2026-11-01', to: '2026-11-01' })).toEqual({
      start: new Date('2026-10-31T16:00:00Z'),
      end: new Date('2026-11-01T16:00:00Z'),
    });
  });

  it('follows daylight saving in America/New_York: 23- and 25-hour days', () => {
    // 2026-03-08: clocks go from 02:00 to 03:00 (EST -5 to EDT -4).
    const spring = newYork.windowOf({ from: '2026-03-08', to: '2026-03-08' });
    expect(spring.start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(spring.end.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // 2026-11-01: clocks go from 02:00 back to 01:00 (EDT -4 to EST -5).
    const fall = newYork.windowOf({ from: '2026-11-01', to: '2026-11-01' });
    expect(fall.start.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(fall.end.toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(newYork.dayOf(new Date('2026-11-02T04:30:00Z'))).toBe('2026-11-01'); // 23:30 EST
    expect(newYork.dayOf(new Date('2026-11-02T05:30:00Z'))).toBe('2026-11-02'); // 00:30 EST
    expect(newYork.dayOf(new Date('2026-03-09T03:30:00Z'))).toBe('2026-03-08'); // 23:30 EDT
    expect(newYork.dayOf(new Date('2026-03-09T04:30:00Z'))).toBe('2026-03-09'); // 00:30 EDT
  });

  it('starts a day whose midnight does not exist at its first instant', () => {
    // America/Santiago skips 00:00-01:00 on its spring change (2026-09-06).
    const santiago = new BusinessCalendar('America/Santiago');
    const start = santiago.startOf('2026-09-06');
    expect(santiago.dayOf(start)).toBe('2026-09-06');
    expect(santiago.dayOf(new Date(start.getTime() - 1))).toBe('2026-09-05');
  });

  it('knows IANA zones and lists days', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(daysOf('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});
