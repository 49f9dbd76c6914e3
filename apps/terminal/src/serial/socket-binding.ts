/**
 * A serialport binding over a socket: the terminal opens `tcp://host:port` (or
 * `unix:/path/to.sock`) with `SerialPortStream` exactly as it opens a real serial port,
 * and the bytes go to whatever listens there, such as a simulated machine in another
 * process. `autoBinding` takes socket paths to this binding and every other path to the
 * real serial ports.
 */
import { connect, type Socket } from 'node:net';
// The package's exports map hides its types from ESM resolution; its CommonJS entry carries them.
import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };

/** Where a socket path points. */
export type SocketAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

/**
 * The socket address of a port path, or undefined when the path is not a socket's:
 * `tcp://host:port`, `unix:/path/to.sock` or `unix:///path/to.sock`.
 */
export function parseSocketPath(path: string): SocketAddress | undefined {
  if (path.startsWith('tcp://')) {
    let url: URL;
    try {
      url = new URL(path);
    } catch {
      return undefined;
    }
    const port = Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { kind: 'tcp', host: host === '' ? '127.0.0.1' : host, port };
  }
  if (path.startsWith('unix:')) {
    const file = path.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    return file === '' ? undefined : { kind: 'unix', path: file };
  }
  return undefined;
}

/** An error of a read or write that was cut short because the port was closed on this side. */
class CanceledError extends Error {
  readonly canceled = true;
}

const OPEN_DEFAULTS = {
  dataBits: 8,
  lock: true,
  stopBits: 1,
  parity: 'none',
  rtscts: false,
  xon: false,
  xoff: false,
  xany: false,
  hupcl: true,
} as const;

/**
 * An open socket "port". Reads resolve as soon as bytes have arrived (at least one byte);
 * closing the port cancels a read in progress (an error with `canceled: true`, which the
 * stream takes as a normal close); the far end closing the connection fails it with any
 * other error, which the stream reports as a disconnection, as when a USB cable is pulled.
 */
export class SocketPort implements BindingPortInterface {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;

  readonly #socket: Socket;
  readonly #received: Buffer[] = [];
  #pendingRead: { wake: (error?: Error) => void } | undefined;
  /** Why the far end is gone, once it is. */
  #lost: Error | undefined;

  constructor(socket: Socket, openOptions: Required<OpenOptions>) {
    this.#socket = socket;
    this.openOptions = openOptions;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#received.push(chunk);
      this.#wake();
    });
    socket.on('error', (error) => {
      this.#lost ??= error;
    });
    socket.on('close', () => {
      this.#lost ??= new Error(`the connection to ${openOptions.path} was closed by the far end`);
      this.#wake();
    });
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!Buffer.isBuffer(buffer)) throw new TypeError('"buffer" is not a Buffer');
    if (!Number.isInteger(offset) || offset < 0) throw new TypeError('"offset" is not a non-negative integer');
    if (!Number.isInteger(length) || length < 1) throw new TypeError('"length" is not a positive integer');
    if (buffer.length < offset + length) throw new RangeError('buffer is too small');
    for (;;) {
      if (!this.isOpen) throw new CanceledError('Read canceled: the port is closed');
      if (this.#received.length > 0) return { buffer, bytesRead: this.#take(buffer, offset, length) };
      if (this.#lost !== undefined) throw this.#lost;
      if (this.#pendingRead !== undefined) throw new Error('a read is already in progress');
      await new Promise<void>((resolve, reject) => {
        this.#pendingRead = { wake: (error) => (error === undefined ? resolve() : reject(error)) };
      });
    }
  }

  async write(buffer: Buffer): Promise<void> {
    if (!Buffer.isBuffer(buffer)) throw new TypeError('"buffer" is not a Buffer');
    if (!this.isOpen) throw new Error('Port is not open');
    if (this.#lost !== undefined) throw this.#lost;
    await new Promise<void>((resolve, reject) => {
      this.#socket.write(buffer, (error) => {
        if (error === undefined || error === null) resolve();
        else if (!this.isOpen) reject(new CanceledError('Write canceled: the port is closed'));
        else reject(error);
      });
    });
  }

  async update(options: UpdateOptions): Promise<void> {
    if (typeof options !== 'object' || typeof options.baudRate !== 'number' || !(options.baudRate > 0)) {
      throw new TypeError('"options.baudRate" is not a positive number');
    }
    this.#assertOpen();
    this.openOptions.baudRate = options.baudRate;
  }

  async set(options: SetOptions): Promise<void> {
    if (typeof options !== 'object') throw new TypeError('"options" is not an object');
    this.#assertOpen();
  }

  async get(): Promise<PortStatus> {
    this.#assertOpen();
    const connected = this.#lost === undefined;
    return { cts: connected, dsr: connected, dcd: connected };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    this.#assertOpen();
    return { baudRate: this.openOptions.baudRate };
  }

  /** Discards bytes received and not read yet. */
  async flush(): Promise<void> {
    this.#assertOpen();
    this.#received.length = 0;
  }

  /** Resolves once everything written has been handed to the operating system. */
  async drain(): Promise<void> {
    this.#assertOpen();
    if (this.#socket.writableLength === 0 || this.#lost !== undefined) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.on('drain', done);
      this.#socket.on('close', done);
    });
  }

  async close(): Promise<void> {
    if (!this.isOpen) throw new Error('Port is not open');
    this.isOpen = false;
    this.#received.length = 0;
    this.#wake(new CanceledError('Read canceled: the port is closed'));
    await new Promise<void>((resolve) => {
      if (this.#socket.destroyed) {
        resolve();
        return;
      }
      this.#socket.once('close', () => resolve());
      this.#socket.end(() => this.#socket.destroy());
    });
  }

  #assertOpen(): void {
    if (!this.isOpen) throw new Error('Port is not open');
  }

  #wake(error?: Error): void {
    const pending = this.#pendingRead;
    this.#pendingRead = undefined;
    pending?.wake(error);
  }

  #take(buffer: Buffer, offset: number, length: number): number {
    let copied = 0;
    while (copied < length && this.#received.length > 0) {
      const head = this.#received[0];
      if (head === undefined) break;
      const count = Math.min(head.length, length - copied);
      head.copy(buffer, offset + copied, 0, count);
      copied += count;
      if (count === head.length) this.#received.shift();
      else this.#received[0] = head.subarray(count);
    }
    return copied;
  }
}

