/**
 * The device channel (docs/device-api.md): the procedures a machine's terminal calls,
 * every one but `activate` signed with the terminal's key, every answer signed by the
 * platform (an envelope naming the machine, an id and an expiry).
 */
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { DEVICE_VEND_RESULTS, type DeviceEvent, type Envelope, type PlatformMessage } from '@vmcloud/protocol/device';
import { deviceProcedure, publicProcedure, router } from '../trpc/init.js';
import type { Context } from '../trpc/context.js';
import type { DeviceIdentity } from './identity.js';
import { activate, ActivateInput } from './activation.js';
import { HeartbeatInput } from './heartbeat.js';
import { deviceConfig } from './config.js';
import { eventsAfter, firstEventFor } from './events.js';
import { storeLogs, UploadLogsInput } from './logs.js';
import { sendRefund, startQrSale } from '../payments/checkout.js';
import {
  deviceOrder,
  finishVend,
  flagsOf,
  orderBySale,
  recordMachineSale,
  redeemGiftCode,
  startVend,
} from '../sales/lifecycle.js';
import { notFound } from '../shared/errors.js';

/** How long a terminal may act on an answer. */
const ANSWER_TTL_MS = 5 * 60_000;

type DeviceContext = Pick<Context, 'now' | 'devices'> & { device: DeviceIdentity };

function signed<T>(ctx: DeviceContext, type: string, body: T, id = ctx.device.nonce): PlatformMessage {
  const now = ctx.now();
  const envelope: Envelope<T> = {
    machineId: ctx.device.machineId,
    id,
    type,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ANSWER_TTL_MS).toISOString(),
    body,
  };
  return ctx.devices.signer.sign(envelope);
}

const SaleId = z.uuid({ error: 'must be a UUID, the terminal’s id for the sale' });
const ChannelNumber = z.number().int('must be a whole number').min(1, 'must be at least 1').max(999, 'is too large');
const VendId = z.number().int('must be a whole number').min(0).max(0xffffffff, 'must fit 32 bits');
const VendResult = z.enum(DEVICE_VEND_RESULTS);
const When = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date and time' });

const MachineSaleInput = z.object({
  saleId: SaleId,
  channel: ChannelNumber,
  vendId: VendId,
  price: z.number().int('must be whole fen').min(0, 'must not be negative').max(100_000_000, 'is too large'),
  paymentMethod: z.enum(['cash', 'card', 'free']),
  result: VendResult,
  dispensed: z.boolean(),
  soldAt: When,
});

/** Sales per `recordSales` call. */
export const MAX_SALES_PER_CALL = 200;

