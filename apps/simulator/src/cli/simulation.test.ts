import { afterEach, describe, expect, it } from 'vitest';
import { noiseAt, parseCliArgs } from './options.js';
import { formatTable, summarize } from './screen.js';
import { simulatedBoardId, startSimulation, type Simulation, type SimulationReport } from './simulation.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('helpers', () => {
  it('numbers board ids and splits noise', () => {
    expect(simulatedBoardId(1)).toBe('SIM000001');
    expect(simulatedBoardId(123)).toBe('SIM000123');
    expect(noiseAt(0)).toEqual({});
    const noise = noiseAt(0.01);
    expect((noise.corrupt ?? 0) + (noise.drop ?? 0) + (noise.duplicate ?? 0)).toBeCloseTo(0.01, 10);
  });
});

async function simulation(machines = 2): Promise<Simulation> {
  const sim = await startSimulation({ ...parseCliArgs(['--port', '0', '--channels', '3']), machines });
  cleanups.push(() => sim.close());
  return sim;
}

describe('a simulation', () => {
  it('runs machines with their own board ids and sockets', async () => {
    const sim = await simulation(3);
    expect(sim.entries.map((entry) => entry.machine.boardId)).toEqual(['SIM000001', 'SIM000002', 'SIM000003']);
    const ports = sim.entries.map((entry) => entry.bridge.port);
    expect(new Set(ports).size).toBe(3);
    for (const entry of sim.entries) expect(entry.bridge.url).toBe(`tcp://127.0.0.1:${entry.bridge.port}`);
  });

  it('takes customers and faults from commands, and shows them in the state and the table', async () => {
    const sim = await simulation();
    const reports: SimulationReport[] = [];
    sim.onReport((report) => reports.push(report));

    expect(sim.execute('coin 1 100')).toMatchObject({ type: 'reply', result: expect.any(String) });
    expect(sim.execute('door 2 open')).toMatchObject({ type: 'reply', result: 'ok' });
    sim.execute('jam 1 2');
    sim.execute('empty 2 3');
    sim.execute('cooling 1 fail');
    sim.execute('noise 2 0.05');
    sim.execute('press 1 3');
    sim.execute('cut 2');

    const state = sim.execute('state 2');
    expect(state).toMatchObject({
      type: 'state',
      machine: 2,
      // Each channel's stock and the dispense log, for end-to-end tests to compare with the server's orders.
      state: { boardId: 'SIM000002', door: 'open', powered: false, stock: [10, 10, 0], dispenseLog: [] },
    });
    const [first, second] = sim.entries.map((entry) => summarize(entry));
    expect(first).toMatchObject({ boardId: 'SIM000001', link: 'off', door: 'closed', stock: 30, capacity: 30 });
    expect(first?.faults).toEqual(expect.arrayContaining(['jam armed 2', 'cooling failure']));
    expect(second).toMatchObject({ door: 'open', noise: 0.05, powered: false, emptyChannels: [3] });
    expect(second?.faults).toEqual(expect.arrayContaining(['power off', 'channel empty 3']));
    expect(reports).toEqual(
      expect.arrayContaining([
        { machine: 2, type: 'door_opened' },
        { machine: 1, type: 'button', channel: 3 },
        { machine: 2, type: 'power_lost' },
      ]),
    );

    const table = formatTable([first, second].filter((row) => row !== undefined));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(
      /^#\s+BOARD\s+ADDRESS\s+LINK\s+DOOR\s+TEMP\s+CREDIT\s+STOCK\s+SOLD\s+LAST VENDS\s+FAULTS$/,
    );
    expect(lines[1]).toMatch(/^1\s+SIM000001\s+127\.0\.0\.1:\d+\s+off\s+closed/);
    expect(lines[2]).toMatch(/^2\s+SIM000002\s+127\.0\.0\.1:\d+\s+off ~0\.05\s+open/);

    sim.execute('on 2');
    sim.execute('clear 2');
    expect(summarize(sim.entries[1] as (typeof sim.entries)[number])).toMatchObject({ powered: true, noise: 0 });
  });

  it("runs each vend's motor cycle in --motor-ms of machine time", async () => {
    const sim = await startSimulation({ ...parseCliArgs(['--port', '0', '--channels', '2', '--motor-ms', '25']) });
    cleanups.push(() => sim.close());
    const channels = sim.entries[0]?.machine.state().machine.channels ?? [];
    expect(channels.map((channel) => channel.dispenseMs)).toEqual([25, 25]);
  });

  it('refuses bad commands with a reason', async () => {
    const sim = await simulation(1);
    expect(() => sim.execute('coin 9 100')).toThrow(/no machine 9: machines are numbered 1 to 1/);
    expect(() => sim.execute('coin 1 lots')).toThrow(/coin value must be a whole number/);
    expect(() => sim.execute('door 1 ajar')).toThrow(/open or close/);
    expect(() => sim.execute('noise 1 3')).toThrow(/share from 0 to 1/);
    expect(() => sim.execute('dance 1')).toThrow(/unknown command "dance"/);
    expect(sim.execute('   ')).toBeNull();
    expect(sim.execute('help')).toMatchObject({ type: 'help', text: expect.stringContaining('coin M VALUE') });
  });
});
