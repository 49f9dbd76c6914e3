import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketBinding, connectMachine, type SerialProtocolDriver } from '@vmcloud/terminal';
import { createSimulatedMachine } from '../simulator.js';
import { serveMachine, type BridgeEvent } from './socket-server.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let count = 0;

async function served(address: Parameters<typeof serveMachine>[1] = { port: 0 }) {
  count += 1;
  const sim = createSimulatedMachine({
    path: `/dev/ttyBRIDGE${count}`,
    boardId: `BRG${count}`,
    channels: 4,
    dispenseMs: 30,
    clock: 'real',
    tickMs: 5,
  });
  cleanups.push(() => sim.close());
  const bridge = await serveMachine(sim, address);
  cleanups.push(() => bridge.close());
  const events: BridgeEvent[] = [];
  bridge.on((event) => events.push(event));
  return { sim, bridge, events };
}

async function terminal(url: string): Promise<SerialProtocolDriver> {
  const driver = await connectMachine({
    path: url,
    binding: SocketBinding,
    link: { ackTimeoutMs: 60 },
    pollIntervalMs: 0,
    retryDelayMs: 50,
  });
  cleanups.push(() => driver.close());
  return driver;
}

describe('serveMachine', () => {
  it('serves a machine on a TCP port that a terminal opens like a serial port', async () => {
    const { sim, bridge, events } = await served();
    expect(bridge.url).toBe(`tcp://127.0.0.1:${bridge.port}`);
    expect(bridge.connectedTo).toBeNull();
    const driver = await terminal(bridge.url);
    // The board sees a terminal come and introduces itself.
    await expect(driver.open()).resolves.toMatchObject({ boardId: sim.boardId, channelCount: 4 });
    expect(sim.state().hostConnected).toBe(true);
    expect(bridge.connectedTo).toMatch(/^127\.0\.0\.1:\d+$/);
    await expect(driver.vend({ vendId: 1, channel: 4, price: 100, method: 'host_paid' })).resolves.toMatchObject({
      result: 'ok',
    });
    expect(sim.state().dispenseLog.map((drop) => drop.channel)).toEqual([4]);
    expect(events.map((event) => event.type)).toEqual(['connected']);

    await driver.close();
    await until(() => !sim.state().hostConnected);
    expect(events.map((event) => event.type)).toEqual(['connected', 'disconnected']);
  });

  it('a new connection replaces the one before, as a cable plugged into another terminal', async () => {
    const { sim, bridge, events } = await served();
    const first = await terminal(bridge.url);
    await first.open();
    const second = await terminal(bridge.url);
    await expect(second.open()).resolves.toMatchObject({ boardId: sim.boardId });
    expect(events.map((event) => event.type)).toEqual(['connected', 'replaced', 'connected']);
    await expect(second.vend({ vendId: 2, channel: 1, price: 0, method: 'free' })).resolves.toMatchObject({
      result: 'ok',
    });
    // The first terminal is cut off: its requests no longer reach the machine.
    await expect(first.poll()).rejects.toThrow();
    expect(sim.state().dispenseLog).toHaveLength(1);
  });

  it('pulls the cable on demand; the machine runs on and takes the next terminal', async () => {
    const { sim, bridge } = await served();
    const first = await terminal(bridge.url);
    await first.open();
    await bridge.disconnect();
    await until(() => !sim.state().hostConnected);
    expect(bridge.connectedTo).toBeNull();
    const next = await terminal(bridge.url);
    await expect(next.open()).resolves.toMatchObject({ boardId: sim.boardId });
  });

  it('serves on a unix socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmc-bridge-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { sim, bridge } = await served({ path: join(dir, 'machine.sock') });
    expect(bridge.url).toBe(`unix:${join(dir, 'machine.sock')}`);
    expect(bridge.port).toBeUndefined();
    const driver = await terminal(bridge.url);
    await expect(driver.open()).resolves.toMatchObject({ boardId: sim.boardId });
  });

  it('refuses a port already in use', async () => {
    const { bridge } = await served();
    await expect(served({ port: bridge.port ?? 0 })).rejects.toThrow(/EADDRINUSE/);
  });
});
