// An analyst's verdict on one alert. On a behavioural alert it also tunes that entity's threshold: the
// change the server made is shown right away, in words, with its undo (detect:settings) beside it.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type DetectAlert,
  type DetectChange,
  type DetectVerdict,
  setDetectVerdict,
  undoBehaviourChange,
} from '../../api.ts';
import { StatusMessage } from '../../components/StatusMessage.tsx';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { formatInstant } from './detectFormat.ts';

export function AlertVerdict({
  alert,
  changes,
  onAlert,
  onChange,
}: {
  alert: DetectAlert;
  changes: DetectChange[];
  onAlert: (alert: DetectAlert) => void;
  onChange: (change: DetectChange) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const id = useId();
  const writable = can(session, 'detect:write');
  const behaviour = alert.kind === 'behaviour';
  const [suppress, setSuppress] = useState(false);
  const [busy, setBusy] = useState(false);
  const status = useStatus();

  async function decide(verdict: DetectVerdict): Promise<void> {
    setBusy(true);
    status.clear();
    try {
      const result = await setDetectVerdict(alert.id, {
        verdict,
        ...(behaviour && verdict === 'false_positive' && suppress ? { suppress: true } : {}),
      });
      onAlert(result.alert);
      if (result.change) onChange(result.change);
      status.success((tr) =>
        verdict === 'true_positive' ? tr('detect.savedTruePositive') : tr('detect.savedFalsePositive'),
      );
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  // Who decided: the server names people by account id; "you" is the one we can tell without more rights.
  const decidedBy = alert.verdictBy === session.user.id ? t('detect.you') : null;

  return (
    <section className="detect-verdict" aria-labelledby={`${id}-title`}>
      <div className="detect-verdict-row">
        <h4 id={`${id}-title`}>{t('detect.verdictTitle')}</h4>
        <span data-testid="alert-verdict">
          {alert.verdict ? (
            <>
              <span className={alert.verdict === 'true_positive' ? 'badge badge-bad' : 'badge badge-ok'}>
                {alert.verdict === 'true_positive' ? t('detect.verdictTruePositive') : t('detect.verdictFalsePositive')}
              </span>{' '}
              {alert.verdictAt && (
                <span className="muted">
                  {decidedBy
                    ? t('detect.decidedAtBy', { time: formatInstant(alert.verdictAt, locale), name: decidedBy })
                    : t('detect.decidedAt', { time: formatInstant(alert.verdictAt, locale) })}
                </span>
              )}
            </>
          ) : (
            <span className="badge badge-muted">{t('detect.alertOpen')}</span>
          )}
        </span>
        {writable && (
          <span className="detect-verdict-actions">
            <button
              type="button"
              className="button-danger button-small"
              aria-pressed={alert.verdict === 'true_positive'}
              disabled={busy}
              onClick={() => void decide('true_positive')}
            >
              {t('detect.markTruePositive')}
            </button>
            <button
              type="button"
              className="button-ok button-small"
              aria-pressed={alert.verdict === 'false_positive'}
              disabled={busy}
              onClick={() => void decide('false_positive')}
            >
              {t('detect.markFalsePositive')}
            </button>
            {behaviour && (
              <label className="checkbox">
                <input type="checkbox" checked={suppress} onChange={(event) => setSuppress(event.target.checked)} />
                {t('detect.suppressEntity')}
              </label>
            )}
          </span>
        )}
      </div>
      {/* Only a behavioural verdict does more than record: that one is worth a sentence. */}
      {behaviour && <p className="hint">{writable ? t('detect.verdictTunes') : t('detect.readOnlyVerdict')}</p>}
      <StatusMessage status={status.status} />
      {changes.length > 0 && (
        <ul className="detect-changes">
          {changes.map((change) => (
            <li key={change.id}>
              <ChangeLine change={change} onChange={onChange} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One threshold change in words, whether it still stands, and its undo for those allowed. */
export function ChangeLine({ change, onChange }: { change: DetectChange; onChange: (change: DetectChange) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const status = useStatus();
  const undoable = can(session, 'detect:settings');

  async function undo(): Promise<void> {
    setBusy(true);
    status.clear();
    try {
      const result = await undoBehaviourChange(change.id);
      onChange(result.change);
      status.success((tr) => tr('detect.undone'));
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="detect-change" data-testid="threshold-change">
      <p>
        <strong>{t('detect.thresholdChange')}</strong> {change.description[locale]}{' '}
        {change.undoneAt ? (
          <span className="badge badge-muted">
            {t('detect.undoneAt', { time: formatInstant(change.undoneAt, locale) })}
          </span>
        ) : (
          <span className="badge badge-active">{t('detect.inForce')}</span>
        )}
      </p>
      {!change.undoneAt &&
        (undoable ? (
          <button type="button" className="button-secondary button-small" disabled={busy} onClick={() => void undo()}>
            {t('detect.undo')}
          </button>
        ) : (
          <p className="hint">{t('detect.undoNeedsSettings')}</p>
        ))}
      <StatusMessage status={status.status} />
    </div>
  );
}
