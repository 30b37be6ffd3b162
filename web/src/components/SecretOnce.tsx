// Shows a secret (generated password, token secret) exactly once, with a copy button and a clear warning.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../useFocusOnMount.ts';

interface Props {
  title: string;
  secret: string;
  onDismiss: () => void;
}

export function SecretOnce({ title, secret, onDismiss }: Props) {
  const { t } = useTranslation();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  // Focus the secret as it appears: it is the one thing the person must act on now.
  const panel = useFocusOnMount<HTMLElement>();
  const titleId = useId();

  async function copyToClipboard(): Promise<void> {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  }

  return (
    <section className="secret-once" aria-labelledby={titleId} tabIndex={-1} ref={panel}>
      <h3 id={titleId}>{title}</h3>
      <p className="secret-warning">
        <strong>{t('secret.warning')}</strong>
      </p>
      <div className="secret-row">
        <code className="secret-value" data-testid="secret-value">
          {secret}
        </code>
        <button type="button" onClick={copyToClipboard}>
          {t('secret.copy')}
        </button>
      </div>
      <p className="secret-copy-status" aria-live="polite">
        {copy === 'copied' && t('secret.copied')}
        {copy === 'failed' && t('secret.copyFailed')}
      </p>
      <button type="button" className="button-secondary" onClick={onDismiss}>
        {t('secret.dismiss')}
      </button>
    </section>
  );
}
