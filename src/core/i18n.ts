/**
 * Bilingual text: every message a person reads exists in French and English.
 * The interface picks the locale; data keeps both so a report can be rendered in either.
 */
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A message in both product languages. */
export interface LocalizedText {
  readonly fr: string;
  readonly en: string;
}

export function isLocale(value: unknown): value is Locale {
  return value === 'fr' || value === 'en';
}

/** Chooses a locale from an HTTP Accept-Language header; English when nothing matches. */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .slice(0, 20)
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number.parseFloat(q.slice(2)) : 1;
      return { lang: tag.toLowerCase().slice(0, 2), weight: Number.isFinite(weight) ? weight : 0 };
    })
    .sort((a, b) => b.weight - a.weight);
  for (const { lang } of ranked) if (isLocale(lang)) return lang;
  return 'en';
}
