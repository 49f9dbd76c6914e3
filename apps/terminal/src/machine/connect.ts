import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { closeSerialPort, openSerialPort } from '../serial/open.js';
import { SerialProtocolDriver, type SerialProtocolDriverOptions } from './serial-protocol-driver.js';

/** Where the machine is, and the driver's options. */
export interface ConnectMachineOptions extends Omit<SerialProtocolDriverOptions, 'release'> {
  /** Device path (`/dev/ttyUSB0`) or socket path (`tcp://127.0.0.1:7001`) of the machine's controller. */
  path: string;
  /** Default 9600, the controller link's speed. */
  baudRate?: number;
  /** How to reach the port: default `autoBinding` (sockets, otherwise the real serial ports). */
  binding?: BindingInterface;
  /** Errors of the port after it opened (default: ignored; the link reports a silent machine). */
  onPortError?: (error: Error) => void;
}

/**
 * Opens the machine's port and makes a driver on it that closes the port when closed.
 * Call `open()` on the driver to learn who the machine is.
 */
export async function connectMachine(options: ConnectMachineOptions): Promise<SerialProtocolDriver> {
  const { path, baudRate, binding, onPortError, ...driverOptions } = options;
  const port = await openSerialPort({ path, baudRate, binding }, onPortError);
  return new SerialProtocolDriver(port, { ...driverOptions, release: () => closeSerialPort(port) });
}
