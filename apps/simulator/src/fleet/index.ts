/** The demo fleet: simulated machines with their terminals, provisioned and selling on a platform. */
export { startFleet, type Fleet, type FleetOptions } from './fleet.js';
export {
  CustomerScheduler,
  Customers,
  DECK,
  VISIT_KINDS,
  yuan,
  type VisitKind,
  type ShopMachine,
} from './customers.js';
export { Random } from './random.js';
export { TerminalProcess, activateTerminal, activatedMachineId, TERMINAL_MAIN } from './terminal.js';
export { Session, signInPeople, errorText, DEMO_PEOPLE, type People } from './platform.js';
