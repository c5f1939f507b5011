import { catalogs } from './i18n-catalog.ts';

export const locales = ['it', 'en'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'it';

export type Catalog = Record<string, string>;
export type FeatureMessages = { it: Catalog; en: Catalog };

export function isLocale(v: unknown): v is Locale {
  return v === 'it' || v === 'en';
}

const merged: Record<Locale, Map<string, string>> = { it: new Map(), en: new Map() };
for (const [feature, messages] of Object.entries(catalogs)) {
  for (const locale of locales) {
    for (const [key, text] of Object.entries((messages as FeatureMessages)[locale])) merged[locale].set(`${feature}.${key}`, text);
  }
}

export function messageKeys(locale: Locale): string[] {
  return [...merged[locale].keys()];
}

export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** The server speaks in codes; pages and e-mails translate them here. A missing key shows itself. */
export function translator(locale: Locale): Translate {
  const catalog = merged[locale];
  return (key, params) => {
    const text = catalog.get(key);
    if (text === undefined) return key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}

/** The key's text when the catalog has it, else null: for callers with a fallback of their own. */
export function translateIfKnown(t: Translate, key: string, params?: Record<string, string | number>): string | null {
  const text = t(key, params);
  return text === key ? null : text;
}

/** Translates a stable code, falling back to a generic key, e.g. errors.field.invalid_checksum. */
export function translateCode(t: Translate, prefix: string, code: string, fallback: string): string {
  return translateIfKnown(t, `${prefix}.${code}`) ?? t(fallback);
}

/** Today's date in Italy (YYYY-MM-DD), where the cluster works: deadlines, decisions and reports count its days. */
export function todayInItaly(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function formatDate(locale: Locale, value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : value;
  return new Intl.DateTimeFormat(locale === 'it' ? 'it-IT' : 'en-GB', { dateStyle: 'long', timeZone: 'Europe/Rome' }).format(d);
}

export function formatDateTime(locale: Locale, value: string | Date | null | undefined): string {
  if (!value) return '';
  return new Intl.DateTimeFormat(locale === 'it' ? 'it-IT' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Rome',
  }).format(typeof value === 'string' ? new Date(value) : value);
}

/** A text in the reader's language, or in the other when only that one exists, with the language it is written in. */
export function inLocale(locale: Locale, it: string | null, en: string | null): { text: string; lang: Locale } {
  const own = locale === 'en' ? en : it;
  if (own) return { text: own, lang: locale };
  return { text: (locale === 'en' ? it : en) ?? '', lang: locale === 'en' ? 'it' : 'en' };
}
