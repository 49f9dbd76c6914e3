import { describe, expect, it } from 'vitest';
import { isLocale, pickLocale } from './index';

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
