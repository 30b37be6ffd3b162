// An inline confirmation for destructive actions, usable by keyboard (focus lands on it, Escape cancels).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../useFocusOnMount.ts';

interface Props {
  question: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmPanel({ question, confirmLabel, busy, onConfirm, onCancel }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const confirm = useFocusOnMount<HTMLButtonElement>();

  return (
    <div
      className="confirm-panel"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby={id}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <p id={id}>{question}</p>
      <div className="button-row">
        <button type="button" className="button-danger" ref={confirm} onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
