/**
 * The simulator on the command line: runs simulated machines, serves each on a socket for a
 * terminal to open, shows their live state, and takes customers' and faults' commands on
 * stdin.
 *
 *   npm run simulate -- --machines 5 [--channels 20] [--port 7001] [--seed 1] [--noise 0.01] [--realtime]
 */
import { createInterface } from 'node:readline';
import { formatMessageTable } from '../message-table.js';
import { parseCliArgs, USAGE, type CliOptions } from './options.js';
import { Screen } from './screen.js';
import { startSimulation, type Simulation } from './simulation.js';

/** Where the CLI reads and writes. */
export interface CliStreams {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; rows?: number };
  stderr: NodeJS.WritableStream;
}

/**
 * Runs the CLI until stdin ends, `quit`, or a signal. Resolves with the exit code.
 */
export async function runCli(argv: readonly string[], io: CliStreams): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.messages) {
    io.stdout.write(`VMC serial protocol messages\n\n${formatMessageTable()}\n`);
    return 0;
  }

  let simulation: Simulation;
  try {
    simulation = await startSimulation(options);
  } catch (error) {
    io.stderr.write(`cannot start the simulation: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const table = options.output === 'table' || (options.output === 'auto' && io.stdout.isTTY === true);
  const screen = new Screen(io.stdout, simulation, { ...options, table }, () => rl.prompt(true));
  simulation.onReport((report) => screen.show(report));

  screen.show({
    type: 'listening',
    machines: simulation.entries.map((entry) => ({
      machine: entry.index,
      boardId: entry.machine.boardId,
      url: entry.bridge.url,
      port: entry.bridge.port,
    })),
    realtime: options.realtime,
    speed: options.speed,
  });

  const rl = createInterface({ input: io.stdin, output: table ? io.stdout : undefined, terminal: table });
  if (table) rl.setPrompt('> ');
  screen.start();

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      screen.stop();
      rl.close();
      void simulation.close().then(() => resolve(0));
    };
    rl.on('line', (line) => {
      if (line.trim() === 'quit' || line.trim() === 'exit') {
        stop();
        return;
      }
      screen.resume();
      try {
        const reply = simulation.execute(line);
        if (reply !== null && table && reply.type === 'state') {
          screen.showState(reply);
          return;
        }
        if (reply !== null) screen.show(reply);
      } catch (error) {
        screen.show({
          type: 'error',
          command: line.trim(),
          message: error instanceof Error ? error.message : String(error),
        });
      }
      screen.redraw();
    });
    // Ctrl-D at a terminal quits; a closed pipe does not (the machines run on until a signal).
    rl.on('close', () => {
      if (table || (io.stdin as { isTTY?: boolean }).isTTY === true) stop();
    });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
