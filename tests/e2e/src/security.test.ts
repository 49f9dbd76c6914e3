/**
 * A party between the platform and the machine: the terminal talks to the API through a
 * proxy that slips its own events into the event stream. Forged, misaddressed, expired and
 * replayed messages are refused, and a forged remote vend dispenses nothing.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, type DeviceEvent } from '@vmcloud/protocol/device';
import { expectBooksBalance } from './books.js';
import { at, machineState, mutate, runTerminal, startWorld, type World } from './world.js';

/** Forwards everything to the API; lets the test write events of its own into open event streams. */
class Interceptor {
  readonly streams = new Set<{ res: ServerResponse; atBoundary: boolean }>();
  readonly seen: string[] = [];
  readonly connections: string[] = [];
  server: Server;

  constructor(private readonly upstream: string) {
    this.server = createServer((req, res) => this.#forward(req, res));
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(req.url ?? '/', this.upstream);
    if (req.url?.includes('device.events')) this.connections.push(req.url);
    const out = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      const isStream = String(up.headers['content-type'] ?? '').startsWith('text/event-stream');
      const stream = { res, atBoundary: true };
      if (isStream) this.streams.add(stream);
      up.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        if (isStream) {
          this.seen.push(text);
          stream.atBoundary = text.endsWith('\n\n');
        }
        res.write(chunk);
      });
      up.on('end', () => {
        this.streams.delete(stream);
        res.end();
      });
    });
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  }

  /** Writes an SSE event into every open event stream, between two of the API's events. */
  async inject(id: string, data: unknown): Promise<void> {
    for (let i = 0; i < 200 && [...this.streams].some((s) => !s.atBoundary); i++)
      await new Promise((r) => setTimeout(r, 10));
    for (const s of this.streams) s.res.write(`data: ${JSON.stringify(data)}\nid: ${id}\n\n\n`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

let world: World;
let proxy: Interceptor;
let platformKey: KeyObject;
beforeAll(async () => {
  world = await startWorld('security', 1, { stocked: 2, perChannel: 5 });
  platformKey = createPrivateKey(readFileSync(join(world.dir, 'signing.key'), 'utf8'));
  proxy = new Interceptor(world.api.url);
  const url = await proxy.listen();
  const machine = at(world.machines, 0);
  await machine.terminal.proc.stop();
  machine.terminal = await runTerminal({
    dir: machine.terminal.dir,
    env: { ...machine.terminal.env, VMCLOUD_API_URL: url },
  });
  world.adopt(machine.terminal.proc);
  await machine.terminal.proc.waitFor(
    (l) => l.type === 'events_connected',
    'the event stream through the proxy',
    15_000,
  );
});
afterAll(async () => {
  await world?.close();
  await proxy?.close();
});

function remoteVend(machineId: string, channel: number): DeviceEvent {
  const saleId = randomUUID();
  return {
    type: 'remote_vend',
    order: {
      orderId: randomUUID(),
      orderNo: 'O20261203000000FORGED000001',
      saleId,
      channel,
      price: 0,
      vendId: 1234567,
      paymentMethod: 'qr',
      status: 'paid',
      qr: null,
      giftCode: null,
    },
  };
}

describe('messages from someone other than the platform', () => {
  it('are refused, and a forged remote vend dispenses nothing', async () => {
    const machine = at(world.machines, 0);
    const terminal = machine.terminal.proc;
    const channel = at(machine.channels, 0).number;
    const now = Date.now();
    const envelope = (over: Partial<{ machineId: string; id: string; expiresAt: string }> = {}) => ({
      machineId: machine.machineId,
      id: String(900_000 + Math.floor(Math.random() * 1000)),
      type: 'event.remote_vend',
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 60_000).toISOString(),
      body: remoteVend(machine.machineId, channel),
      ...over,
    });
    const from = terminal.lines.length;
    // Signed with a key that is not the platform's.
    await proxy.inject('900001', signMessage(envelope({ id: '900001' }), generateKeyPairSync('ed25519').privateKey));
    // The platform's own signature, for another machine.
    await proxy.inject('900002', signMessage(envelope({ id: '900002', machineId: randomUUID() }), platformKey));
    // The platform's own signature, expired.
    await proxy.inject(
      '900003',
      signMessage(envelope({ id: '900003', expiresAt: new Date(now - 1000).toISOString() }), platformKey),
    );
    // A real event, seen before, sent again.
    const seenFrom = proxy.seen.length;
    await mutate(world.admin, 'channels.setPrice', {
      channelId: at(machine.channels, 1).id,
      price: at(machine.channels, 1).price + 10,
    });
    let frame: string | undefined;
    for (const until = Date.now() + 10_000; !frame && Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      frame = proxy.seen
        .slice(seenFrom)
        .join('')
        .split('\n')
        .find((line) => line.startsWith('data: {"payload"') && line.includes('event.config'));
    }
    if (!frame) throw new Error('no real event went through the proxy');
    await terminal.waitFor((l) => l.type === 'event' && l.event === 'config', 'the real config event', 10_000, from);
    const real = JSON.parse(frame.slice(6)) as { payload: string };
    const realId = (JSON.parse(real.payload) as { id: string }).id;
    await proxy.inject(realId, real);

    const refusals = new Set<string>();
    for (const reason of ['forged', 'misaddressed', 'expired', 'replayed']) {
      const line = await terminal.waitFor(
        (l) => l.type === 'event_refused' && l.reason === reason,
        `the ${reason} message refused`,
        10_000,
        from,
      );
      refusals.add(String(line.reason));
    }
    expect([...refusals].sort()).toEqual(['expired', 'forged', 'misaddressed', 'replayed']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(terminal.lines.slice(from).filter((l) => l.type === 'sale')).toEqual([]);
    expect((await machineState(world.sim, 1)).dispenseLog).toEqual([]);
    await expectBooksBalance(world);
  });
});
