import { SerialPortStream } from '@serialport/stream';
import { VendResult } from '@vmcloud/protocol';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatedMachine, type SimulatedMachine } from '../simulator.js';
import { openHost, type SerialHost } from '../testing/host.js';
import { registerSimulatedPort, simulatorBinding, unregisterSimulatedPort } from './mock.js';

let machines: SimulatedMachine[] = [];
let hosts: SerialHost[] = [];

afterEach(async () => {
  for (const host of hosts) await host.closePort();
  for (const machine of machines) machine.close();
  machines = [];
  hosts = [];
});

function machine(options: Parameters<typeof createSimulatedMachine>[0]): SimulatedMachine {
  const made = createSimulatedMachine(options);
  machines.push(made);
  return made;
}

async function host(path: string): Promise<SerialHost> {
  const opened = await openHost(path);
  hosts.push(opened);
  return opened;
}

describe('simulatorBinding', () => {
  it('lists the ports of simulated machines and opens only those', async () => {
    machine({ path: '/dev/ttyVMC-list-1' });
    machine({ path: '/dev/ttyVMC-list-2' });
    const paths = (await simulatorBinding.list()).map((info) => info.path);
    expect(paths).toEqual(['/dev/ttyVMC-list-1', '/dev/ttyVMC-list-2']);
    await expect(simulatorBinding.open({ path: '/dev/ttyNOPE', baudRate: 9600 })).rejects.toThrow(
      'no simulated machine on /dev/ttyNOPE',
    );
  });

  it('refuses a second simulated machine on the same path, and a second terminal on an open port', async () => {
    const sim = machine({ path: '/dev/ttyVMC-lock' });
    expect(() => registerSimulatedPort('/dev/ttyVMC-lock')).toThrow('already uses');
    await host(sim.path);
    await expect(simulatorBinding.open({ path: sim.path, baudRate: 9600 })).rejects.toThrow('locked');
  });

  it('carries bytes both ways through SerialPortStream and stops when the terminal closes the port', async () => {
    const sim = machine({ path: '/dev/ttyVMC-bytes', channels: 2, dispenseMs: 0 });
    const terminal = await host(sim.path);
    await terminal.next('HELLO');
    expect(sim.port.counts.fromHost).toBeGreaterThan(0);
    await terminal.send({ type: 'VEND', vendId: 1, channel: 2, price: 100, method: 0 });
    expect((await terminal.next('VEND_RESULT')).message.result).toBe(VendResult.OK);
    await terminal.closePort();
    hosts = [];
    expect(sim.state().hostConnected).toBe(false);
    const sent = sim.port.counts.toHost;
    sim.customer.pressButton(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sim.port.counts.toHost).toBe(sent);
  });

  it('sends HELLO again to a terminal that opens the port after the board gave up announcing itself', async () => {
    const sim = machine({
      path: '/dev/ttyVMC-late',
      boardId: 'LATE-1',
      link: { ackTimeoutMs: 10, maxRetransmissions: 1 },
      helloRetryMs: 60_000,
    });
    const gaveUp: boolean[] = [];
    sim.events.on('firmware', ({ event }) => {
      if (event.type === 'sent' && event.message.type === 'HELLO') gaveUp.push(!event.delivered);
    });
    await until(() => gaveUp.length > 0);
    expect(gaveUp).toEqual([true]);
    const terminal = await host(sim.path);
    expect((await terminal.next('HELLO')).message.boardId).toBe('LATE-1');
  });

  it('cannot be opened once its machine is closed', async () => {
    const sim = createSimulatedMachine({ path: '/dev/ttyVMC-closed' });
    sim.close();
    const port = new SerialPortStream({ binding: simulatorBinding, path: sim.path, baudRate: 9600, autoOpen: false });
    await expect(
      new Promise((resolve, reject) => port.open((error) => (error ? reject(error) : resolve(null)))),
    ).rejects.toThrow('no simulated machine');
    unregisterSimulatedPort(sim.path);
  });
});

describe('real-time clock', () => {
  it('runs motor cycles and MDB polling with the wall clock', async () => {
    const sim = machine({ path: '/dev/ttyVMC-real', channels: 2, dispenseMs: 100, clock: 'real', tickMs: 10 });
    const terminal = await host(sim.path);
    await terminal.next('HELLO');
    sim.customer.insertCoin(100);
    expect((await terminal.next('CREDIT')).message.credit).toBe(100);
    await terminal.send({ type: 'VEND', vendId: 2, channel: 1, price: 100, method: 1 });
    const { message } = await terminal.next('VEND_RESULT');
    expect(message).toMatchObject({ result: VendResult.OK, credit: 0 });
    expect(sim.now).toBeGreaterThanOrEqual(100);
  });
});
