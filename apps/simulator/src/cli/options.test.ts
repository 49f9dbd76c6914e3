import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './options.js';

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
      output: 'auto',
      messages: false,
      help: false,
    });
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
  });

  it('names what is wrong', () => {
    expect(() => parseCliArgs(['--machines', '0'])).toThrow(/--machines must be a whole number from 1/);
    expect(() => parseCliArgs(['--machines', 'two'])).toThrow(/--machines/);
    expect(() => parseCliArgs(['--noise', '2'])).toThrow(/--noise must be a share from 0 to 1/);
    expect(() => parseCliArgs(['--port', '65535', '--machines', '2'])).toThrow(/no room/);
    expect(() => parseCliArgs(['--json', '--table'])).toThrow(/exclude each other/);
    expect(() => parseCliArgs(['--colour'])).toThrow();
  });
});
