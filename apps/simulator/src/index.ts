/**
 * The vending machine simulator as a library: simulated machines that a terminal opens
 * through `simulatorBinding` exactly as it opens a real serial port, and the parts they are
 * made of.
 */

export {
  createSimulatedMachine,
  DEFAULT_BILL_TYPES,
  DEFAULT_COIN_TYPES,
  type CustomerActions,
  type DispensedProduct,
  type MdbDevice,
  type ServiceActions,
  type SimulatedFaults,
  type SimulatedMachine,
  type SimulatedMachineEvent,
  type SimulatedMachineOptions,
  type SimulatedMachineState,
} from './simulator.js';
export {
  simulatorBinding,
  registerSimulatedPort,
  unregisterSimulatedPort,
  simulatedPort,
  simulatedPortPaths,
  SimulatedPortEnd,
} from './ports/mock.js';
export * from './vmc/index.js';
export * from './machine/index.js';
export * from './mdb/index.js';
export { serveMachine, type MachineBridge } from './bridge/index.js';
