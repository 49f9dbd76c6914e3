import { describe, expect, it } from 'vitest';
import { dayAfter, dayStart, shipmentActions, todayIn } from './stock';

describe('days in the tenant time zone', () => {
  it('start at the zone midnight', () => {
    expect(dayStart('2026-12-07', 'Asia/Shanghai')).toBe('2026-12-06T16:00:00.000Z');
    expect(dayStart('2026-12-07', 'UTC')).toBe('2026-12-07T00:00:00.000Z');
    expect(dayStart('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(dayStart('2026-01-01', 'America/New_York')).toBe('2026-01-01T05:00:00.000Z');
  });

  it('end at the next day start, across a change of month and of daylight saving', () => {
    expect(dayAfter('2026-11-30', 'Asia/Shanghai')).toBe('2026-11-30T16:00:00.000Z');
    expect(dayAfter('2026-03-07', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(dayAfter('2026-03-08', 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
  });

  it('know today as the zone sees it', () => {
    const now = new Date('2026-12-07T17:30:00Z');
    expect(todayIn('Asia/Shanghai', 0, now)).toBe('2026-12-08');
    expect(todayIn('UTC', 0, now)).toBe('2026-12-07');
    expect(todayIn('Asia/Shanghai', -8, now)).toBe('2026-11-30');
  });
});

describe('shipment actions', () => {
  it('follow the status: approve and cancel a request, ship what is approved, reject either', () => {
    expect(shipmentActions('requested')).toEqual({ approve: true, ship: false, reject: true, cancel: true });
    expect(shipmentActions('approved')).toEqual({ approve: false, ship: true, reject: true, cancel: false });
    for (const done of ['shipped', 'rejected', 'cancelled'] as const) {
      expect(shipmentActions(done)).toEqual({ approve: false, ship: false, reject: false, cancel: false });
    }
  });
});
