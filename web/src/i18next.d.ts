// Types i18next keys from the English resource, so a missing or misspelt key fails the type-check.
import 'i18next';
import type { en } from './locales/en.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    nsSeparator: false;
    resources: { translation: typeof en };
  }
}
