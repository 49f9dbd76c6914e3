// @vitest-environment node
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLocale, MESSAGES, mergeLocaleFiles, pickLocale, type MessageTree } from './index';

describe('pickLocale', () => {
  it('keeps the locale the user chose before', () => {
    expect(pickLocale('en', ['zh-CN'])).toBe('en');
    expect(pickLocale('zh-CN', ['en-US'])).toBe('zh-CN');
  });

  it('ignores a stored value that is not a locale', () => {
    expect(pickLocale('fr', ['en-GB'])).toBe('en');
  });

  it('takes the first preferred language it has', () => {
    expect(pickLocale(null, ['fr-FR', 'en-US', 'zh-CN'])).toBe('en');
    expect(pickLocale(null, ['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLocale(null, ['ZH'])).toBe('zh-CN');
  });

  it('falls back to Chinese', () => {
    expect(pickLocale(null, [])).toBe('zh-CN');
    expect(pickLocale(null, ['de-DE', 'english'])).toBe('zh-CN');
  });
});

describe('isLocale', () => {
  it('accepts exactly the supported locales', () => {
    expect(isLocale('zh-CN')).toBe(true);
    expect(isLocale('en')).toBe(true);
    expect(isLocale('zh-cn')).toBe(false);
    expect(isLocale(undefined)).toBe(false);
  });
});

describe('mergeLocaleFiles', () => {
  it('puts each file under its name, per locale', () => {
    const merged = mergeLocaleFiles({
      './zh-CN/shell.ts': { default: { a: '甲' } },
      './en/shell.ts': { default: { a: 'A' } },
      './en/machines.ts': { default: { list: { title: 'Machines' } } },
    });
    expect(merged).toEqual({
      'zh-CN': { shell: { a: '甲' } },
      en: { shell: { a: 'A' }, machines: { list: { title: 'Machines' } } },
    });
  });

  it('refuses a folder that is not a locale', () => {
    expect(() => mergeLocaleFiles({ './fr/shell.ts': { default: {} } })).toThrow(/not a locale file/);
  });
});

/** Every leaf key of a message tree, dotted (`shell.areas.dashboard`). */
function keysOf(tree: MessageTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`),
  );
}

function has(tree: Record<string, MessageTree>, key: string): boolean {
  let node: string | MessageTree | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return false;
    node = node[part];
  }
  return typeof node === 'string';
}

const SRC = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|vue)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/**
 * Literal keys the sources use: `t('a.b')`, `$t('a.b')`, `te('a.b')`, `i18n.global.t('a.b')`,
 * and route titles (`title: 'a.b'` in src/router/routes). Keys built at run time are not seen.
 */
function usedKeys(): { key: string; file: string }[] {
  const call = /(?<![\w$])\$?te?\(\s*(['"])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g;
  const title = /\btitle:\s*(['"])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g;
  const out: { key: string; file: string }[] = [];
  for (const path of sourceFiles(SRC)) {
    const text = readFileSync(path, 'utf8');
    const file = relative(SRC, path);
    for (const m of text.matchAll(call)) if (m[2]) out.push({ key: m[2], file });
    if (file.startsWith(join('router', 'routes')))
      for (const m of text.matchAll(title)) if (m[2]) out.push({ key: m[2], file });
  }
  return out;
}

describe('the messages', () => {
  const zh = keysOf(MESSAGES['zh-CN']);
  const en = keysOf(MESSAGES.en);

  it('have the same keys in both languages', () => {
    expect(zh.length).toBeGreaterThan(50);
    expect({ missingInEnglish: zh.filter((k) => !en.includes(k)) }).toEqual({ missingInEnglish: [] });
    expect({ missingInChinese: en.filter((k) => !zh.includes(k)) }).toEqual({ missingInChinese: [] });
  });

  it('have every key the sources use, in both languages', () => {
    const used = usedKeys();
    expect(used.length).toBeGreaterThan(50);
    const missing = used
      .filter(({ key }) => !has(MESSAGES['zh-CN'], key) || !has(MESSAGES.en, key))
      .map(({ key, file }) => `${key} (${file})`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('have no empty message', () => {
    const empty = (['zh-CN', 'en'] as const).flatMap((locale) =>
      keysOf(MESSAGES[locale])
        .filter((key) => {
          const value = key.split('.').reduce<unknown>((node, part) => (node as MessageTree)[part], MESSAGES[locale]);
          return typeof value === 'string' && value.trim() === '';
        })
        .map((key) => `${locale}: ${key}`),
    );
    expect(empty).toEqual([]);
  });
});
