// Language handling: i18next setup, the initial choice (saved choice, else browser language) and switching.
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { isLocale, type Locale } from '../../src/core/index.ts';
import { en } from './locales/en.ts';
import { fr } from './locales/fr.ts';

const STORAGE_KEY = 'vigie.locale';

export const resources = { en: { translation: en }, fr: { translation: fr } } as const;

/** The language the person chose on this browser, if any. */
export function savedLocale(): Locale | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    // Storage can be disabled (private mode, policy); the app still works without it.
    return null;
  }
}

export function browserLocale(): Locale {
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function currentLocale(): Locale {
  return isLocale(i18next.language) ? i18next.language : 'en';
}

/** Switches the interface language, remembers it on this browser and keeps <html lang> right for screen readers. */
export async function setLocale(locale: Locale): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered, but the switch itself still happens.
  }
  await i18next.changeLanguage(locale);
}

export async function initI18n(): Promise<void> {
  i18next.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
  });
  await i18next.use(initReactI18next).init({
    resources,
    lng: savedLocale() ?? browserLocale(),
    fallbackLng: 'en',
    supportedLngs: ['fr', 'en'],
    // React escapes text itself; escaping twice would show &amp; to people.
    interpolation: { escapeValue: false },
    returnNull: false,
    // Permission ids contain ':' (posture:read); one namespace is enough, so ':' must not split keys.
    nsSeparator: false,
  });
  document.documentElement.lang = currentLocale();
}

/** The current interface language, re-rendering the caller when it changes. */
export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : 'en';
}
