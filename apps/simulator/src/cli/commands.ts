/**
 * The commands the simulator takes on stdin: customers, service staff and faults acting
 * on the machines, and what each answers.
 */
import { noiseAt } from './options.js';
import { summarize } from './screen.js';
import type { SimulationEntry, SimulationReport } from './simulation.js';

export const COMMANDS_HELP = `Commands (M: machine from 1, CH: channel, money in fen). Vends come from the
terminal (npm run terminal) connected to the machine, not from here.
  coin M VALUE        drop a coin          bill M VALUE      feed a bill
  card M FUNDS [deny] tap a card           remove-card M     take the card away
  press M CH          press a button       lever M           coin return lever
  door M open|close   open/close the door  restock M CH N    load N products
  jam M CH            stall its next turn  clear-jam M CH    free the motor
  cooling M fail|ok   cooling failure      ambient M TENTHS  room temperature
  cut M               cut the power        on M              power back on
  empty M CH          channel empty while its sensor says stocked
  noise M RATE        serial line noise, a share from 0 to 1
  mdb M coin|bill|card on|off  plug / unplug an MDB device
  disconnect M        pull the terminal's cable (it may plug in again)
  clear M             switch every fault off
  state M             full state as JSON: stock, dispense log, credit, vends
  help                this list            quit              stop the simulator`;

function whole(raw: string | undefined, what: string): number {
  const value = Number(raw);
  if (raw === undefined || !/^-?\d+$/.test(raw))
    throw new Error(`${what} must be a whole number, got ${raw ?? 'nothing'}`);
  return value;
}

const MDB_DEVICES = { coin: 'coin_changer', bill: 'bill_validator', card: 'cashless_reader' } as const;

function onOff(raw: string | undefined, on: string, off: string): boolean {
  if (raw === on) return true;
  if (raw === off) return false;
  throw new Error(`say ${on} or ${off}`);
}

/** The machine a command names by its number, from 1. */
function machineEntry(entries: readonly SimulationEntry[], raw: string | undefined): SimulationEntry {
  const index = Number(raw);
  const entry = entries[index - 1];
  if (!Number.isInteger(index) || entry === undefined) {
    throw new Error(`no machine ${raw ?? ''}: machines are numbered 1 to ${entries.length}`);
  }
  return entry;
}

/**
 * Runs one command line against the machines (see COMMANDS_HELP); returns what it answers,
 * or null for an empty line. Throws an Error for a bad command.
 */
export function executeCommand(entries: readonly SimulationEntry[], line: string): SimulationReport | null {
  const [command, ...args] = line.trim().split(/\s+/);
  if (command === undefined || command === '') return null;
  const entry = (): SimulationEntry => machineEntry(entries, args[0]);
  const done = (result: unknown = 'ok'): SimulationReport => ({ type: 'reply', command: line.trim(), result });
  switch (command) {
    case 'help':
    case '?':
      return { type: 'help', text: COMMANDS_HELP };
    case 'coin':
      return done(entry().machine.customer.insertCoin(whole(args[1], 'the coin value')));
    case 'bill':
      return done(entry().machine.customer.insertBill(whole(args[1], 'the bill value')));
    case 'card':
      return done(
        entry().machine.customer.tapCard({ funds: whole(args[1], 'the card funds'), deny: args[2] === 'deny' }),
      );
    case 'remove-card':
      return done(entry().machine.customer.removeCard());
    case 'press':
      return done(entry().machine.customer.pressButton(whole(args[1], 'the channel')));
    case 'lever':
      entry().machine.customer.pressReturnLever();
      return done();
    case 'door': {
      const { machine } = entry();
      if (onOff(args[1], 'open', 'close')) machine.service.openDoor();
      else machine.service.closeDoor();
      return done();
    }
    case 'restock':
      entry().machine.service.restock(whole(args[1], 'the channel'), whole(args[2], 'the count'));
      return done();
    case 'jam':
      entry().machine.faults.jam(whole(args[1], 'the channel'));
      return done();
    case 'clear-jam':
      entry().machine.service.clearJam(whole(args[1], 'the channel'));
      return done();
    case 'empty':
      entry().machine.faults.emptyChannel(whole(args[1], 'the channel'));
      return done();
    case 'cooling':
      entry().machine.faults.coolingFailure(onOff(args[1], 'fail', 'ok'));
      return done();
    case 'ambient':
      entry().machine.service.setAmbient(whole(args[1], 'the room temperature'));
      return done();
    case 'cut':
      entry().machine.powerCut();
      return done();
    case 'on':
      entry().machine.powerOn();
      return done();
    case 'noise': {
      const target = entry();
      const rate = Number(args[1]);
      if (args[1] === undefined || !(rate >= 0 && rate <= 1)) throw new Error('the noise rate is a share from 0 to 1');
      target.machine.faults.lineNoise(noiseAt(rate));
      target.noise = rate;
      return done();
    }
    case 'mdb': {
      const device = MDB_DEVICES[args[1] as keyof typeof MDB_DEVICES];
      if (device === undefined) throw new Error('the MDB device is coin, bill or card');
      entry().machine.faults.mdbDevice(device, onOff(args[2], 'on', 'off'));
      return done();
    }
    case 'disconnect':
      void entry().bridge.disconnect();
      return done();
    case 'clear': {
      const target = entry();
      target.machine.faults.clearAll();
      target.noise = 0;
      return done();
    }
    case 'state': {
      const target = entry();
      return { type: 'state', machine: target.index, url: target.bridge.url, state: target.machine.state() };
    }
    case 'list':
      return { type: 'machines', machines: entries.map((item) => summarize(item)) };
    default:
      throw new Error(`unknown command "${command}"; type help`);
  }
}