export const deviceRouter = router({
  /** A terminal registers its keys with a one-time activation code (not signed: the code is the credential). */
  activate: publicProcedure.input(ActivateInput).mutation(async ({ ctx, input }) => {
    const activated = await activate(
      ctx.db,
      ctx.keyring,
      input,
      ctx.now(),
      ctx.devices.signer.publicKeyPem,
      ctx.request.requestId,
    );
    // The machine's earlier keys are revoked: none may pass on what this instance read before.
    ctx.devices.keys.forgetMachine(activated.machineId);
    return activated;
  }),

  /** The machine's state; answers the config version to compare with the terminal's. */
  heartbeat: deviceProcedure.input(HeartbeatInput).mutation(async ({ ctx, input }) => {
    const answer = await ctx.devices.heartbeats.submit(
      ctx.device.tenantId,
      ctx.device.machineId,
      input,
      ctx.claimNonce,
    );
    ctx.nonceClaimed();
    return signed(ctx, 'device.heartbeat', answer);
  }),

  /** What the machine sells and how it behaves. */
  config: deviceProcedure.query(async ({ ctx }) => {
    const config = await deviceConfig(
      ctx.scope,
      ctx.platform,
      ctx.keyring,
      ctx.device.machineId,
      ctx.device.sealingKey,
      ctx.devices.settings,
      ctx.now(),
    );
    return signed(ctx, 'device.config', config);
  }),

  /** A QR sale of one channel at the platform's price: the order, with the QR to show. */
  createOrder: deviceProcedure
    .input(z.object({ saleId: SaleId, channel: ChannelNumber, paymentMethod: z.literal('qr') }))
    .mutation(async ({ ctx, input }) => {
      const order = await startQrSale(ctx.checkout, ctx.write, ctx.device.tenantId, ctx.device.machineId, input);
      return signed(ctx, 'device.createOrder', order);
    }),

  /** An order as it stands (the terminal asks while the customer pays). */
  orderStatus: deviceProcedure.input(z.object({ saleId: SaleId })).query(async ({ ctx, input }) => {
    const order = await orderBySale(ctx, ctx.device.machineId, input.saleId);
    if (!order) throw notFound('Order');
    const payment = order.paymentMethod === 'qr' ? await ctx.scope.payments.findOneBy({ orderId: order.id }) : null;
    return signed(ctx, 'device.orderStatus', deviceOrder(order, { qr: payment }));
  }),

  /** A paid order is being vended. */
  vendStarted: deviceProcedure.input(z.object({ saleId: SaleId, at: When })).mutation(async ({ ctx, input }) => {
    const order = await ctx.write((w) => startVend(w, ctx.device.machineId, input.saleId));
    return signed(ctx, 'device.vendStarted', deviceOrder(order));
  }),

  /** How the vend of an order the platform created ended; a failed paid one is refunded. */
  reportVend: deviceProcedure
    .input(z.object({ saleId: SaleId, vendId: VendId, result: VendResult, dispensed: z.boolean(), at: When }))
    .mutation(async ({ ctx, input }) => {
      const calendar = ctx.device.calendar;
      const end = await ctx.write((w) =>
        finishVend(w, ctx.device.machineId, { ...input, at: new Date(input.at) }, ctx.now(), calendar),
      );
      if (end.refund) await sendRefund(ctx.checkout, ctx.device.tenantId, end.refund);
      const order = (await ctx.scope.orders.get(end.order.id)) ?? end.order;
      return signed(ctx, 'device.reportVend', deviceOrder(order, { giftCode: end.giftCode }));
    }),

  /** Sales made and paid at the machine (cash, card), as they happened; each recorded once. */
  recordSales: deviceProcedure
    .input(
      z.object({
        sales: z
          .array(MachineSaleInput)
          .min(1, 'must hold at least one sale')
          .max(MAX_SALES_PER_CALL, `must hold at most ${MAX_SALES_PER_CALL} sales`),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const calendar = ctx.device.calendar;
      const recorded = await ctx.write(async (w) => {
        const out = [];
        for (const sale of input.sales)
          out.push(await recordMachineSale(w, ctx.device.machineId, sale, ctx.now(), calendar));
        return out;
      });
      return signed(ctx, 'device.recordSales', {
        sales: recorded.map((r) => ({
          saleId: r.saleId,
          orderId: r.order?.id ?? null,
          status: r.order?.status ?? ('not_recorded' as const),
          flags: r.order ? flagsOf(r.order) : [],
          giftCode: r.giftCode,
        })),
      });
    }),

  /** A customer's gift code for a channel: a paid order to vend, or a refusal saying why. */
  redeemGiftCode: deviceProcedure
    .input(
      z.object({
        saleId: SaleId,
        code: z.string().trim().min(4, 'is too short').max(32, 'is too long'),
        channel: ChannelNumber,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const calendar = ctx.device.calendar;
      const order = await ctx.write((w) => redeemGiftCode(w, ctx.device.machineId, input, ctx.now(), calendar));
      return signed(ctx, 'device.redeemGiftCode', deviceOrder(order));
    }),

  /** A batch of the terminal's log lines, stored once per upload id. */
  uploadLogs: deviceProcedure.input(UploadLogsInput).mutation(async ({ ctx, input }) => {
    const stored = await ctx.write((w) => storeLogs(w, ctx.device.machineId, input));
    return signed(ctx, 'device.uploadLogs', { stored });
  }),

  /**
   * The machine's events (config changed, payments, remote vends, commands), each signed,
   * from the one after `lastEventId`: events are kept a day, so a terminal reconnecting
   * to any API instance misses none.
   */
  events: deviceProcedure
    .input(
      z.object({
        lastEventId: z
          .string()
          .regex(/^\d{1,10}$/, 'must be an event id')
          .nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const { machineId } = ctx.device;
      let after = input.lastEventId
        ? Number(input.lastEventId)
        : await firstEventFor(ctx.scope, machineId, ctx.device.activatedAt);
      const pollMs = ctx.devices.settings.eventPollSeconds * 1000;
      while (!signal?.aborted) {
        const batch = await eventsAfter(ctx.scope, machineId, after);
        for (const { seq, event, expiresAt } of batch) {
          after = seq;
          if (expiresAt.getTime() <= ctx.now().getTime()) continue;
          const message = ctx.devices.signer.sign<DeviceEvent>({
            machineId,
            id: String(seq),
            type: `event.${event.type}`,
            issuedAt: ctx.now().toISOString(),
            expiresAt: expiresAt.toISOString(),
            body: event,
          });
          yield tracked(String(seq), message);
        }
        if (batch.length === 0) await ctx.devices.hub.wait(machineId, pollMs, signal);
      }
    }),
});
