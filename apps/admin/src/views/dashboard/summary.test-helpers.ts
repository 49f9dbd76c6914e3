/** A dashboard summary for component tests. */
import type { DashboardSummary } from '../../api/dashboard';

const figures = (orders: number, revenue: number) => ({
  orders,
  quantity: orders,
  gross: revenue,
  refunded: 0,
  revenue,
});

/** A summary whose today has `orders` sales of 2.50 yuan at 09:00. */
export function summaryWith(orders: number): DashboardSummary {
  return {
    timeZone: 'Asia/Shanghai',
    today: '2026-12-07',
    sales: {
      today: figures(orders, orders * 250),
      last7Days: figures(orders + 10, 9000),
      last30Days: figures(orders + 40, 30000),
    },
    byHour: Array.from({ length: 24 }, (_, hour) => ({
      hour,
      ...figures(hour === 9 ? orders : 0, hour === 9 ? orders * 250 : 0),
    })),
    byDay: Array.from({ length: 30 }, (_, i) => ({
      day: `2026-11-${String(8 + i).padStart(2, '0')}`.replace('2026-11-31', '2026-12-01'),
      ...figures(i, i * 100),
    })),
    topProducts: [{ productId: 'p1', name: '可口可乐 330ml', ...figures(7, 2100) }],
    byMachine: [{ machineId: 'm1', name: '图书馆一楼', ...figures(9, 2700) }],
    machines: { total: 3, online: 2, offline: 1, inAlarm: 1 },
    lowChannels: [
      {
        channelId: 'c1',
        machineId: 'm1',
        machineName: '图书馆一楼',
        number: 4,
        productName: '雪碧',
        stock: 0,
        capacity: 10,
      },
    ],
    lowChannelCount: 1,
    newestAlarms: [
      {
        id: 'a1',
        machineId: 'm1',
        machineName: '图书馆一楼',
        kind: 'jam',
        severity: 'critical',
        channelNumber: 4,
        message: 'channel 4 jammed',
        raisedAt: '2026-12-07T01:00:00.000Z',
        acknowledged: false,
      },
    ],
  };
}
