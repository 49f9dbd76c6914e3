import { describe, expect, it } from 'vitest';
import { COMMANDS_HELP } from './commands.js';

describe('COMMANDS_HELP', () => {
  it('fits an 80x24 screen: at most 22 lines of at most 80 columns', () => {
    const lines = COMMANDS_HELP.split('\n');
    expect(lines.length).toBeLessThanOrEqual(22);
    expect(lines.filter((line) => [...line].length > 80)).toEqual([]);
  });

  it('says that the terminal drives the vends, and lists every command', () => {
    expect(COMMANDS_HELP).toMatch(/Vends come from the\s+terminal \(npm run terminal\)/);
    const commands = COMMANDS_HELP.split('\n')
      .slice(2)
      .flatMap((line) => line.trim().split(/\s{2,}/))
      .map((cell) => cell.split(' ')[0]);
    for (const command of ['coin', 'bill', 'card', 'remove-card', 'press', 'lever', 'door', 'restock', 'jam']) {
      expect(commands).toContain(command);
    }
    for (const command of ['clear-jam', 'empty', 'cooling', 'ambient', 'cut', 'on', 'noise', 'mdb', 'disconnect']) {
      expect(commands).toContain(command);
    }
    for (const command of ['clear', 'state', 'help', 'quit']) expect(commands).toContain(command);
  });
});
