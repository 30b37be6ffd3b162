// The first focusable element of every page: jumps past the header and navigation to the main content.
import { useTranslation } from 'react-i18next';

export function SkipLink() {
  const { t } = useTranslation();
  return (
    // biome-ignore lint/a11y/useValidAnchor: a skip link is a link by convention; the hash router needs the click.
    <a
      className="skip-link"
      href="#main"
      onClick={(event) => {
        // With a hash router, '#main' would be read as a route: focus the main area ourselves instead.
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {t('skipLink')}
    </a>
  );
}
