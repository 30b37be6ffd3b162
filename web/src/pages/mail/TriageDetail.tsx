// Mail → Triage → one message: what the engine saw, the raw message to download (never rendered),
// and for mail:write the analyst's verdict in one click, with an optional note.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  getMailReport,
  type MailAnalystVerdict,
  type MailQueueDetail,
  type MailQueueItem,
  mailRawHref,
  setMailVerdict,
} from '../../api.ts';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { MailAnalysisView } from './MailAnalysisView.tsx';
import { analystVerdictLabel, formatBytes, triageHref } from './mailFormat.ts';

const NOTE_MAX = 2000;

export function AnalystBadge({ verdict }: { verdict: MailAnalystVerdict | null }) {
  const { t } = useTranslation();
  const kind = verdict === 'phishing' ? 'badge-bad' : verdict === 'legitimate' ? 'badge-ok' : 'badge-muted';
  return <span className={`badge ${kind}`}>{analystVerdictLabel(verdict, t)}</span>;
}

export function TriageDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const detail = useLoad(() => getMailReport(id), [id]);
  const data = detail.data;

  function replace(item: MailQueueItem): void {
    detail.setData((previous) => (previous ? { ...previous, ...item } : previous));
  }

  return (
    <>
      <p className="breadcrumb">
        <a href={triageHref()}>{t('mail.backToQueue')}</a>
      </p>
      <div className="page-heading">
        <h1 className="mail-subject-heading">{data ? data.subject || t('mail.noSubject') : t('mail.detailTitle')}</h1>
        {data && (
          <a className="button-link button-secondary" href={mailRawHref(data.id)} download={`${data.id}.eml`}>
            {t('mail.downloadRaw')}
          </a>
        )}
      </div>
      {detail.error !== null && <LoadError error={detail.error} />}
      {detail.loading && !data && <p role="status">{t('common.loading')}</p>}
      {data && (
        <>
          <p className="page-intro">{t('mail.detailIntro')}</p>
          <ItemFacts item={data} />
          <AnalystPanel key={data.id} item={data} onChanged={replace} />
          <MailAnalysisView analysis={data.analysis} />
        </>
      )}
    </>
  );
}

function ItemFacts({ item }: { item: MailQueueDetail }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  return (
    <dl className="facts mail-item-facts">
      <div>
        <dt>{t('mail.received')}</dt>
        <dd>
          <time dateTime={item.receivedAt}>{formatDateTime(item.receivedAt, locale)}</time>
        </dd>
      </div>
      <div>
        <dt>{t('mail.source')}</dt>
        <dd>
          {t(`mail.sources.${item.source === 'api' || item.source === 'imap' ? item.source : 'upload'}`)}
          {item.reporter === session.user.id
            ? ` — ${t('mail.reportedByYou')}`
            : item.reporterName && ` — ${t('mail.reportedBy', { name: item.reporterName })}`}
        </dd>
      </div>
      <div>
        <dt>{t('mail.size')}</dt>
        <dd>{formatBytes(item.size, locale)}</dd>
      </div>
    </dl>
  );
}

function AnalystPanel({ item, onChanged }: { item: MailQueueDetail; onChanged: (item: MailQueueItem) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const id = useId();
  const writable = can(session, 'mail:write');
  const [note, setNote] = useState(item.analystNote ?? '');
  const [busy, setBusy] = useState(false);
  const status = useStatus();

  async function decide(verdict: MailAnalystVerdict | null): Promise<void> {
    setBusy(true);
    status.clear();
    try {
      const trimmed = note.trim();
      const result = await setMailVerdict(item.id, verdict, verdict && trimmed ? trimmed : null);
      onChanged(result.item);
      // A withdrawn verdict takes its note with it on the server: the form follows.
      if (!verdict) setNote('');
      status.success((tr) =>
        verdict === 'phishing'
          ? tr('mail.savedPhishing')
          : verdict === 'legitimate'
            ? tr('mail.savedLegitimate')
            : tr('mail.savedWithdrawn'),
      );
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card analyst-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('mail.analystTitle')}</h2>
      <p className="analyst-current" data-testid="analyst-verdict">
        <AnalystBadge verdict={item.analystVerdict} />{' '}
        {item.analystVerdict && item.analystAt && (
          <span className="muted">
            {item.analystName
              ? t('mail.decidedAtBy', { time: formatDateTime(item.analystAt, locale), name: item.analystName })
              : t('mail.decidedAt', { time: formatDateTime(item.analystAt, locale) })}
          </span>
        )}
        {!item.analystVerdict && <span className="muted">{t('mail.noAnalystVerdict')}</span>}
      </p>
      {item.analystNote && !writable && <p className="analyst-note">{item.analystNote}</p>}
      {writable ? (
        <>
          <div className="field analyst-note-field">
            <label htmlFor={`${id}-note`}>
              {t('mail.note')} <span className="muted">{t('common.optional')}</span>
            </label>
            <textarea
              id={`${id}-note`}
              value={note}
              maxLength={NOTE_MAX}
              rows={2}
              aria-describedby={`${id}-note-hint`}
              onChange={(event) => setNote(event.target.value)}
            />
            <p id={`${id}-note-hint`} className="hint">
              {t('mail.noteHint')}
            </p>
          </div>
          <fieldset className="verdict-actions">
            <legend className="visually-hidden">{t('mail.analystTitle')}</legend>
            <button
              type="button"
              className="button-danger"
              aria-pressed={item.analystVerdict === 'phishing'}
              disabled={busy}
              onClick={() => void decide('phishing')}
            >
              {t('mail.markPhishing')}
            </button>
            <button
              type="button"
              className="button-ok"
              aria-pressed={item.analystVerdict === 'legitimate'}
              disabled={busy}
              onClick={() => void decide('legitimate')}
            >
              {t('mail.markLegitimate')}
            </button>
            {item.analystVerdict && (
              <button type="button" className="button-secondary" disabled={busy} onClick={() => void decide(null)}>
                {t('mail.withdraw')}
              </button>
            )}
          </fieldset>
          <p className="hint">{t('mail.verdictTeaches')}</p>
        </>
      ) : (
        <p className="hint">{t('mail.readOnlyVerdict')}</p>
      )}
      <StatusMessage status={status.status} />
    </section>
  );
}
