/** The dashboard: the fleet's sales, machines and alarms at a glance. */
export default {
  menu: { title: '工作台' },
  title: '工作台',
  updatedAt: '更新于 {time}',
  sales: {
    today: '今日销售',
    last7Days: '近 7 天',
    last30Days: '近 30 天',
    orders: '{n} 笔订单',
    revenue: '销售额',
  },
  charts: {
    byHour: '今日分时销售',
    byDay: '近 30 天每日销售',
    revenue: '销售额（元）',
    orders: '订单数',
    hour: '{hour} 时',
  },
  machines: {
    title: '售货机状态',
    total: '总数',
    online: '在线',
    offline: '离线',
    inAlarm: '告警中',
    viewAll: '查看全部售货机',
  },
  topProducts: {
    title: '热销商品（近 30 天）',
    product: '商品',
    orders: '订单',
    revenue: '销售额',
  },
  byMachine: {
    title: '售货机销售排行（近 30 天）',
    machine: '售货机',
  },
  lowChannels: {
    title: '缺货货道',
    count: '共 {n} 个货道库存不足',
    machine: '售货机',
    channel: '货道',
    product: '商品',
    stock: '库存',
    none: '所有货道库存充足',
  },
  alarms: {
    title: '最新告警',
    none: '没有未处理的告警',
    viewAll: '查看全部告警',
    acknowledged: '已确认',
  },
};
