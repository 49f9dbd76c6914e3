import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Nvram } from './nvram.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmc-nvram-'));
  dirs.push(dir);
  return join(dir, 'board', 'nvram.json');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Nvram', () => {
  it('stores bytes and JSON, copying in and out', () => {
    const nvram = new Nvram();
    const bytes = new Uint8Array([1, 2, 3]);
    nvram.set('raw', bytes);
    bytes[0] = 99;
    const read = nvram.get('raw');
    expect(read).toEqual(new Uint8Array([1, 2, 3]));
    read?.fill(0);
    expect(nvram.get('raw')).toEqual(new Uint8Array([1, 2, 3]));

    nvram.setJson('vends', [{ vendId: 7, result: 0 }]);
    expect(nvram.getJson('vends')).toEqual([{ vendId: 7, result: 0 }]);
    expect(nvram.keys().sort()).toEqual(['raw', 'vends']);
    expect(nvram.get('missing')).toBeUndefined();
    expect(nvram.getJson('missing')).toBeUndefined();
    expect(nvram.delete('raw')).toBe(true);
    expect(nvram.delete('raw')).toBe(false);
    expect(nvram.has('raw')).toBe(false);
    expect(nvram.writes).toBe(3);
    expect(() => nvram.setJson('x', undefined)).toThrow(TypeError);
  });

  it('persists to a file and a new memory on the same file reads it back', () => {
    const path = tempFile();
    const first = new Nvram({ path });
    first.set('raw', new Uint8Array([0, 255, 16, 6, 7]));
    first.setJson('last', { vendId: 4_000_000_000, channel: 12 });
    const second = new Nvram({ path });
    expect(second.get('raw')).toEqual(new Uint8Array([0, 255, 16, 6, 7]));
    expect(second.getJson('last')).toEqual({ vendId: 4_000_000_000, channel: 12 });
    second.clear();
    expect(new Nvram({ path }).keys()).toEqual([]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, entries: {} });
  });

  it('refuses a file that is not an NVRAM image', () => {
    const path = tempFile();
    new Nvram({ path }).setJson('a', 1);
    writeFileSync(path, '{"nope":');
    expect(() => new Nvram({ path })).toThrow(/not readable JSON/);
    writeFileSync(path, '{"version":2,"entries":{}}');
    expect(() => new Nvram({ path })).toThrow(/not an NVRAM image/);
  });
});
