import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './run.js';
import type { SimulationReport } from './simulation.js';

function streams(input: string): { stdin: PassThrough; stdout: PassThrough; stderr: PassThrough; out: () => string } {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  stdin.end(input);
  return { stdin, stdout, stderr, out: () => text };
}

describe('runCli', () => {
  it('prints the message table with --messages', async () => {
    const io = streams('');
    await expect(runCli(['--messages'], io)).resolves.toBe(0);
    expect(io.out()).toMatch(/^VMC serial protocol messages\n\nTYPE\s+NAME/);
    expect(io.out()).toMatch(/0x11\s+VEND\s+host → VMC\s+11/);
  });

  it('explains a bad command line and exits 2', async () => {
    const io = streams('');
    await expect(runCli(['--machines', '0'], io)).resolves.toBe(2);
    expect(io.out()).toMatch(/--machines must be/);
    expect(io.out()).toMatch(/Usage: npm run simulate/);
  });

  it('writes JSON lines: where each machine listens, and the answers to commands, until quit', async () => {
    const io = streams('state 1\nbogus\nquit\n');
    await expect(runCli(['--port', '0', '--json'], io)).resolves.toBe(0);
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SimulationReport);
    expect(lines[0]).toMatchObject({ type: 'listening', machines: [{ machine: 1, boardId: 'SIM000001' }] });
    expect(lines.find((line) => line.type === 'state')).toMatchObject({ machine: 1, state: { boardId: 'SIM000001' } });
    expect(lines.find((line) => line.type === 'error')).toMatchObject({ command: 'bogus' });
  });
});
