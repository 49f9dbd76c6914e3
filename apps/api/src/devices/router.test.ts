import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { until } from '@vmcloud/protocol/testing';
import { and, eq, isNull } from '@vmcloud/db';
import { openSealed, type DeviceConfig, type DeviceOrder, type HeartbeatResponse } from '@vmcloud/protocol/device';
import { randomUUID, generateKeyPairSync } from 'node:crypto';
import { createTestApi, DEMO_CODE, type Caller, type TestApi } from '../testing.js';
import { serve, TestTerminal } from './device-client.test-helpers.js';
import { markOffline } from './heartbeat.js';
import { layOutChannels } from '../channels/layout.js';
import { watchPayments } from '../payments/checkout.js';

let api: TestApi;
let http: Awaited<ReturnType<typeof serve>>;
let admin: Caller;
let tenantId: string;
/** The test's clock: the wall clock moved by `shift`. */
let shift = 0;
const now = () => new Date(Date.now() + shift);

beforeAll(async () => {
  api = await createTestApi('sqlite', { now });
  http = await serve(api);
  admin = await api.signIn(DEMO_CODE, 'admin');
  tenantId = (await api.db.platform.tenants.findOneBy({ code: DEMO_CODE }))?.id as string;
}, 60_000);
afterAll(async () => {
  await http?.close();
  await api?.close();
});

/**
 * A new machine of the demo operator (built of the demo's first type, its channels laid out,
 * three of them holding a product at 3.00 with 5 in stock), with a terminal activated on it.
 */
