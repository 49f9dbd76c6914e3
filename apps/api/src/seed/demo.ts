/**
 * A demo operator with a working fleet: one user of every operator role, three machines
 * with stocked channels, a warehouse, shipments, transfers, restocks, three weeks of
 * orders with their payments and refunds, turnover handed in, gift codes, ads and alarms.
 * Deterministic: the same date gives the same data.
 */

import { eq, newId, sealedAt, type DbHandle, type Keyring, type Row, type Tables } from '@vmcloud/db';
import { MODULES } from '../access/catalog.js';
import { channelCountOf } from '../channels/layout.js';
import { quoteLease } from '../tenants/fee.js';
import { createRolesFromTemplates, createUser, type SeededUser, type SeedOptions } from './platform.js';

export const DEMO_OPERATOR = { code: '100001', name: 'Demo_Vending' } as const;

const DAY = 86_400_000;
const DAYS_OF_ORDERS = 21;

/** mulberry32: a small seeded PRNG, so the demo data is the same every time. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

const PRODUCTS = [
  { code: 'D001', name: '可口可乐 330ml', spec: '330ml 罐装', unit: '罐', cost: 180, price: 300 },
  { code: 'D002', name: '百事可乐 330ml', spec: '330ml 罐装', unit: '罐', cost: 175, price: 300 },
  { code: 'D003', name: '农夫山泉 550ml', spec: '550ml 瓶装', unit: '瓶', cost: 90, price: 200 },
  { code: 'D004', name: '康师傅冰红茶 500ml', spec: '500ml 瓶装', unit: '瓶', cost: 160, price: 300 },
  { code: 'D005', name: '元气森林 480ml', spec: '480ml 瓶装', unit: '瓶', cost: 310, price: 550 },
  { code: 'D006', name: '红牛 250ml', spec: '250ml 罐装', unit: '罐', cost: 400, price: 650 },
  { code: 'S001', name: '乐事薯片 原味 70g', spec: '70g 袋装', unit: '袋', cost: 420, price: 700 },
  { code: 'S002', name: '奥利奥 夹心饼干 97g', spec: '97g 盒装', unit: '盒', cost: 450, price: 750 },
  { code: 'S003', name: '士力架 51g', spec: '51g 条装', unit: '条', cost: 280, price: 500 },
  { code: 'S004', name: '旺旺雪饼 84g', spec: '84g 袋装', unit: '袋', cost: 350, price: 600 },
  { code: 'S005', name: '德芙 丝滑牛奶巧克力 43g', spec: '43g 条装', unit: '条', cost: 520, price: 850 },
  { code: 'S006', name: '绿箭口香糖 5片', spec: '5片 条装', unit: '条', cost: 130, price: 250 },
] as const;

const MACHINES = [
  {
    boardId: 'VMC2026A0001',
    nameplateNo: 'C20-2026-000118',
    deviceNo: 'HD-001',
    model: 'VMC-C20',
    name: '图书馆一楼',
    address: '北京市海淀区中关村大街 1 号 图书馆一楼大厅',
    latitudeE6: 39_983_400,
    longitudeE6: 116_318_200,
  },
  {
    boardId: 'VMC2026A0002',
    nameplateNo: 'C20-2026-000119',
    deviceNo: 'HD-002',
    model: 'VMC-C20',
    name: '教学楼 B 座',
    address: '北京市海淀区中关村大街 1 号 教学楼 B 座二层',
    latitudeE6: 39_984_100,
    longitudeE6: 116_319_900,
  },
  {
    boardId: 'VMC2026B0001',
    nameplateNo: 'S12-2026-000042',
    deviceNo: 'HD-003',
    model: 'VMC-S12',
    name: '体育馆入口',
    address: '北京市海淀区中关村大街 1 号 体育馆东门',
    latitudeE6: 39_982_700,
    longitudeE6: 116_321_400,
  },
] as const;

/** Channels are numbered 1..trays x slotsPerTray in tray order, from the top tray down. */
const MACHINE_TYPES = [
  { model: 'VMC-C20', name: '冷饮综合机 20 货道', trays: 4, slotsPerTray: 5, defaultCapacity: 10, refrigerated: true },
  { model: 'VMC-S12', name: '零食机 12 货道', trays: 3, slotsPerTray: 4, defaultCapacity: 8, refrigerated: false },
] as const;

