/**
 * The console's languages. Messages live in one file per domain and language,
 * `./<locale>/<domain>.ts` (`export default { ... }`); the file name is the top-level key,
 * so `./zh-CN/machines.ts` holds `t('machines.…')`. Both languages must have the same keys
 * (index.test.ts fails otherwise). Chinese is the default and the fallback.
 *
 * Message syntax is vue-i18n's: `{name}` is a parameter; a literal `@`, `{`, `}`, `|` or `$`
 * is written `{'@'}` and so on.
 */
import type { Language } from 'element-plus/es/locale';
import elementEn from 'element-plus/es/locale/lang/en';
import elementZhCn from 'element-plus/es/locale/lang/zh-cn';
import { createI18n } from 'vue-i18n';

export const LOCALES = ['zh-CN', 'en'] as const;

export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Each locale's name in its own language, for the language switcher. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = {
  'zh-CN': '简体中文',
  en: 'English',
};

/** A domain's messages: nested objects whose leaves are strings. */
export interface MessageTree {
  [key: string]: string | MessageTree;
}

/** Every locale's messages: domain (file name) -> messages. */
export type LocaleMessages = Record<string, MessageTree>;

/**
 * Merges locale files by path (`./zh-CN/shell.ts` -> `MESSAGES['zh-CN'].shell`). Files of
 * a folder that is not a locale are an error, so a misspelt folder does not go unnoticed.
 */
export function mergeLocaleFiles(files: Record<string, { default: MessageTree }>): Record<Locale, LocaleMessages> {
  const merged: Record<Locale, LocaleMessages> = { 'zh-CN': {}, en: {} };
  for (const [path, file] of Object.entries(files)) {
    const match = /\/([^/]+)\/([^/]+)\.ts$/.exec(path);
    const locale = match?.[1];
    const domain = match?.[2];
    if (!isLocale(locale) || !domain) throw new Error(`${path} is not a locale file (./<locale>/<domain>.ts)`);
    merged[locale][domain] = file.default;
  }
  return merged;
}

export const MESSAGES: Readonly<Record<Locale, LocaleMessages>> = mergeLocaleFiles(
  import.meta.glob<{ default: MessageTree }>(['./zh-CN/*.ts', './en/*.ts', '!./**/*.test.ts'], { eager: true }),
);

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

/**
 * The console's vue-i18n instance (composition mode). Components use `useI18n()`; code
 * outside components (stores, the router) uses `i18n.global.t`. The locale store sets
 * `i18n.global.locale`.
 */
export const i18n = createI18n({
  legacy: false,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: MESSAGES,
  missingWarn: false,
  fallbackWarn: false,
});