async function activated(_index: number) {
  const scope = api.db.forTenant(tenantId);
  const [sample] = await scope.machines.find({ limit: 1 });
  if (!sample) throw new Error('no demo machine');
  const type = await api.db.forTenant(sample.manufacturerId).machineTypes.get(sample.typeId);
  if (!type) throw new Error('no machine type');
  const [product] = await scope.products.find({ where: (p) => eq(p.status, 'active'), limit: 1 });
  if (!product) throw new Error('no product');
  const boardId = `T${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
  const machine = await scope.machines.insert({
    boardId,
    typeId: type.id,
    manufacturerId: sample.manufacturerId,
    status: 'active',
  });
  await layOutChannels(scope, machine, type, null);
  for (const number of [1, 2, 3]) {
    await scope.channels.updateWhere((c) => and(eq(c.machineId, machine.id), eq(c.number, number)), {
      productId: product.id,
      price: 300,
      stock: 5,
    });
  }
  const channelCount = type.trays * type.slotsPerTray;
  const { code } = await admin.machines.issueActivationCode({ machineId: machine.id });
  const terminal = new TestTerminal(http.base);
  const answer = await terminal.activate(machine.boardId, code, channelCount);
  expect(answer.error).toBeUndefined();
  const channel = await scope.channels.findOneBy({ machineId: machine.id, number: 1 });
  if (!channel) throw new Error('no channel 1');
  return { terminal, machine: (await scope.machines.get(machine.id)) ?? machine, channel, channelCount, scope };
}

const heartbeat = {
  appVersion: '1.0.0',
  uptimeSeconds: 12,
  vmcLinkUp: true,
  doorOpen: false,
  temperature: 50,
  errors: 0,
  outboxDepth: 0,
};

describe('activation', () => {
  it('registers the keys with a one-time code, checks the channel count, and answers the platform key', async () => {
    const scope = api.db.forTenant(tenantId);
    const [machine] = await scope.machines.find({ orderBy: (m) => [m.boardId], limit: 1 });
    if (!machine) throw new Error('no machine');
    const type = await api.db.forTenant(machine.manufacturerId).machineTypes.get(machine.typeId);
    const n = (type?.trays ?? 0) * (type?.slotsPerTray ?? 0);
    const { code } = await admin.machines.issueActivationCode({ machineId: machine.id });
    const terminal = new TestTerminal(http.base);

    const wrongCount = await terminal.activate(machine.boardId, code, n + 1);
    expect(wrongCount.error?.message).toBe(
      `channelCount: the controller reports ${n + 1} channels, the machine type ${type?.model} has ${n}`,
    );
    const wrongCode = await terminal.activate(machine.boardId, 'AAAA-BBBB-CCCC', n);
    expect(wrongCode.error?.data.code).toBe('UNAUTHORIZED');

    const ok = await terminal.activate(machine.boardId, code.toLowerCase(), n);
    expect(ok.data).toMatchObject({ machineId: machine.id, tenantId, keyId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(terminal.identity?.platformKey).toBe(api.services.devices.signer.publicKeyPem);

    const again = await new TestTerminal(http.base).activate(machine.boardId, code, n);
    expect(again.error?.data.code).toBe('UNAUTHORIZED');
  });

  it('a new activation of the machine (a replaced board) revokes the key before it', async () => {
    const { terminal, machine, channelCount } = await activated(1);
    expect((await terminal.mutation('device.heartbeat', heartbeat)).error).toBeUndefined();
    const { code } = await admin.machines.issueActivationCode({ machineId: machine.id });
    const replacement = new TestTerminal(http.base);
    expect((await replacement.activate('NEWBOARD0001', code, channelCount)).error).toBeUndefined();
    expect((await api.db.forTenant(tenantId).machines.get(machine.id))?.boardId).toBe('NEWBOARD0001');
    const old = await terminal.mutation('device.heartbeat', heartbeat);
    expect(old.error?.message).toBe('x-vmc-key-id: this key was revoked; activate the terminal again');
    expect((await replacement.mutation('device.heartbeat', heartbeat)).error).toBeUndefined();
  });
});

describe('signed calls', () => {
  it('accept a good signature and refuse a replay, a stale time, a changed body, an unknown or revoked key, changing nothing', async () => {
    const { terminal, machine, scope } = await activated(2);
    const good = await terminal.mutation('device.heartbeat', { ...heartbeat, uptimeSeconds: 1 });
    const answer = terminal.open<HeartbeatResponse>(good, 'device.heartbeat');
    expect(answer.body.configVersion).toBe(machine.configVersion);
    expect(answer.id).toBe(good.sent['x-vmc-nonce']);
    const status = async () => scope.machineStatus.findOneBy({ machineId: machine.id });
    const before = await status();
    expect(before?.uptimeSeconds).toBe(1);

    const refusals: string[] = [];
    const replay = await terminal.post('/trpc/device.heartbeat', { ...heartbeat, uptimeSeconds: 1 }, good.sent);
    refusals.push(replay.error?.message ?? 'accepted');
    const changed = await terminal.post(
      '/trpc/device.heartbeat',
      { ...heartbeat, uptimeSeconds: 999 },
      terminal.sign('POST', '/trpc/device.heartbeat', good.body),
    );
    refusals.push(changed.error?.message ?? 'accepted');
    terminal.skewMs = -6 * 60_000;
    refusals.push(
      (await terminal.mutation('device.heartbeat', { ...heartbeat, uptimeSeconds: 2 })).error?.message ?? 'accepted',
    );
    terminal.skewMs = 0;
    const stranger = new TestTerminal(http.base);
    stranger.identity = { ...(terminal.identity as NonNullable<typeof terminal.identity>), keyId: 'f'.repeat(64) };
    refusals.push((await stranger.mutation('device.heartbeat', heartbeat)).error?.message ?? 'accepted');
    const forger = new TestTerminal(http.base);
    forger.identity = terminal.identity; // the right key id, the wrong private key
    refusals.push((await forger.mutation('device.heartbeat', heartbeat)).error?.message ?? 'accepted');
    const unsigned = await terminal.post('/trpc/device.heartbeat', heartbeat);
    refusals.push(unsigned.error?.message ?? 'accepted');
    expect(refusals).toEqual([
      'x-vmc-nonce: this request was seen before',
      'x-vmc-signature: does not verify for this request',
      'x-vmc-timestamp: more than 5 minutes from the platform’s clock',
      'x-vmc-key-id: no terminal has this key',
      'x-vmc-signature: does not verify for this request',
      'This call must be signed by a terminal (x-vmc-key-id, x-vmc-timestamp, x-vmc-nonce, x-vmc-signature)',
    ]);
    expect((await status())?.uptimeSeconds).toBe(1);
    expect(replay.status).toBe(401);

    expect((await admin.terminals.revoke({ machineId: machine.id })).revoked).toEqual([terminal.identity?.keyId]);
    const revoked = await terminal.mutation('device.heartbeat', { ...heartbeat, uptimeSeconds: 3 });
    expect(revoked.error?.message).toBe('x-vmc-key-id: this key was revoked; activate the terminal again');
    expect((await status())?.uptimeSeconds).toBe(1);
  });

  it('a replay racing its original: one of the two is done, the other refused', async () => {
    const { terminal } = await activated(17);
    const body = JSON.stringify({ ...heartbeat, uptimeSeconds: 77 });
    const headers = terminal.sign('POST', '/trpc/device.heartbeat', body);
    const both = await Promise.all([
      terminal.post('/trpc/device.heartbeat', JSON.parse(body), headers),
      terminal.post('/trpc/device.heartbeat', JSON.parse(body), headers),
    ]);
    expect(both.map((a) => a.status).sort()).toEqual([200, 401]);
    const sale = {
      saleId: randomUUID(),
      channel: 1,
      vendId: 5,
      price: 300,
      paymentMethod: 'cash',
      result: 'ok',
      dispensed: true,
      soldAt: new Date().toISOString(),
    };
    const saleBody = JSON.stringify({ sales: [sale] });
    const saleHeaders = terminal.sign('POST', '/trpc/device.recordSales', saleBody);
    const sales = await Promise.all([
      terminal.post('/trpc/device.recordSales', JSON.parse(saleBody), saleHeaders),
      terminal.post('/trpc/device.recordSales', JSON.parse(saleBody), saleHeaders),
    ]);
    expect(sales.map((a) => a.status).sort()).toEqual([200, 401]);
  });

  it('answers are signed for this machine only: another machine, a forged signature or an expired answer is refused', async () => {
    const { terminal } = await activated(3);
    const answer = await terminal.mutation('device.heartbeat', heartbeat);
    const other = new TestTerminal(http.base);
    other.identity = { ...(terminal.identity as NonNullable<typeof terminal.identity>), machineId: randomUUID() };
    other.platformKey = terminal.platformKey;
    expect(() => other.open(answer)).toThrow(/misaddressed/);
    const forged = { ...(answer.data as { payload: string; signature: string }) };
    forged.payload = forged.payload.replace('"configVersion":', '"configVersion":9');
    expect(() => terminal.open({ ...answer, data: forged })).toThrow(/forged/);
    const impostor = new TestTerminal(http.base);
    impostor.identity = terminal.identity;
    impostor.platformKey = generateKeyPairSync('ed25519').publicKey;
    expect(() => impostor.open(answer)).toThrow(/forged/);
  });
});

describe('config', () => {
  it('lists the channels with products, prices and stock, and seals the service PIN to this terminal only', async () => {
    const { terminal, machine, channelCount } = await activated(4);
    const config = await terminal.body<DeviceConfig>('query', 'device.config');
    expect(config.machine.id).toBe(machine.id);
    expect(config.channels).toHaveLength(channelCount);
    expect(config.channels.map((c) => c.number)).toEqual(Array.from({ length: channelCount }, (_, i) => i + 1));
    const pin = config.secrets.servicePin;
    if (!pin) throw new Error('no service PIN');
    expect(openSealed(pin, terminal.sealing.privateKey)).toMatch(/^\d{6}$/);
    expect(() => openSealed(pin, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)).toThrow();
  });
});

async function payOnPage(qr: string, action: 'pay' | 'decline' | 'pay_without_notification') {
  const page = await fetch(qr);
  expect(page.status).toBe(200);
  const answer = await fetch(qr, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `action=${action}`,
    redirect: 'manual',
  });
  expect(answer.status).toBe(303);
}

describe('a QR sale', () => {
  it('is created at the platform’s price, paid on the sandbox page, vended, and takes one from stock', async () => {
    const { terminal, channel, scope } = await activated(5);
    const saleId = randomUUID();
    const order = await terminal.body<DeviceOrder>('mutation', 'device.createOrder', {
      saleId,
      channel: channel.number,
      paymentMethod: 'qr',
    });
    expect(order).toMatchObject({ saleId, status: 'created', paymentMethod: 'qr', channel: channel.number });
    expect(order.qr?.content).toMatch(new RegExp(`^${http.base}/pay/sandbox/SBX`));
    const same = await terminal.body<DeviceOrder>('mutation', 'device.createOrder', {
      saleId,
      channel: channel.number,
      paymentMethod: 'qr',
    });
    expect(same.orderId).toBe(order.orderId);

    await payOnPage(order.qr?.content as string, 'pay');
    // The sandbox notifies the platform on its own, right after the payment.
    const status = () => terminal.body<DeviceOrder>('query', 'device.orderStatus', { saleId });
    await until(async () => (await status()).status === 'paid', { what: 'the order paid', intervalMs: 20 });
    const paid = await status();
    expect(paid.vendId).toBe(order.vendId);
    const machineId = terminal.machineId;
    const events = await scope.deviceEvents.find({ where: (e) => eq(e.machineId, machineId) });
    expect(events.map((e) => e.payload)).toContainEqual({
      type: 'payment',
      saleId,
      orderId: order.orderId,
      status: 'paid',
    });

    expect(
      (await terminal.body<DeviceOrder>('mutation', 'device.vendStarted', { saleId, at: new Date().toISOString() }))
        .status,
    ).toBe('vending');
    const done = await terminal.body<DeviceOrder>('mutation', 'device.reportVend', {
      saleId,
      vendId: order.vendId,
      result: 'ok',
      dispensed: true,
      at: new Date().toISOString(),
    });
    expect(done.status).toBe('completed');
    expect((await scope.channels.get(channel.id))?.stock).toBe(channel.stock - 1);
    // Reported again: nothing changes.
    await terminal.body('mutation', 'device.reportVend', {
      saleId,
      vendId: order.vendId,
      result: 'ok',
      dispensed: true,
      at: new Date().toISOString(),
    });
    expect((await scope.channels.get(channel.id))?.stock).toBe(channel.stock - 1);
  });

  it('a jam fails the order, refunds the payment, disables the channel, raises an alarm and refuses the next customer', async () => {
    const { terminal, channel, machine, scope } = await activated(6);
    const saleId = randomUUID();
    const order = await terminal.body<DeviceOrder>('mutation', 'device.createOrder', {
      saleId,
      channel: channel.number,
      paymentMethod: 'qr',
    });
    await payOnPage(order.qr?.content as string, 'pay');
    await until(
      async () => (await terminal.body<DeviceOrder>('query', 'device.orderStatus', { saleId })).status === 'paid',
      { what: 'the order paid', intervalMs: 20 },
    );
    const failed = await terminal.body<DeviceOrder>('mutation', 'device.reportVend', {
      saleId,
      vendId: order.vendId,
      result: 'jam',
      dispensed: false,
      at: new Date().toISOString(),
    });
    expect(failed.status).toBe('refunded');
    const refunds = await scope.refunds.find({ where: (r) => eq(r.orderId, order.orderId) });
    expect(refunds.map((r) => [r.status, r.amount])).toEqual([['succeeded', order.price]]);
    const trade = await api.db.platform.sandboxTrades.findOneBy({ merchantOrderNo: order.orderNo });
    expect(trade?.refunded).toBe(order.price);
    expect((await scope.channels.get(channel.id))?.enabled).toBe(false);
    expect((await scope.channels.get(channel.id))?.stock).toBe(channel.stock);
    const alarms = await scope.alarms.find({
      where: (a) => and(eq(a.machineId, machine.id), eq(a.kind, 'jam'), isNull(a.resolvedAt)),
    });
    expect(alarms.map((a) => a.channelNumber)).toEqual([channel.number]);
    const next = await terminal.mutation('device.createOrder', {
      saleId: randomUUID(),
      channel: channel.number,
      paymentMethod: 'qr',
    });
    expect(next.error?.message).toBe(
      `channel: channel ${channel.number} is disabled (jammed: check the motor and re-enable)`,
    );
    const config = await terminal.body<DeviceConfig>('query', 'device.config');
    expect(config.channels.find((c) => c.number === channel.number)?.enabled).toBe(false);
  });

  it('a lost notification is recovered by the watch; a late payment is refunded and never vended; a forged one changes nothing', async () => {
    const { terminal, channel } = await activated(7);
    const deps = () => ({
      db: api.db,
      providers: api.services.devices.providers,
      hub: api.services.devices.hub,
      settings: api.services.devices.settings,
      now,
    });
    const lost = randomUUID();
    const a = await terminal.body<DeviceOrder>('mutation', 'device.createOrder', {
      saleId: lost,
      channel: channel.number,
      paymentMethod: 'qr',
    });
    await payOnPage(a.qr?.content as string, 'pay_without_notification');
    expect((await terminal.body<DeviceOrder>('query', 'device.orderStatus', { saleId: lost })).status).toBe('created');
    shift += 15_000;
    try {
      expect(await watchPayments(deps())).toMatchObject({ paid: 1 });
    } finally {
      shift = 0;
    }
    expect((await terminal.body<DeviceOrder>('query', 'device.orderStatus', { saleId: lost })).status).toBe('paid');

    const late = randomUUID();
    const b = await terminal.body<DeviceOrder>('mutation', 'device.createOrder', {
      saleId: late,
      channel: channel.number,
      paymentMethod: 'qr',
    });
    try {
      shift += 200_000; // past the QR's expiry; the customer pays before the watch has closed it
      await payOnPage(b.qr?.content as string, 'pay_without_notification');
      expect(await watchPayments(deps())).toMatchObject({ paid: 1 });
    } finally {
      shift = 0;
    }
    const refunded = await terminal.body<DeviceOrder>('query', 'device.orderStatus', { saleId: late });
    expect(refunded.status).toBe('refunded');
    const scope = api.db.forTenant(tenantId);
    const late0 = await scope.orders.get(b.orderId);
    expect(late0?.vendedAt).toBeNull();
    expect((await api.db.platform.sandboxTrades.findOneBy({ merchantOrderNo: b.orderNo }))?.refunded).toBe(b.price);
    // Never vended: a vend report for it is refused.
    const vend = await terminal.mutation('device.vendStarted', { saleId: late, at: new Date().toISOString() });
    expect((await scope.orders.get(b.orderId))?.status).toBe('refunded');
    expect(vend.error === undefined || vend.error.data.code === 'BAD_REQUEST').toBe(true);

    // A notification with a bad signature changes nothing; a valid one sent again changes nothing.
    const trade = await api.db.platform.sandboxTrades.findOneBy({ merchantOrderNo: a.orderNo });
    const body = JSON.stringify({
      merchantOrderNo: a.orderNo,
      tradeNo: trade?.tradeNo,
      amount: a.price,
      status: 'paid',
      paidAt: new Date().toISOString(),
    });
    const forged = await fetch(`${http.base}/pay/notify/sandbox/${tenantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-timestamp': '1', 'x-sandbox-signature': 'AAAA' },
      body,
    });
    expect(forged.status).toBe(400);
    const sandbox = api.services.devices.sandbox;
    const ts = String(Date.now());
    const duplicate = await fetch(`${http.base}/pay/notify/sandbox/${tenantId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sandbox-timestamp': ts,
        'x-sandbox-signature': sandbox.signNotification(ts, body),
      },
      body,
    });
    expect(duplicate.status).toBe(200);
    expect((await terminal.body<DeviceOrder>('query', 'device.orderStatus', { saleId: lost })).status).toBe('paid');
    expect(await scope.refunds.count((r) => eq(r.orderId, a.orderId))).toBe(0);
  });
});

describe('sales made at the machine', () => {
  it('are recorded once, as they happened, at the machine’s price, flagged where they differ', async () => {
    const { terminal, channel, scope } = await activated(8);
    const cash = {
      saleId: randomUUID(),
      channel: channel.number,
      vendId: 7,
      price: 300,
      paymentMethod: 'cash',
      result: 'ok',
      dispensed: true,
      soldAt: new Date(Date.now() - 3_600_000).toISOString(),
    };
    const cheap = { ...cash, saleId: randomUUID(), vendId: 8, price: 1, paymentMethod: 'card' };
    const future = {
      ...cash,
      saleId: randomUUID(),
      vendId: 9,
      soldAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const denied = {
      ...cash,
      saleId: randomUUID(),
      vendId: 10,
      paymentMethod: 'card',
      result: 'card_denied',
      dispensed: false,
    };
    const { sales } = await terminal.body<{
      sales: { saleId: string; status: string; flags: string[]; orderId: string | null }[];
    }>('mutation', 'device.recordSales', { sales: [cash, cheap, future, denied] });
    expect(sales.map((s) => [s.status, s.flags])).toEqual([
      ['completed', []],
      ['completed', ['price_mismatch']],
      ['completed', ['time_corrected']],
      ['not_recorded', []],
    ]);
    const order = await scope.orders.get(sales[0]?.orderId as string);
    expect(order?.createdAt.toISOString()).toBe(cash.soldAt);
    expect((await scope.channels.get(channel.id))?.stock).toBe(channel.stock - 3);
    const again = await terminal.body<{ sales: { orderId: string }[] }>('mutation', 'device.recordSales', {
      sales: [cash],
    });
    expect(again.sales[0]?.orderId).toBe(sales[0]?.orderId);
    expect((await scope.channels.get(channel.id))?.stock).toBe(channel.stock - 3);
  });
});

describe('gift codes', () => {
  it('a code won at one machine buys one product at another, once, with 20 terminals trying at once', async () => {
    const first = await activated(9);
    const scope = first.scope;
    await admin.giftCodes.createRule({
      name: 'every-2nd',
      trigger: 'every_nth_order',
      threshold: 2,
      value: 100_000,
      validDays: 30,
    });
    const won = [];
    for (let i = 0; i < 2; i++) {
      const { sales } = await first.terminal.body<{ sales: { giftCode: { code: string } | null }[] }>(
        'mutation',
        'device.recordSales',
        {
          sales: [
            {
              saleId: randomUUID(),
              channel: first.channel.number,
              vendId: 100 + i,
              price: 300,
              paymentMethod: 'cash',
              result: 'ok',
              dispensed: true,
              soldAt: new Date().toISOString(),
            },
          ],
        },
      );
      won.push(sales[0]?.giftCode ?? null);
    }
    expect(won[0]).toBeNull();
    const code = won[1]?.code as string;
    expect(code).toMatch(/^[0-9A-Z]{16}$/);

    const terminals: Awaited<ReturnType<typeof activated>>[] = [];
    for (let i = 10; i < 14; i++) terminals.push(await activated(i));
    const tries = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const t = terminals[i % terminals.length] as (typeof terminals)[number];
        return t.terminal.mutation('device.redeemGiftCode', { saleId: randomUUID(), code, channel: t.channel.number });
      }),
    );
    const ok = tries.filter((t) => !t.error);
    expect(ok).toHaveLength(1);
    expect(new Set(tries.filter((t) => t.error).map((t) => t.error?.message))).toEqual(
      new Set(['code: has been used']),
    );
    const gift = await scope.giftCodes.findOneBy({ code });
    expect(gift).toMatchObject({ status: 'redeemed', quantity: 0 });
  });

  it('an order of at least an amount, and a vend from a promoted channel group, each issue their code', async () => {
    const { terminal, machine, channel, scope } = await activated(16);
    const sale = (price: number, vendId: number, number = channel.number) => ({
      saleId: randomUUID(),
      channel: number,
      vendId,
      price,
      paymentMethod: 'cash',
      result: 'ok',
      dispensed: true,
      soldAt: new Date().toISOString(),
    });
    type Won = { sales: { giftCode: { code: string; value: number } | null }[] };
    for (const rule of await scope.giftCodeRules.find())
      await admin.giftCodes.updateRule({ id: rule.id, enabled: false });
    await admin.giftCodes.createRule({
      name: 'big-spender',
      trigger: 'order_amount_at_least',
      threshold: 500,
      value: 300,
      validDays: 7,
    });
    const small = await terminal.body<Won>('mutation', 'device.recordSales', { sales: [sale(300, 1)] });
    const big = await terminal.body<Won>('mutation', 'device.recordSales', { sales: [sale(600, 2)] });
    expect(small.sales[0]?.giftCode ?? null).toBeNull();
    expect(big.sales[0]?.giftCode).toMatchObject({ value: 300 });
    await admin.giftCodes.updateRule({
      id: (await scope.giftCodeRules.findOneBy({ name: 'big-spender' }))?.id as string,
      enabled: false,
    });

    const promoted = await scope.channels.findOneBy({ machineId: machine.id, number: 2 });
    if (!promoted?.productId) throw new Error('no channel 2');
    const group = await scope.channelGroups.insert({
      machineId: machine.id,
      name: 'summer',
      productId: promoted.productId,
      price: 300,
    });
    await scope.channels.update(promoted.id, { channelGroupId: group.id });
    await expect(
      admin.giftCodes.createRule({ name: 'summer-promo', trigger: 'channel_group', value: 300, validDays: 7 }),
    ).rejects.toThrow('channelGroupName: is needed for the channel group trigger');
    await admin.giftCodes.createRule({
      name: 'summer-promo',
      trigger: 'channel_group',
      channelGroupName: 'summer',
      value: 300,
      validDays: 7,
    });
    const other = await terminal.body<Won>('mutation', 'device.recordSales', { sales: [sale(300, 3, 1)] });
    const fromGroup = await terminal.body<Won>('mutation', 'device.recordSales', { sales: [sale(300, 4, 2)] });
    expect(other.sales[0]?.giftCode ?? null).toBeNull();
    expect(fromGroup.sales[0]?.giftCode).toMatchObject({ value: 300 });
    await admin.giftCodes.updateRule({
      id: (await scope.giftCodeRules.findOneBy({ name: 'summer-promo' }))?.id as string,
      enabled: false,
    });
  });

  it('a log upload sent twice is stored once', async () => {
    const { terminal, machine } = await activated(14);
    const upload = {
      uploadId: randomUUID(),
      level: 'warn',
      lines: ['{"msg":"a"}', '{"msg":"b"}'],
      from: new Date().toISOString(),
      to: new Date().toISOString(),
    };
    expect(await terminal.body('mutation', 'device.uploadLogs', upload)).toEqual({ stored: true });
    expect(await terminal.body('mutation', 'device.uploadLogs', upload)).toEqual({ stored: false });
    const logs = await admin.terminals.logs({ machineId: machine.id });
    expect(logs.total).toBe(1);
    expect(logs.items[0]).toMatchObject({ lines: 2, level: 'warn' });
  });
});

describe('heartbeats', () => {
  it('a machine silent for 3 intervals is offline with an alarm, and online again at its next heartbeat', async () => {
    const { terminal, machine, scope } = await activated(15);
    await terminal.body('mutation', 'device.heartbeat', heartbeat);
    const interval = api.services.devices.settings.heartbeatSeconds;
    await markOffline(api.db, new Date(Date.now() + 2 * interval * 1000), interval);
    expect((await scope.machineStatus.findOneBy({ machineId: machine.id }))?.online).toBe(true);
    await markOffline(api.db, new Date(Date.now() + 3 * interval * 1000 + 1000), interval);
    expect((await scope.machineStatus.findOneBy({ machineId: machine.id }))?.online).toBe(false);
    const open = () =>
      scope.alarms.find({
        where: (a) => and(eq(a.machineId, machine.id), eq(a.kind, 'offline'), isNull(a.resolvedAt)),
      });
    expect(await open()).toHaveLength(1);
    await terminal.body('mutation', 'device.heartbeat', { ...heartbeat, doorOpen: true, errors: 1 });
    expect((await scope.machineStatus.findOneBy({ machineId: machine.id }))?.online).toBe(true);
    expect(await open()).toHaveLength(0);
    const payment = await scope.alarms.find({
      where: (a) => and(eq(a.machineId, machine.id), eq(a.kind, 'payment_device'), isNull(a.resolvedAt)),
    });
    expect(payment.map((a) => a.message)).toEqual(['Payment device fault: coin changer']);
    await terminal.body('mutation', 'device.heartbeat', heartbeat);
    expect(
      await scope.alarms.count((a) =>
        and(eq(a.machineId, machine.id), eq(a.kind, 'payment_device'), isNull(a.resolvedAt)),
      ),
    ).toBe(0);
  });
});