/** Which of the 22 modules the demo operator rents (all but two, so module gating shows). */
const RENTED = MODULES.map((m) => m.code).filter((code) => code !== 'profit_settlement' && code !== 'list_printing');

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const dateOf = (d: Date) => d.toISOString().slice(0, 10);
const compact = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');

export async function seedDemo(
  tx: DbHandle,
  keyring: Keyring,
  manufacturer: Row<Tables['tenants']>,
  permissionIds: Map<string, string>,
  options: SeedOptions,
): Promise<SeededUser[]> {
  const now = options.now ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const rng = random(20260101);
  const factory = tx.forTenant(manufacturer.id);

  // --- The manufacturer's catalogue and the operator's lease -------------------------
  const types = new Map<string, Row<Tables['machineTypes']>>();
  for (const t of MACHINE_TYPES) {
    const existing = await factory.machineTypes.findOne((m) => eq(m.model, t.model));
    types.set(
      t.model,
      existing ??
        (await factory.machineTypes.insert({
          ...t,
          description: `${channelCountOf(t)} 货道：${t.trays} 层，每层 ${t.slotsPerTray} 个`,
        })),
    );
  }

  const modules = await tx.platform.modules.find();
  const rented = modules.filter((m) => RENTED.includes(m.code));
  const [pricing] = await tx.platform.pricingRules.find({ orderBy: (p) => [p.effectiveFrom], limit: 1 });
  const tiers = await tx.platform.discountTiers.find();
  const leaseStart = new Date(today - 60 * DAY);
  const leaseEnd = new Date(leaseStart.getTime() + 365 * DAY);
  const quote = quoteLease({
    months: 12,
    machines: 10,
    moduleRents: rented.map((m) => m.monthlyRent),
    machineMonthlyRent: pricing?.machineMonthlyRent ?? 5000,
    tiers,
  });

  const operatorId = newId();
  const operator = await tx.platform.tenants.insert({
    id: operatorId,
    kind: 'operator',
    ...DEMO_OPERATOR,
    contactName: '王经理',
    contactPhone: keyring.encrypt('13800138000', sealedAt('tenants', 'contactPhone', { id: operatorId })),
    leaseStartsAt: leaseStart,
    leaseEndsAt: leaseEnd,
    machineQuota: quote.machines,
    trialUsed: true,
  });
  const op = tx.forTenant(operator.id);
  await op.tenantModules.insertMany(rented.map((m) => ({ moduleId: m.id })));
  await op.leaseOrders.insert({
    orderNo: `L${compact(leaseStart)}0001`,
    kind: 'lease',
    ...quote,
    moduleCodes: rented.map((m) => m.code),
    status: 'paid',
    periodStart: leaseStart,
    periodEnd: leaseEnd,
    paidAt: leaseStart,
  });

  // --- People ---------------------------------------------------------------------------
  const roles = await createRolesFromTemplates(tx, operator.id, 'operator', permissionIds, false);
  const role = (key: string) => {
    const id = roles.get(key);
    if (!id) throw new Error(`missing role ${key}`);
    return id;
  };
  const team = await op.groups.insert({ name: '海淀一组', type: 'staff', description: '海淀校区的营业员' });
  const campus = await op.groups.insert({ name: '中关村校区', type: 'machine' });
  const people = [
    { username: 'admin', displayName: '王经理', role: 'operator_admin', phone: '13800138000' },
    {
      username: 'leader',
      displayName: '李组长',
      role: 'group_admin',
      phone: '13800138001',
      groupId: team.id,
      groupAdmin: true,
    },
    { username: 'staff1', displayName: '张伟', role: 'field_staff', phone: '13800138002', groupId: team.id },
    { username: 'staff2', displayName: '刘洋', role: 'field_staff', phone: '13800138003', groupId: team.id },
    { username: 'stock', displayName: '陈库管', role: 'inventory_admin', email: 'stock@demo-vending.cn' },
    { username: 'finance', displayName: '赵会计', role: 'finance_admin', email: 'finance@demo-vending.cn' },
  ];
  const users = new Map<string, Row<Tables['users']>>();
  for (const p of people) {
    users.set(p.username, await createUser(tx, keyring, operator.id, { ...p, roleId: role(p.role) }, options));
  }
  const userId = (name: string) => (users.get(name) as Row<Tables['users']>).id;
  const admin = userId('admin');
  const staffFor = [userId('staff1'), userId('staff1'), userId('staff2')];

  // --- Products, warehouse and custom fields ---------------------------------------------
  const products = await op.products.insertMany(
    PRODUCTS.map((p) => ({ ...p, description: `${p.name}，常温保存`, createdBy: admin })),
  );
  const productByCode = new Map(products.map((p) => [p.code, p]));
  await op.warehouseStock.insertMany(products.map((p) => ({ productId: p.id, quantity: rng.int(80, 240) })));
  const shelfLife = await op.customFieldDefinitions.insert({
    entity: 'product',
    key: 'shelf_life_days',
    label: '保质期（天）',
    type: 'number',
    required: false,
  });
  await op.customFieldValues.insertMany(
    products.map((p) => ({
      definitionId: shelfLife.id,
      entityId: p.id,
      value: p.code.startsWith('D') ? '365' : '270',
    })),
  );
  const assetTag = await op.customFieldDefinitions.insert({
    entity: 'machine',
    key: 'asset_tag',
    label: '资产编号',
    type: 'text',
    required: true,
  });

  // --- Machines: built by the manufacturer, sold to the operator, planogram set ---------------
  const machines: Row<Tables['machines']>[] = [];
  const channelsByMachine = new Map<string, Row<Tables['channels']>[]>();
  for (const [i, m] of MACHINES.entries()) {
    const type = types.get(m.model) as Row<Tables['machineTypes']>;
    const soldAt = new Date(leaseStart.getTime() + (i + 1) * DAY);
    const machine = await op.machines.insert({
      boardId: m.boardId,
      deviceNo: m.deviceNo,
      nameplateNo: m.nameplateNo,
      typeId: type.id,
      manufacturerId: manufacturer.id,
      heldSince: soldAt,
      price: type.refrigerated ? 1_880_000 : 1_280_000,
      name: m.name,
      address: m.address,
      latitudeE6: m.latitudeE6,
      longitudeE6: m.longitudeE6,
      groupId: campus.id,
      staffId: staffFor[i] ?? null,
      status: 'active',
    });
    machines.push(machine);
    await factory.machineSales.insert({ machineId: machine.id, operatorId: operator.id, price: machine.price, soldAt });
    await op.customFieldValues.insert({
      definitionId: assetTag.id,
      entityId: machine.id,
      value: `ZGC-${pad(i + 1, 4)}`,
    });
    await op.machineStatus.insert({
      machineId: machine.id,
      online: i !== 2,
      lastHeartbeatAt: new Date(now.getTime() - (i === 2 ? 3 * 3_600_000 : 30_000)),
      temperature: type.refrigerated ? 45 + i * 3 : null,
      doorOpen: false,
      appVersion: '0.1.0',
      firmware: 'VMC-1.4.2',
      errors: 0,
    });

    // Drinks in the refrigerated machines, snacks in the snack machine; two lanes per product.
    const assortment = PRODUCTS.filter((p) => (type.refrigerated ? p.code.startsWith('D') : p.code.startsWith('S')));
    const channelCount = channelCountOf(type);
    const lanes = Array.from({ length: channelCount }, (_, n) => {
      const product = productByCode.get((assortment[n % assortment.length] as { code: string }).code) as Row<
        Tables['products']
      >;
      return { number: n + 1, product };
    });
    // The first two lanes of each product share a channel group (same product, same price).
    const groups = new Map<string, string>();
    for (const product of new Set(lanes.map((l) => l.product))) {
      const group = await op.channelGroups.insert({
        machineId: machine.id,
        name: `${product.code}-组`,
        productId: product.id,
        price: product.price,
      });
      groups.set(product.id, group.id);
    }
    const channels = await op.channels.insertMany(
      lanes.map(({ number, product }) => {
        const special = number === 1;
        return {
          machineId: machine.id,
          number,
          capacity: type.defaultCapacity,
          stock: number === channelCount ? 0 : rng.int(1, type.defaultCapacity),
          productId: product.id,
          price: special ? product.price - 50 : product.price,
          specialPrice: special,
          channelGroupId: special ? null : (groups.get(product.id) ?? null),
          enabled: number !== channelCount - 1,
          disabledReason: number === channelCount - 1 ? '电机异响，待维修' : null,
        };
      }),
    );
    channelsByMachine.set(machine.id, channels);
  }

  // --- Stock moving to field staff and into the machines -----------------------------------
  const shipmentDay = new Date(today - 14 * DAY);
  const shipped = await op.shipments.insert({
    documentNo: `CK${compact(shipmentDay)}0001`,
    staffId: userId('staff1'),
    status: 'shipped',
    approvedBy: userId('stock'),
    approvedAt: shipmentDay,
    shippedAt: shipmentDay,
    note: '周补货',
  });
  const heldBy = new Map<string, Map<string, number>>([
    [userId('staff1'), new Map()],
    [userId('staff2'), new Map()],
  ]);
  const shippedItems = await op.shipmentItems.insertMany(
    products.slice(0, 8).map((p) => {
      heldBy.get(userId('staff1'))?.set(p.id, 24);
      return { shipmentId: shipped.id, productId: p.id, quantityRequested: 24, quantityShipped: 24 };
    }),
  );
  const requested = await op.shipments.insert({
    documentNo: `CK${compact(new Date(today))}0002`,
    staffId: userId('staff2'),
    status: 'requested',
    note: '体育馆零食补货',
  });
  await op.shipmentItems.insertMany(
    products.slice(6).map((p) => ({ shipmentId: requested.id, productId: p.id, quantityRequested: 12 })),
  );

  const transferredAt = new Date(today - 10 * DAY + 10 * 3_600_000);
  const transfer = await op.transfers.insert({
    documentNo: `DB${compact(transferredAt)}0001`,
    createdAt: transferredAt,
    updatedAt: transferredAt,
    fromStaffId: userId('staff1'),
    toStaffId: userId('staff2'),
    note: '支援体育馆',
  });
  const moved = products.slice(6, 8);
  const transferItems = await op.transferItems.insertMany(
    moved.map((p) => ({
      transferId: transfer.id,
      productId: p.id,
      quantity: 6,
      createdAt: transferredAt,
      updatedAt: transferredAt,
    })),
  );
  for (const p of moved) {
    const from = heldBy.get(userId('staff1')) as Map<string, number>;
    from.set(p.id, (from.get(p.id) ?? 0) - 6);
    heldBy.get(userId('staff2'))?.set(p.id, 6);
  }

  // Restocks: each field worker fills some lanes of their machines from what they hold,
  // inside the period of the settled week below.
  const restockedAt = new Date(today - 9 * DAY + 9 * 3_600_000);
  const restockedBy = new Map<string, number>();
  for (const [i, machine] of machines.entries()) {
    const staffId = staffFor[i] as string;
    const held = heldBy.get(staffId) as Map<string, number>;
    for (const channel of (channelsByMachine.get(machine.id) ?? []).slice(0, 4)) {
      const have = held.get(channel.productId ?? '') ?? 0;
      const quantity = Math.min(have, channel.capacity - channel.stock, 3);
      if (quantity <= 0) continue;
      held.set(channel.productId as string, have - quantity);
      restockedBy.set(staffId, (restockedBy.get(staffId) ?? 0) + quantity);
      await op.restocks.insert({
        staffId,
        machineId: machine.id,
        channelId: channel.id,
        productId: channel.productId as string,
        quantity,
        stockBefore: channel.stock,
        stockAfter: channel.stock + quantity,
        createdAt: restockedAt,
        updatedAt: restockedAt,
      });
      await op.channels.update(channel.id, { stock: channel.stock + quantity, updatedBy: staffId });
    }
  }
  for (const [staffId, held] of heldBy) {
    await op.staffInventory.insertMany(
      [...held].filter(([, q]) => q > 0).map(([productId, quantity]) => ({ staffId, productId, quantity })),
    );
  }

  // --- Payment account, gift codes ---------------------------------------------------------
  const accountId = newId();
  const account = await op.paymentAccounts.insert({
    id: accountId,
    provider: 'sandbox',
    name: '演示收款账户',
    merchantId: '1900000109',
    appId: 'wxd678efh567hg6787',
    secrets: keyring.encrypt(
      JSON.stringify({ apiKey: 'demo-api-key-7f3a9c2e', certificate: null }),
      sealedAt('paymentAccounts', 'secrets', { id: accountId, tenantId: op.tenantId }),
    ),
    secretHint: '9c2e',
  });
  const rule = await op.giftCodeRules.insert({
    name: '满20元送饮料',
    trigger: 'order_amount_at_least',
    threshold: 2000,
    value: 300,
    validDays: 30,
  });

  // --- Three weeks of orders -------------------------------------------------------------
  type NewOrder = Parameters<typeof op.orders.insertMany>[0][number];
  const orders: (NewOrder & { id: string })[] = [];
  const payments: Parameters<typeof op.payments.insertMany>[0] = [];
  const refunds: Parameters<typeof op.refunds.insertMany>[0] = [];
  const cashByStaffWeek = new Map<string, { cash: number; mobile: number }>();
  let sequence = 0;
  for (let day = DAYS_OF_ORDERS; day >= 1; day -= 1) {
    const dayStart = today - day * DAY;
    for (const [i, machine] of machines.entries()) {
      const channels = (channelsByMachine.get(machine.id) ?? []).filter((c) => c.productId && c.price !== null);
      const count = rng.int(12, 30);
      const times = Array.from({ length: count }, () => dayStart + rng.int(0, 14 * 3600) * 1000 + 8 * 3_600_000).sort();
      for (const time of times) {
        sequence += 1;
        const channel = rng.pick(channels);
        const product = products.find((p) => p.id === channel.productId) as Row<Tables['products']>;
        const createdAt = new Date(time);
        const roll = rng.next();
        const method = roll < 0.68 ? 'qr' : roll < 0.9 ? 'cash' : roll < 0.97 ? 'card' : 'gift_code';
        const outcome = rng.next();
        const status =
          outcome < 0.95 ? 'completed' : outcome < 0.975 ? 'refunded' : method === 'qr' ? 'expired' : 'completed';
        const paid = status !== 'expired';
        const amount = method === 'gift_code' ? 0 : (channel.price as number);
        const id = newId(time);
        const order = {
          id,
          orderNo: `${compact(createdAt)}${pad(sequence, 8)}`,
          machineId: machine.id,
          channelId: channel.id,
          channelNumber: channel.number,
          productId: product.id,
          price: channel.price as number,
          quantity: 1,
          amount,
          cost: product.cost,
          paymentMethod: method,
          provider: method === 'qr' ? ('sandbox' as const) : null,
          providerTradeNo: method === 'qr' ? `SBX${compact(createdAt)}${pad(sequence, 10)}` : null,
          // Distinct per machine, as a terminal's vend ids are; 32 random bits of the id could repeat.
          vendId: sequence,
          status,
          paidAt: paid ? new Date(time + 4_000) : null,
          vendedAt: status === 'completed' ? new Date(time + 9_000) : null,
          completedAt: status === 'completed' ? new Date(time + 9_000) : null,
          refundedAt: status === 'refunded' ? new Date(time + 60_000) : null,
          createdAt,
          updatedAt: createdAt,
        } satisfies NewOrder & { id: string };
        orders.push(order);
        if (method === 'qr' || method === 'card') {
          payments.push({
            orderId: id,
            provider: 'sandbox',
            accountId: method === 'qr' ? account.id : null,
            amount,
            providerTradeNo: order.providerTradeNo ?? `CARD${pad(sequence, 10)}`,
            status: paid ? 'succeeded' : 'closed',
            expiresAt: new Date(time + 300_000),
            paidAt: order.paidAt,
            createdAt,
            updatedAt: createdAt,
          });
        }
        if (status === 'refunded' && amount > 0) {
          refunds.push({
            refundNo: `R${compact(createdAt)}${pad(sequence, 8)}`,
            orderId: id,
            amount,
            reason: 'VEND_RESULT JAM: 出货失败，自动退款',
            status: 'succeeded',
            refundedAt: order.refundedAt,
            createdAt,
            updatedAt: createdAt,
          });
        }
        if (status === 'completed' && amount > 0) {
          const week = Math.floor((today - dayStart) / (7 * DAY));
          const key = `${staffFor[i]}:${week}`;
          const sums = cashByStaffWeek.get(key) ?? { cash: 0, mobile: 0 };
          if (method === 'cash') sums.cash += amount;
          else sums.mobile += amount;
          cashByStaffWeek.set(key, sums);
        }
      }
    }
  }
  await op.orders.insertMany(orders);
  await op.payments.insertMany(payments);
  await op.refunds.insertMany(refunds);

  // Gift codes: issued by large orders, one already redeemed by a gift-code order.
  const redeemer = orders.find((o) => o.paymentMethod === 'gift_code' && o.status === 'completed');
  await op.giftCodes.insertMany(
    Array.from({ length: 6 }, (_, n) => ({
      code: `GIFT${pad(n + 1, 4)}${String(rng.int(1000, 9999))}`,
      ruleId: rule.id,
      value: rule.value,
      quantity: n === 0 && redeemer ? 0 : 1,
      expiresAt: new Date(today + (30 - n * 3) * DAY),
      issuedByOrderId: (orders[n * 50] as { id: string }).id,
      redeemedByOrderId: n === 0 && redeemer ? redeemer.id : null,
      status: n === 0 && redeemer ? ('redeemed' as const) : ('active' as const),
    })),
  );

  // --- Turnover handed in, and a goods settlement ---------------------------------------------
  let documents = 0;
  for (const [key, sums] of [...cashByStaffWeek].sort()) {
    const [staffId, weekText] = key.split(':') as [string, string];
    const week = Number(weekText);
    if (week === 0) continue; // the current week is not handed in yet
    documents += 1;
    const periodEnd = new Date(today - week * 7 * DAY);
    const periodStart = new Date(periodEnd.getTime() - 6 * DAY);
    await op.turnovers.insert({
      documentNo: `YY${compact(periodEnd)}${pad(documents, 4)}`,
      staffId,
      cashAmount: sums.cash,
      mobileAmount: sums.mobile,
      periodStart: dateOf(periodStart),
      periodEnd: dateOf(periodEnd),
      status: week > 1 ? 'confirmed' : 'submitted',
      confirmedBy: week > 1 ? userId('finance') : null,
      confirmedAt: week > 1 ? new Date(periodEnd.getTime() + DAY) : null,
    });
  }
  // staff1's goods settlement: what was issued to them, restocked, moved on, and still held.
  const staff1 = userId('staff1');
  const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
  const issued = sum(shippedItems.map((item) => item.quantityShipped ?? 0));
  await op.settlements.insert({
    kind: 'goods',
    staffId: staff1,
    periodStart: dateOf(new Date(today - 14 * DAY)),
    periodEnd: dateOf(new Date(today - 8 * DAY)),
    figures: {
      issued,
      restocked: restockedBy.get(staff1) ?? 0,
      transferredOut: sum(transferItems.map((item) => item.quantity)),
      held: sum(heldBy.get(staff1)?.values() ?? []),
    },
    status: 'final',
    settledAt: new Date(today - 7 * DAY),
  });

  // --- Ads and alarms ----------------------------------------------------------------------
  const ad = await op.ads.insert({
    name: '夏日冰饮第二件半价',
    mediaType: 'image',
    url: '/media/ads/summer-drinks.png',
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    durationSeconds: 8,
    startsAt: new Date(today - 7 * DAY),
    endsAt: new Date(today + 30 * DAY),
  });
  await op.adMachines.insertMany(machines.slice(0, 2).map((m, n) => ({ adId: ad.id, machineId: m.id, sortOrder: n })));
  const [first, , third] = machines as [Row<Tables['machines']>, Row<Tables['machines']>, Row<Tables['machines']>];
  await op.alarms.insertMany([
    {
      machineId: first.id,
      kind: 'door_open',
      severity: 'warning',
      message: '机门打开超过 10 分钟',
      raisedAt: new Date(today - 2 * DAY + 10 * 3_600_000),
      acknowledgedAt: new Date(today - 2 * DAY + 10.5 * 3_600_000),
      acknowledgedBy: userId('staff1'),
      resolvedAt: new Date(today - 2 * DAY + 10.5 * 3_600_000),
    },
    {
      machineId: third.id,
      kind: 'offline',
      severity: 'critical',
      message: '超过 3 小时没有心跳',
      raisedAt: new Date(now.getTime() - 2 * 3_600_000),
    },
  ]);
  await op.auditLog.insert({
    userId: null,
    action: 'seed.demo',
    entity: 'tenants',
    entityId: operator.id,
    after: { code: operator.code, name: operator.name, machines: machines.length, orders: orders.length },
  });

  return people.map((p) => ({ tenantCode: operator.code, username: p.username, role: p.role }));
}
