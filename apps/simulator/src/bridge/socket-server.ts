/**
 * The socket side of the bridge that lets a terminal in another process open a simulated
 * machine as if it were a serial port: the terminal opens `tcp://host:port` (or a unix
 * socket) with the socket binding, and each connection is joined to the machine's serial
 * port here, opened with `simulatorBinding` like any terminal would open it.
 *
 * One terminal per machine, as one cable per port: a new connection replaces the one
 * before it, as when the cable is unplugged and plugged into another terminal.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SerialPortStream } from '@serialport/stream';
import { simulatorBinding } from '../ports/mock.js';
import type { SimulatedMachine } from '../simulator.js';

/** Where the bridge listens: a TCP port (0 picks a free one) on `host`, or a unix socket path. */
export type BridgeAddress = { port: number; host?: string } | { path: string };

/** What happened at a bridge. */
export type BridgeEvent =
  | { type: 'connected'; remote: string }
  | { type: 'disconnected'; remote: string }
  /** The connection before was dropped because a new one came. */
  | { type: 'replaced'; remote: string }
  | { type: 'error'; message: string };

/** A machine reachable over a socket. */
export interface MachineBridge {
  /** The machine behind the bridge. */
  readonly machine: SimulatedMachine;
  /** The path a terminal opens: `tcp://127.0.0.1:7001` or `unix:/path/to.sock`. */
  readonly url: string;
  /** The TCP port listened on (the one picked when 0 was asked), or undefined for a unix socket. */
  readonly port: number | undefined;
  /** The address of the terminal connected now, or null. */
  readonly connectedTo: string | null;
  /** Calls `listener` for every bridge event. Returns a function that removes it. */
  on(listener: (event: BridgeEvent) => void): () => void;
  /** Drops the connection, if any, as if the cable were pulled out (the machine runs on). */
  disconnect(): Promise<void>;
  /** Stops listening and drops the connection. */
  close(): Promise<void>;
}

function remoteName(socket: Socket): string {
  return socket.remoteAddress === undefined ? 'local' : `${socket.remoteAddress}:${socket.remotePort ?? ''}`;
}

function openPort(path: string): Promise<SerialPortStream> {
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding: simulatorBinding, path, baudRate: 9600, autoOpen: false });
    port.open((error) => (error ? reject(error) : resolve(port)));
  });
}

function closePort(port: SerialPortStream): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}

/**
 * Serves `machine` on a socket. Each accepted connection is joined to the machine's serial
 * port, so its controller sees a terminal come (and says HELLO) and go; bytes pass as they
 * are, with the machine's line noise on them.
 */
export async function serveMachine(machine: SimulatedMachine, address: BridgeAddress): Promise<MachineBridge> {
  const listeners = new Set<(event: BridgeEvent) => void>();
  const emit = (event: BridgeEvent): void => {
    for (const listener of [...listeners]) listener(event);
  };
  let current: { socket: Socket; port: SerialPortStream | null; remote: string } | null = null;
  /** Connections are joined one after the other: a port must be closed before it opens again. */
  let queue: Promise<void> = Promise.resolve();

  const drop = async (connection: NonNullable<typeof current>): Promise<void> => {
    if (current === connection) current = null;
    connection.socket.destroy();
    if (connection.port !== null) await closePort(connection.port);
  };

  const join = async (socket: Socket): Promise<void> => {
    const remote = remoteName(socket);
    if (current !== null) {
      emit({ type: 'replaced', remote: current.remote });
      await drop(current);
    }
    if (socket.destroyed) return;
    const connection: NonNullable<typeof current> = { socket, port: null, remote };
    current = connection;
    let port: SerialPortStream;
    try {
      port = await openPort(machine.path);
    } catch (error) {
      emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      await drop(connection);
      return;
    }
    connection.port = port;
    port.on('error', (error: Error) => emit({ type: 'error', message: error.message }));
    port.on('data', (chunk: Buffer) => {
      if (!socket.destroyed) socket.write(chunk);
    });
    socket.on('data', (chunk: Buffer) => {
      if (port.isOpen) port.write(chunk);
    });
    socket.on('close', () => {
      queue = queue.then(async () => {
        if (current === connection) {
          await drop(connection);
          emit({ type: 'disconnected', remote });
        }
      });
    });
    socket.resume();
    emit({ type: 'connected', remote });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    queue = queue.then(() => join(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => {
      server.off('error', reject);
      resolve();
    };
    if ('path' in address) server.listen(address.path, ready);
    else server.listen(address.port, address.host ?? '127.0.0.1', ready);
  });
  server.on('error', (error) => emit({ type: 'error', message: error.message }));

  const bound = server.address();
  const tcp = typeof bound === 'object' && bound !== null ? (bound as AddressInfo) : undefined;
  const url =
    'path' in address
      ? `unix:${address.path}`
      : `tcp://${tcp?.family === 'IPv6' ? `[${tcp.address}]` : (tcp?.address ?? '127.0.0.1')}:${tcp?.port ?? address.port}`;

  return {
    machine,
    url,
    port: tcp?.port,
    get connectedTo() {
      return current?.remote ?? null;
    },
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    disconnect() {
      queue = queue.then(async () => {
        if (current !== null) {
          const { remote } = current;
          await drop(current);
          emit({ type: 'disconnected', remote });
        }
      });
      return queue;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        queue = queue.then(async () => {
          if (current !== null) await drop(current);
        });
      });
      await queue;
    },
  };
}
