import type { Language } from 'element-plus/es/locale';
import elementEn from 'element-plus/es/locale/lang/en';
import elementZhCn from 'element-plus/es/locale/lang/zh-cn';
import en from './en';
import zhCN, { type Messages } from './zh-CN';

export type { Messages };

export const LOCALES = ['zh-CN', 'en'] as const;

export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Each locale's name in its own language, for the language switcher. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = {
  'zh-CN': '简体中文',
  en: 'English',
};

export const MESSAGES: Readonly<Record<Locale, Messages>> = {
  'zh-CN': zhCN,
  en,
};

export const ELEMENT_LOCALES: Readonly<Record<Locale, Language>> = {
  'zh-CN': elementZhCn,
  en: elementEn,
};

export function isLocale(value: unknown): value is Locale {
  return LOCALES.some((locale) => locale === value);
}

/**
 * The locale to start with: the one the user chose before, else the first of the
 * browser's preferred languages that we have, else the default.
 */
export function pickLocale(stored: string | null, preferred: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const language of preferred) {
    const tag = language.toLowerCase();
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return DEFAULT_LOCALE;
}
