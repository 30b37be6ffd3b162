// The language switcher shown in the header and on the sign-in page; its label is bilingual on purpose.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { isLocale, LOCALES } from '../../../src/core/index.ts';
import { currentLocale, setLocale } from '../i18n.ts';

export function LanguageSwitcher() {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="language-switcher">
      <label htmlFor={id}>{t('language.label')}</label>
      <select
        id={id}
        value={currentLocale()}
        onChange={(event) => {
          if (isLocale(event.target.value)) void setLocale(event.target.value);
        }}
      >
        {LOCALES.map((locale) => (
          // Each name is written in its own language, and marked so, for people who cannot read the current one.
          <option key={locale} value={locale} lang={locale}>
            {t(`language.${locale}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
