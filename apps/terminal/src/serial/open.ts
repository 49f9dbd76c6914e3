/**
 * Opening the serial port of the machine's controller: a real port through the bindings
 * of the `serialport` package, a simulated machine's socket, or any other binding a test
 * passes in. The code that uses the port is the same in every case.
 */
// The package's exports map hides its types from ESM resolution; its CommonJS entry carries them.
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { SerialPortStream } from '@serialport/stream';
import { autoBinding } from './socket-binding.js';

/** Where the machine's controller is and how to reach it. */
export interface SerialPortOptions<B extends BindingInterface = BindingInterface> {
  /** Device path (`/dev/ttyUSB0`, `COM3`), or a socket path (`tcp://127.0.0.1:7001`, `unix:/path`). */
  path: string;
  /** Line speed; the controller's link runs at 9600. */
  baudRate?: number;
  /** How to reach ports: default `autoBinding` (sockets, otherwise the real serial ports). */
  binding?: B;
}

/**
 * Opens a port and resolves once it is open; rejects with the binding's error (no such
 * device, connection refused, port locked). The port's 'error' events are reported to
 * `onError` (default: ignored), so that a write after the far end went away cannot crash
 * the terminal; the serial link notices the silence on its own.
 */
export async function openSerialPort<B extends BindingInterface = BindingInterface>(
  options: SerialPortOptions<B>,
  onError: (error: Error) => void = () => undefined,
): Promise<SerialPortStream<B>> {
  const binding = (options.binding ?? autoBinding) as B;
  const port = new SerialPortStream<B>({
    binding,
    path: options.path,
    baudRate: options.baudRate ?? 9600,
    autoOpen: false,
  } as ConstructorParameters<typeof SerialPortStream<B>>[0]);
  await new Promise<void>((resolve, reject) => {
    port.open((error) => (error ? reject(error) : resolve()));
  });
  port.on('error', onError);
  return port;
}

/** Closes a port if it is still open; resolves once it is closed. */
export function closeSerialPort(port: SerialPortStream): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise<void>((resolve) => {
    port.close(() => resolve());
  });
}
