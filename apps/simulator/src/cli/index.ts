/**
 * The simulator's command line: options (`options.ts`), the simulation it runs
 * (`simulation.ts`), the commands it takes on stdin (`commands.ts`), what it shows
 * (`screen.ts`) and the loop that joins them (`run.ts`).
 */
export { parseCliArgs, noiseAt, USAGE, type CliOptions } from './options.js';
export {
  startSimulation,
  simulatedBoardId,
  type Simulation,
  type SimulationEntry,
  type SimulationReport,
} from './simulation.js';
export { COMMANDS_HELP, executeCommand } from './commands.js';
export { formatTable, summarize, Screen, vendResultName, type MachineSummary, type ScreenStream } from './screen.js';
export { runCli, type CliStreams } from './run.js';
