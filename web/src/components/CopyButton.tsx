// A small "Copy" button for one value (a hash, a URL), saying in a live region whether copying worked.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  value: string;
  /** What is copied, for screen readers: "Copy SHA-256 of invoice.pdf". */
  label: string;
}

export function CopyButton({ value, label }: Props) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      // The clipboard needs a secure context: over plain HTTP people select the text themselves.
      setState('failed');
    }
  }

  return (
    <span className="copy">
      <button type="button" className="button-secondary button-small" aria-label={label} onClick={() => void copy()}>
        {t('copy.copy')}
      </button>
      <span className="copy-status" aria-live="polite">
        {state === 'copied' && t('copy.copied')}
        {state === 'failed' && t('copy.failed')}
      </span>
    </span>
  );
}
