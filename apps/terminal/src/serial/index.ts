export { openSerialPort, closeSerialPort, type SerialPortOptions } from './open.js';
export {
  SocketBinding,
  SocketPort,
  autoBinding,
  hardwareBinding,
  isSocketPath,
  parseSocketPath,
  type SocketAddress,
} from './socket-binding.js';
