/**
 * Serial ports of simulated machines inside one process. The terminal opens them with the
 * code it runs on hardware:
 *
 * ```ts
 * const port = new SerialPortStream({ binding: simulatorBinding, path: '/dev/ttyVMC1', baudRate: 9600 });
 * ```
 *
 * The binding is `@serialport/binding-mock` with its open wrapped: bytes the terminal writes
 * reach the machine's controller board, and bytes the board sends arrive at the terminal
 * as data read from the port.
 */

import { createRequire } from 'node:module';
import type { MockPortBinding } from '@serialport/binding-mock' with { 'resolution-mode': 'require' };
import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };

// The serialport packages' `exports` hide their declarations from ESM resolution, so the
// mock binding is loaded as the CommonJS module its declarations describe.
const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as typeof import(
  '@serialport/binding-mock',
  { with: { 'resolution-mode': 'require' } }
);
import type { ByteTransport } from '@vmcloud/protocol';

type DataListener = (chunk: Uint8Array) => void;

/**
 * The board's end of the serial cable of one simulated port: what the board writes goes to
 * the terminal that has the port open (and is lost while none has), and what the terminal
 * writes comes out here. It stays the same through the board's reboots and power cuts.
 */
export class SimulatedPortEnd implements ByteTransport {
  /** The port's path, e.g. `/dev/ttyVMC1`. */
  readonly path: string;
  readonly #dataListeners = new Set<DataListener>();
  readonly #openListeners = new Set<(open: boolean) => void>();
  #port: MockPortBinding | null = null;
  #bytesToHost = 0;
  #bytesFromHost = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Whether a terminal has the port open. */
  get hostConnected(): boolean {
    return this.#port !== null && this.#port.isOpen;
  }

  /** Bytes written by the board and delivered to a terminal, and bytes received from one. */
  get counts(): { toHost: number; fromHost: number } {
    return { toHost: this.#bytesToHost, fromHost: this.#bytesFromHost };
  }

  /** The board sends bytes to the terminal (lost when no terminal has the port open). */
  write(chunk: Uint8Array): boolean {
    const port = this.#port;
    if (!port || !port.isOpen || chunk.length === 0) return true;
    this.#bytesToHost += chunk.length;
    port.emitData(Buffer.from(chunk));
    return true;
  }

  on(_event: 'data', listener: DataListener): this {
    this.#dataListeners.add(listener);
    return this;
  }

  off(_event: 'data', listener: DataListener): this {
    this.#dataListeners.delete(listener);
    return this;
  }

  /** Calls `listener` when a terminal opens (true) or closes (false) the port. Returns a function that removes it. */
  onHost(listener: (open: boolean) => void): () => void {
    this.#openListeners.add(listener);
    return () => {
      this.#openListeners.delete(listener);
    };
  }

  /** @internal The binding attaches the terminal's opened port. */
  attach(port: MockPortBinding): void {
    this.#port = port;
    for (const listener of [...this.#openListeners]) listener(true);
  }

  /** @internal The terminal closed its port. */
  detach(port: MockPortBinding): void {
    if (this.#port !== port) return;
    this.#port = null;
    for (const listener of [...this.#openListeners]) listener(false);
  }

  /** @internal Bytes the terminal wrote. */
  fromHost(bytes: Uint8Array): void {
    this.#bytesFromHost += bytes.length;
    const chunk = Uint8Array.from(bytes);
    for (const listener of [...this.#dataListeners]) listener(chunk);
  }
}

const ports = new Map<string, SimulatedPortEnd>();

/**
 * Makes `path` openable through {@link simulatorBinding} and returns the board's end of its
 * cable. Throws if a simulated machine already uses the path.
 */
export function registerSimulatedPort(path: string): SimulatedPortEnd {
  if (ports.has(path)) throw new Error(`a simulated machine already uses ${path}`);
  MockBinding.createPort(path, { echo: false, record: false });
  const end = new SimulatedPortEnd(path);
  ports.set(path, end);
  return end;
}

/** Removes a simulated port: it can no longer be opened (a terminal that has it open keeps its port until it closes it). */
export function unregisterSimulatedPort(path: string): void {
  ports.delete(path);
}

/** The board's end of the cable of a simulated port, if `path` is one. */
export function simulatedPort(path: string): SimulatedPortEnd | undefined {
  return ports.get(path);
}

/** Paths of the simulated ports that can be opened now. */
export function simulatedPortPaths(): string[] {
  return [...ports.keys()];
}

/** A port opened by the terminal: the mock port, with writes delivered to the board. */
class SimulatedPortBinding implements BindingPortInterface {
  readonly #port: MockPortBinding;
  readonly #end: SimulatedPortEnd;

  constructor(port: MockPortBinding, end: SimulatedPortEnd) {
    this.#port = port;
    this.#end = end;
    end.attach(port);
  }

  get openOptions(): Required<OpenOptions> {
    return this.#port.openOptions;
  }

  get isOpen(): boolean {
    return this.#port.isOpen;
  }

  async close(): Promise<void> {
    try {
      await this.#port.close();
    } finally {
      this.#end.detach(this.#port);
    }
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    return this.#port.read(buffer, offset, length);
  }

  async write(buffer: Buffer): Promise<void> {
    await this.#port.write(buffer);
    this.#end.fromHost(buffer);
  }

  update(options: UpdateOptions): Promise<void> {
    return this.#port.update(options);
  }

  set(options: SetOptions): Promise<void> {
    return this.#port.set(options);
  }

  get(): Promise<PortStatus> {
    return this.#port.get();
  }

  getBaudRate(): Promise<{ baudRate: number }> {
    return this.#port.getBaudRate();
  }

  flush(): Promise<void> {
    return this.#port.flush();
  }

  drain(): Promise<void> {
    return this.#port.drain();
  }
}

/**
 * The serialport binding of simulated machines in this process: `list()` gives their ports,
 * `open()` connects the terminal to the machine's controller board. A path that no simulated
 * machine uses cannot be opened; a port already open cannot be opened twice (it is locked).
 */
export const simulatorBinding: BindingInterface = {
  async list(): Promise<PortInfo[]> {
    const infos = await MockBinding.list();
    return infos.filter((info) => ports.has(info.path));
  },
  async open(options: OpenOptions): Promise<BindingPortInterface> {
    const end = options && typeof options === 'object' ? ports.get(options.path) : undefined;
    if (!end) throw new Error(`no simulated machine on ${String(options?.path)}`);
    const port = await MockBinding.open(options);
    return new SimulatedPortBinding(port, end);
  },
};
