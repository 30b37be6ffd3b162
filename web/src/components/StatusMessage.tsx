// The aria-live region where a page announces the outcome of an action (saved, refused, failed).
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../errors.ts';
import { currentLocale } from '../i18n.ts';
import type { Status } from '../status.ts';

export function StatusMessage({ status }: { status: Status | null }) {
  const { t } = useTranslation();
  // The region stays in the DOM even when empty: screen readers only announce changes to a region they already know.
  return (
    <div className="status-region" aria-live="polite" aria-atomic="true">
      {status?.kind === 'success' && <p className="notice notice-success">{status.text(t)}</p>}
      {status?.kind === 'error' && (
        <p className="notice notice-error" role="alert">
          {errorMessage(status.error, t, currentLocale())}
        </p>
      )}
    </div>
  );
}

/** A load failure shown in place of content; not live, since it replaces the page's content on first render. */
export function LoadError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <p className="notice notice-error" role="alert">
      {errorMessage(error, t, currentLocale())}
    </p>
  );
}
