/**
 * A stand-in for the platform's device API over real HTTP, for tests that run the terminal
 * as a process: tRPC's fetch adapter behind a node HTTP server, VMC-SIG-1 signatures and
 * nonces checked as the platform checks them, answers signed with a platform key, and
 * events pushed down the SSE stream on demand.
 */
import { EventEmitter, on } from 'node:events';
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { initTRPC, tracked, TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import {
  SIGNATURE_HEADERS,
  SIGNATURE_WINDOW_MS,
  canonicalRequest,
  keyIdOf,
  sha256Hex,
  signMessage,
  verifySignature,
  type ActivateRequest,
  type DeviceConfig,
  type DeviceEvent,
  type DeviceOrder,
  type MachineSale,
  type ReportVendRequest,
  type PlatformMessage,
} from '@vmcloud/protocol/device';
import { testConfig } from './fake-platform.js';

export interface ApiCall {
  procedure: string;
  input: unknown;
  signed: boolean;
}

interface Context {
  keyId: string | null;
  unauthorized: string | null;
}

export class FakeApi {
  readonly platformKey: KeyObject;
  readonly calls: ApiCall[] = [];
  readonly sales = new Map<string, MachineSale>();
  /** Orders by sale id (a test puts a remote vend's order here before pushing it). */
  readonly orders = new Map<string, DeviceOrder>();
  /** Gift codes still valid. */
  readonly giftCodes = new Set<string>(['GIFT-OK']);
  readonly activationCode = 'ACT-123456';
  machineId = 'machine-e2e';
  config: DeviceConfig = testConfig();
  #signingKey: KeyObject | undefined;
  #keyId: string | undefined;
  readonly #nonces = new Set<string>();
  readonly #events = new EventEmitter();
  readonly #log: { id: number; message: PlatformMessage }[] = [];
  #server: Server | undefined;
  readonly #streams = new Set<ServerResponse>();
  /** The nonces of the signed requests accepted, in order. */
  readonly acceptedNonces: string[] = [];
  url = '';
  /** While true, every connection is dropped unanswered, as an unreachable platform's would be. */
  down = false;

  constructor() {
    this.platformKey = generateKeyPairSync('ed25519').privateKey;
  }

  #sign(type: string, body: unknown, id: string = randomUUID()): PlatformMessage {
    const now = Date.now();
    return signMessage(
      {
        machineId: this.machineId,
        id,
        type,
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 60_000).toISOString(),
        body,
      },
      this.platformKey,
    );
  }

  /** Pushes an event down the open streams (and keeps it for streams resuming before it). */
  push(event: DeviceEvent): string {
    const id = this.#log.length + 1;
    const message = this.#sign(`event.${event.type}`, event, String(id));
    this.#log.push({ id, message });
    this.#events.emit('event', { id, message });
    return String(id);
  }

  callsOf(procedure: string): ApiCall[] {
    return this.calls.filter((call) => call.procedure === procedure);
  }

  #router() {
    const t = initTRPC.context<Context>().create();
    const device = t.procedure.use(({ ctx, next }) => {
      if (ctx.unauthorized !== null) throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.unauthorized });
      return next();
    });
    const record = (procedure: string, input: unknown, signed = true): void => {
      this.calls.push({ procedure, input, signed });
    };
    return t.router({
      device: t.router({
        activate: t.procedure
          .input((value) => value as ActivateRequest)
          .mutation(({ input }) => {
            record('activate', input, false);
            if (input.activationCode !== this.activationCode) {
              throw new TRPCError({ code: 'BAD_REQUEST', message: 'the activation code is not valid' });
            }
            this.#signingKey = createPublicKey(input.signingKey);
            this.#keyId = keyIdOf(this.#signingKey);
            return {
              machineId: this.machineId,
              tenantId: 'tenant-e2e',
              keyId: this.#keyId,
              platformKey: createPublicKey(this.platformKey).export({ type: 'spki', format: 'pem' }).toString(),
            };
          }),
        heartbeat: device
          .input((value) => value)
          .mutation(({ input }) => {
            record('heartbeat', input);
            return this.#sign('device.heartbeat', {
              configVersion: this.config.version,
              serverTime: new Date().toISOString(),
            });
          }),
        config: device.query(() => {
          record('config', {});
          return this.#sign('device.config', this.config);
        }),
        recordSales: device
          .input((value) => value as { sales: MachineSale[] })
          .mutation(({ input }) => {
            record('recordSales', input);
            for (const sale of input.sales) this.sales.set(sale.saleId, sale);
            return this.#sign('device.recordSales', {
              sales: input.sales.map((sale) => ({
                saleId: sale.saleId,
                orderId: `order-${sale.saleId}`,
                status: sale.dispensed ? 'completed' : 'failed',
                flags: [],
                giftCode: null,
              })),
            });
          }),
        createOrder: device
          .input((value) => value as { saleId: string; channel: number })
          .mutation(({ input }) => {
            record('createOrder', input);
            const existing = this.orders.get(input.saleId);
            if (existing) return this.#sign('device.createOrder', existing);
            const order = this.#newOrder(input.saleId, input.channel, 'qr');
            order.qr = {
              content: `https://pay.example/${input.saleId}`,
              expiresAt: new Date(Date.now() + 120_000).toISOString(),
            };
            return this.#sign('device.createOrder', order);
          }),
        orderStatus: device
          .input((value) => value as { saleId: string })
          .query(({ input }) => {
            record('orderStatus', input);
            return this.#sign('device.orderStatus', this.#order(input.saleId));
          }),
        redeemGiftCode: device
          .input((value) => value as { saleId: string; channel: number; code: string })
          .mutation(({ input }) => {
            record('redeemGiftCode', input);
            if (!this.giftCodes.delete(input.code)) {
              throw new TRPCError({ code: 'BAD_REQUEST', message: `gift code ${input.code} is not valid` });
            }
            const order = this.#newOrder(input.saleId, input.channel, 'gift_code');
            order.status = 'paid';
            order.price = 0;
            return this.#sign('device.redeemGiftCode', order);
          }),
        vendStarted: device
          .input((value) => value as { saleId: string })
          .mutation(({ input }) => {
            record('vendStarted', input);
            const order = this.#order(input.saleId);
            order.status = 'vending';
            return this.#sign('device.vendStarted', order);
          }),
        reportVend: device
          .input((value) => value as ReportVendRequest)
          .mutation(({ input }) => {
            record('reportVend', input);
            const order = this.#order(input.saleId);
            order.status = input.dispensed ? 'completed' : 'failed';
            return this.#sign('device.reportVend', order);
          }),
        uploadLogs: device
          .input((value) => value)
          .mutation(({ input }) => {
            record('uploadLogs', input);
            return this.#sign('device.uploadLogs', { stored: true });
          }),
        events: device
          .input((value) => (value ?? {}) as { lastEventId?: string })
          .subscription(({ input, signal }) => this.#stream(input.lastEventId, signal)),
      }),
    });
  }

  #newOrder(saleId: string, channel: number, paymentMethod: DeviceOrder['paymentMethod']): DeviceOrder {
    const price = this.config.channels.find((candidate) => candidate.number === channel)?.price ?? 0;
    const order: DeviceOrder = {
      orderId: `order-${saleId}`,
      orderNo: `NO${this.orders.size + 1}`,
      saleId,
      channel,
      price,
      vendId: (this.orders.size + 1) * 1000 + channel,
      paymentMethod,
      status: 'created',
      qr: null,
      giftCode: null,
    };
    this.orders.set(saleId, order);
    return order;
  }

  #order(saleId: string): DeviceOrder {
    const order = this.orders.get(saleId);
    if (!order) throw new TRPCError({ code: 'NOT_FOUND', message: `no order for sale ${saleId}` });
    return order;
  }

  async *#stream(lastEventId: string | undefined, signal: AbortSignal | undefined) {
    this.calls.push({ procedure: 'events', input: { lastEventId }, signed: true });
    const from = Number(lastEventId ?? '0');
    const live = on(this.#events, 'event', signal ? { signal } : {});
    for (const kept of this.#log.filter((entry) => entry.id > from)) yield tracked(String(kept.id), kept.message);
    try {
      for await (const [entry] of live as AsyncIterable<[{ id: number; message: PlatformMessage }]>) {
        if (entry.id > from) yield tracked(String(entry.id), entry.message);
      }
    } catch (error) {
      if (!(error instanceof Error && error.name === 'AbortError')) throw error;
    }
  }

  #context(request: Request, body: string): Context {
    if (new URL(request.url).pathname.endsWith('/device.activate')) return { keyId: null, unauthorized: null };
    const header = (name: string): string => request.headers.get(name) ?? '';
    const keyId = header(SIGNATURE_HEADERS.keyId);
    if (!this.#signingKey || keyId !== this.#keyId) return { keyId, unauthorized: 'unknown key' };
    const timestamp = Number(header(SIGNATURE_HEADERS.timestamp));
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() - timestamp) > SIGNATURE_WINDOW_MS) {
      return { keyId, unauthorized: 'stale timestamp' };
    }
    const nonce = header(SIGNATURE_HEADERS.nonce);
    if (this.#nonces.has(nonce)) return { keyId, unauthorized: 'replayed nonce' };
    const url = new URL(request.url);
    const text = canonicalRequest({
      method: request.method,
      target: `${url.pathname}${url.search}`,
      timestamp,
      nonce,
      bodyDigest: sha256Hex(body),
    });
    if (!verifySignature(text, header(SIGNATURE_HEADERS.signature), this.#signingKey)) {
      return { keyId, unauthorized: 'bad signature' };
    }
    this.#nonces.add(nonce);
    this.acceptedNonces.push(nonce);
    return { keyId, unauthorized: null };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      signal: abort.signal,
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
    });
    const context = this.#context(request, req.method === 'GET' ? '' : body);
    const response = await fetchRequestHandler({
      endpoint: '/trpc',
      req: request,
      router: this.#appRouter,
      createContext: () => context,
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      this.#streams.add(res);
      res.on('close', () => this.#streams.delete(res));
    }
    if (!response.body) {
      res.end();
      return;
    }
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res);
  }

  readonly #appRouter = this.#router();

  /** Cuts every open event stream, as a lost connection would. */
  dropStreams(): void {
    if (this.#streams.size === 0) return;
    for (const res of this.#streams) res.destroy();
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      if (this.down) {
        req.socket.destroy();
        return;
      }
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', () => resolve()));
    const address = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.#events.removeAllListeners();
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
