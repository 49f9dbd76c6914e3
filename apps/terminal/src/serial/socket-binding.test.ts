import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPortStream } from '@serialport/stream';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { closeSerialPort, openSerialPort } from './open.js';
import { SocketBinding, autoBinding, isSocketPath, parseSocketPath } from './socket-binding.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server whose connections are handed to the test. */
async function server(listen: (server: Server) => void): Promise<{ server: Server; accepted: Socket[] }> {
  const accepted: Socket[] = [];
  const srv = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
  });
  listen(srv);
  await once(srv, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of accepted) socket.destroy();
        srv.close(() => resolve());
      }),
  );
  return { server: srv, accepted };
}

async function tcpServer(): Promise<{ url: string; accepted: Socket[] }> {
  const { server: srv, accepted } = await server((s) => s.listen(0, '127.0.0.1'));
  return { url: `tcp://127.0.0.1:${(srv.address() as AddressInfo).port}`, accepted };
}

describe('parseSocketPath', () => {
  it('reads tcp and unix socket paths, and nothing else', () => {
    expect(parseSocketPath('tcp://127.0.0.1:7001')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 7001 });
    expect(parseSocketPath('tcp://[::1]:7002')).toEqual({ kind: 'tcp', host: '::1', port: 7002 });
    expect(parseSocketPath('tcp://sim.local:9')).toEqual({ kind: 'tcp', host: 'sim.local', port: 9 });
    expect(parseSocketPath('unix:/run/vmc.sock')).toEqual({ kind: 'unix', path: '/run/vmc.sock' });
    expect(parseSocketPath('unix:///run/vmc.sock')).toEqual({ kind: 'unix', path: '/run/vmc.sock' });
    expect(parseSocketPath('tcp://127.0.0.1')).toBeUndefined();
    expect(parseSocketPath('tcp://127.0.0.1:0')).toBeUndefined();
    expect(parseSocketPath('tcp://127.0.0.1:70000')).toBeUndefined();
    expect(parseSocketPath('unix:')).toBeUndefined();
    expect(parseSocketPath('/dev/ttyUSB0')).toBeUndefined();
    expect(parseSocketPath('COM3')).toBeUndefined();
    expect(isSocketPath('tcp://127.0.0.1:7001')).toBe(true);
    expect(isSocketPath('/dev/ttyS0')).toBe(false);
  });
});

describe('SocketBinding', () => {
  it('carries bytes both ways through SerialPortStream, like a serial port', async () => {
    const { url, accepted } = await tcpServer();
    const port = new SerialPortStream({ binding: SocketBinding, path: url, baudRate: 9600 });
    cleanups.push(() => closeSerialPort(port));
    await once(port, 'open');
    await until(() => accepted.length === 1);
    const far = accepted[0];
    if (far === undefined) throw new Error('no connection');

    const atFar: number[] = [];
    far.on('data', (chunk: Buffer) => atFar.push(...chunk));
    port.write(Buffer.from([0x06, 0x01, 0x00, 0x10, 0x07]));
    await until(() => atFar.length === 5);
    expect(atFar).toEqual([0x06, 0x01, 0x00, 0x10, 0x07]);

    const atPort: number[] = [];
    port.on('data', (chunk: Buffer) => atPort.push(...chunk));
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    far.write(bytes);
    await until(() => atPort.length === bytes.length);
    expect(Buffer.from(atPort).equals(bytes)).toBe(true);
  });

  it('keeps the port settings a serial port has', async () => {
    const { url } = await tcpServer();
    const port = await SocketBinding.open({ path: url, baudRate: 9600 });
    cleanups.push(async () => {
      if (port.isOpen) await port.close();
    });
    expect(port.openOptions).toMatchObject({ path: url, baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' });
    await expect(port.getBaudRate()).resolves.toEqual({ baudRate: 9600 });
    await port.update({ baudRate: 19200 });
    await expect(port.getBaudRate()).resolves.toEqual({ baudRate: 19200 });
    await expect(port.get()).resolves.toEqual({ cts: true, dsr: true, dcd: true });
    await expect(port.set({ dtr: true })).resolves.toBeUndefined();
    await expect(port.drain()).resolves.toBeUndefined();
    await expect(port.flush()).resolves.toBeUndefined();
  });

  it('a read waits for bytes, resolves with at least one, and is canceled by close', async () => {
    const { url, accepted } = await tcpServer();
    const port = await SocketBinding.open({ path: url, baudRate: 9600 });
    await until(() => accepted.length === 1);
    const buffer = Buffer.alloc(16);
    const read = port.read(buffer, 4, 8);
    accepted[0]?.write(Buffer.from([1, 2, 3]));
    await expect(read).resolves.toEqual({ buffer, bytesRead: 3 });
    expect([...buffer.subarray(4, 7)]).toEqual([1, 2, 3]);

    const pending = port.read(buffer, 0, 8).catch((error: unknown) => error);
    await port.close();
    expect(await pending).toMatchObject({ canceled: true });
    expect(port.isOpen).toBe(false);
    await expect(port.write(Buffer.from([1]))).rejects.toThrow(/not open/);
    await expect(port.close()).rejects.toThrow(/not open/);
  });

  it('reports the far end hanging up as a disconnection of the port', async () => {
    const { url, accepted } = await tcpServer();
    const port = await openSerialPort({ path: url, binding: SocketBinding });
    port.on('data', () => undefined); // a port is read while someone listens, and a read notices the hang-up
    await until(() => accepted.length === 1);
    const closed = once(port, 'close');
    accepted[0]?.destroy();
    const [error] = (await closed) as [Error & { disconnected?: boolean }];
    expect(error?.disconnected).toBe(true);
    expect(port.isOpen).toBe(false);
  });

  it('opens unix sockets too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmc-socket-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'machine.sock');
    const { accepted } = await server((s) => s.listen(path));
    const port = await openSerialPort({ path: `unix:${path}`, binding: SocketBinding });
    cleanups.push(() => closeSerialPort(port));
    await until(() => accepted.length === 1);
    const received: number[] = [];
    accepted[0]?.on('data', (chunk: Buffer) => received.push(...chunk));
    port.write(Buffer.from('hello'));
    await until(() => received.length === 5);
    expect(Buffer.from(received).toString()).toBe('hello');
  });

  it('refuses paths that are not sockets, and reports a refused connection', async () => {
    await expect(SocketBinding.open({ path: '/dev/ttyUSB0', baudRate: 9600 })).rejects.toThrow(/not a socket port/);
    const { url } = await tcpServer();
    const unused = url.replace(/:\d+$/, ':1');
    await expect(openSerialPort({ path: unused, binding: SocketBinding })).rejects.toThrow(/ECONNREFUSED/);
    await expect(SocketBinding.list()).resolves.toEqual([]);
  });

  it('autoBinding opens socket paths with the socket binding', async () => {
    const { url, accepted } = await tcpServer();
    const port = await openSerialPort({ path: url, binding: autoBinding });
    cleanups.push(() => closeSerialPort(port));
    await until(() => accepted.length === 1);
    expect(port.isOpen).toBe(true);
  });
});
