import { describe, expect, it } from 'vitest';
import { USAGE, parseCliArgs } from './options.js';

describe('parseCliArgs', () => {
  it('has defaults for everything', () => {
    expect(parseCliArgs([])).toEqual({
      machines: 1,
      channels: 10,
      port: 7001,
      host: '127.0.0.1',
      seed: 1,
      noise: 0,
      realtime: false,
      speed: 10,
      motorMs: undefined,
      capacity: 10,
      stock: undefined,
      output: 'auto',
      messages: false,
      help: false,
    });
  });

  it("takes each channel's capacity and stock at start, the stock within the capacity", () => {
    expect(parseCliArgs(['--capacity', '8', '--stock', '0'])).toMatchObject({ capacity: 8, stock: 0 });
    expect(() => parseCliArgs(['--capacity', '8', '--stock', '9'])).toThrow(
      /--stock must be a whole number from 0 to 8/,
    );
    expect(() => parseCliArgs(['--capacity', '0'])).toThrow(/--capacity/);
  });

  it('reads every option', () => {
    expect(
      parseCliArgs([
        '--machines',
        '5',
        '--channels',
        '20',
        '--port',
        '7100',
        '--seed',
        '42',
        '--noise',
        '0.01',
        '--realtime',
        '--json',
      ]),
    ).toMatchObject({
      machines: 5,
      channels: 20,
      port: 7100,
      seed: 42,
      noise: 0.01,
      realtime: true,
      speed: 1,
      output: 'json',
    });
    expect(parseCliArgs(['--speed', '50', '--table'])).toMatchObject({ speed: 50, output: 'table' });
    expect(parseCliArgs(['--messages'])).toMatchObject({ messages: true });
    expect(parseCliArgs(['--motor-ms', '20'])).toMatchObject({ motorMs: 20 });
    expect(parseCliArgs(['--motor-ms', '0'])).toMatchObject({ motorMs: 0 });
  });

  it('names what is wrong', () => {
    expect(() => parseCliArgs(['--machines', '0'])).toThrow(/--machines must be a whole number from 1/);
    expect(() => parseCliArgs(['--machines', 'two'])).toThrow(/--machines/);
    expect(() => parseCliArgs(['--noise', '2'])).toThrow(/--noise must be a share from 0 to 1/);
    expect(() => parseCliArgs(['--port', '65535', '--machines', '2'])).toThrow(/no room/);
    expect(() => parseCliArgs(['--json', '--table'])).toThrow(/exclude each other/);
    expect(() => parseCliArgs(['--colour'])).toThrow();
    expect(() => parseCliArgs(['--motor-ms=-1'])).toThrow(/--motor-ms must be a whole number from 0/);
    expect(() => parseCliArgs(['--motor-ms', 'fast'])).toThrow(/--motor-ms/);
  });
});

describe('USAGE', () => {
  it('fits an 80x24 screen: at most 22 lines of at most 80 columns', () => {
    const lines = USAGE.split('\n');
    expect(lines.length).toBeLessThanOrEqual(22);
    expect(lines.filter((line) => [...line].length > 80)).toEqual([]);
  });

  it('says that a terminal drives the vends, and names every option', () => {
    expect(USAGE).toMatch(/A terminal \(npm run\s+terminal\) opens machine i .* drives its vends/s);
    for (const option of ['machines', 'channels', 'port', 'host', 'seed', 'noise', 'realtime', 'speed', 'motor-ms']) {
      expect(USAGE).toContain(`--${option} `);
    }
  });
});
