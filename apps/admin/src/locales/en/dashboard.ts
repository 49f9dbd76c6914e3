/** The dashboard: the fleet's sales, machines and alarms at a glance. */
export default {
  menu: { title: 'Dashboard' },
  title: 'Dashboard',
  updatedAt: 'Updated {time}',
  sales: {
    today: 'Sales today',
    last7Days: 'Last 7 days',
    last30Days: 'Last 30 days',
    orders: '{n} orders',
    revenue: 'Revenue',
  },
  charts: {
    byHour: 'Today by hour',
    byDay: 'Last 30 days by day',
    revenue: 'Revenue (yuan)',
    orders: 'Orders',
    hour: '{hour}:00',
  },
  machines: {
    title: 'Machines',
    total: 'Total',
    online: 'Online',
    offline: 'Offline',
    inAlarm: 'In alarm',
    viewAll: 'All machines',
  },
  topProducts: {
    title: 'Top products (30 days)',
    product: 'Product',
    orders: 'Orders',
    revenue: 'Revenue',
  },
  byMachine: {
    title: 'Sales by machine (30 days)',
    machine: 'Machine',
  },
  lowChannels: {
    title: 'Channels running low',
    count: '{n} channels running low',
    machine: 'Machine',
    channel: 'Channel',
    product: 'Product',
    stock: 'Stock',
    none: 'Every channel is well stocked',
  },
  alarms: {
    title: 'Newest alarms',
    none: 'No open alarms',
    viewAll: 'All alarms',
    acknowledged: 'Acknowledged',
  },
};