/** Opens a socket address, resolving once connected. */
function connectTo(address: SocketAddress): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket =
      address.kind === 'tcp' ? connect({ host: address.host, port: address.port }) : connect({ path: address.path });
    const failed = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      socket.off('error', failed);
      resolve(socket);
    });
  });
}

/**
 * The serialport binding over sockets. Paths are `tcp://host:port` or `unix:/path`; the
 * baud rate is kept for the record (a socket has none). `list` finds nothing: socket
 * ports are not discovered, they are named.
 */
export const SocketBinding: BindingInterface<SocketPort, OpenOptions, PortInfo> = {
  async list(): Promise<PortInfo[]> {
    return [];
  },

  async open(options: OpenOptions): Promise<SocketPort> {
    if (typeof options !== 'object' || options === null) throw new TypeError('"options" is not an object');
    if (typeof options.path !== 'string' || options.path === '') throw new TypeError('"path" is not a valid port');
    if (typeof options.baudRate !== 'number' || !(options.baudRate > 0)) {
      throw new TypeError('"baudRate" is not a valid baudRate');
    }
    const address = parseSocketPath(options.path);
    if (address === undefined) {
      throw new TypeError(`"${options.path}" is not a socket port: use tcp://host:port or unix:/path/to.sock`);
    }
    const socket = await connectTo(address);
    return new SocketPort(socket, { ...OPEN_DEFAULTS, ...options } as Required<OpenOptions>);
  },
};

/** Whether a port path names a socket (`tcp://` or `unix:`) rather than a serial device. */
export function isSocketPath(path: string): boolean {
  return parseSocketPath(path) !== undefined;
}

/**
 * A binding that opens socket paths (`tcp://`, `unix:`) through `SocketBinding` and every
 * other path through the real serial ports of the `serialport` package (loaded when first
 * needed). `list` lists the real serial ports.
 */
export const autoBinding: BindingInterface = {
  async list(): Promise<PortInfo[]> {
    const binding = await hardwareBinding();
    return binding.list();
  },
  async open(options: OpenOptions): Promise<BindingPortInterface> {
    if (typeof options?.path === 'string' && isSocketPath(options.path)) return SocketBinding.open(options);
    const binding = await hardwareBinding();
    return binding.open(options);
  },
};

let hardware: Promise<BindingInterface> | undefined;

/** The bindings the `serialport` package picked for this operating system. */
export function hardwareBinding(): Promise<BindingInterface> {
  hardware ??= import('serialport').then(({ SerialPort }) => SerialPort.binding as unknown as BindingInterface);
  return hardware;
}
