// Mail → Triage: the queue of reported messages, newest first, filtered by verdict and status, paged backwards.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  listMailReports,
  MAIL_VERDICTS,
  type MailQueueItem,
  type MailQueueQuery,
  type MailVerdict,
  type MailVerdictCount,
} from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { VerdictBadge } from './MailAnalysisView.tsx';
import { formatScore, isMailVerdict, splitMailbox, triageHref, verdictLabel } from './mailFormat.ts';
import { AnalystBadge } from './TriageDetail.tsx';

const PAGE_SIZE = 50;

type StatusFilter = '' | 'open' | 'triaged';

interface Page {
  items: MailQueueItem[];
  counts: MailVerdictCount[];
  /** False once a page came back shorter than asked: nothing older is left. */
  more: boolean;
}

export function TriageList() {
  const { t } = useTranslation();
  const id = useId();
  const session = useSession();
  const [verdict, setVerdict] = useState<MailVerdict | ''>('');
  const [state, setState] = useState<StatusFilter>('open');
  const query: MailQueueQuery = {
    limit: PAGE_SIZE,
    ...(verdict ? { verdict } : {}),
    ...(state ? { status: state } : {}),
  };
  const page = useLoad<Page>(
    () => listMailReports(query).then((result) => ({ ...result, more: result.items.length === PAGE_SIZE })),
    [verdict, state],
  );
  const status = useStatus();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const filtered = verdict !== '' || state !== '';

  async function loadOlder(): Promise<void> {
    const last = page.data?.items.at(-1);
    if (!last) return;
    setLoadingOlder(true);
    status.clear();
    try {
      const older = await listMailReports({ ...query, before: last.id });
      // Appended below, so the rows already read stay where they were.
      page.setData((previous) => ({
        items: [...(previous?.items ?? []), ...older.items],
        counts: older.counts,
        more: older.items.length === PAGE_SIZE,
      }));
    } catch (error) {
      status.failure(error);
    } finally {
      setLoadingOlder(false);
    }
  }

  return (
    <>
      <div className="page-heading">
        <h1>{t('mail.triageTitle')}</h1>
        <button type="button" className="button-secondary" onClick={page.reload} disabled={page.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">{t('mail.triageIntro')}</p>
      {page.data && <Counts counts={page.data.counts} />}
      <form className="filter-bar" aria-label={t('mail.filters')} onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-verdict`}>{t('mail.filterVerdict')}</label>
          <select
            id={`${id}-verdict`}
            value={verdict}
            onChange={(event) => setVerdict(isMailVerdict(event.target.value) ? event.target.value : '')}
          >
            <option value="">{t('mail.filterAll')}</option>
            {MAIL_VERDICTS.map((value) => (
              <option key={value} value={value}>
                {verdictLabel(value, t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>{t('mail.filterStatus')}</label>
          <select
            id={`${id}-status`}
            value={state}
            onChange={(event) => {
              const value = event.target.value;
              setState(value === 'open' || value === 'triaged' ? value : '');
            }}
          >
            <option value="">{t('mail.filterAll')}</option>
            <option value="open">{t('mail.statusOpenPlural')}</option>
            <option value="triaged">{t('mail.statusTriagedPlural')}</option>
          </select>
        </div>
        {filtered && (
          <div className="button-row">
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                setVerdict('');
                setState('');
              }}
            >
              {t('mail.showAll')}
            </button>
          </div>
        )}
      </form>
      <StatusMessage status={status.status} />
      {page.error !== null && <LoadError error={page.error} />}
      {page.loading && !page.data && <p role="status">{t('common.loading')}</p>}
      {page.data && page.data.items.length === 0 && (
        <EmptyState
          action={can(session, 'mail:report') ? <a href={hrefFor('/mail')}>{t('mail.goReport')}</a> : undefined}
        >
          {filtered ? t('mail.triageEmptyFiltered') : t('mail.triageEmpty')}
        </EmptyState>
      )}
      {page.data && page.data.items.length > 0 && (
        <>
          <QueueTable items={page.data.items} />
          <div className="pager">
            {page.data.more ? (
              <button
                type="button"
                className="button-secondary"
                disabled={loadingOlder}
                onClick={() => void loadOlder()}
              >
                {loadingOlder ? t('common.loading') : t('mail.older')}
              </button>
            ) : (
              <p className="muted">{t('mail.noMore', { count: page.data.items.length })}</p>
            )}
          </div>
        </>
      )}
    </>
  );
}

/** Reported messages per engine verdict: how many still wait for an analyst, out of all. */
function Counts({ counts }: { counts: MailVerdictCount[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const byVerdict = new Map(counts.map((count) => [count.verdict, count]));
  return (
    <ul className="verdict-counts" aria-label={t('mail.countsLabel')}>
      {MAIL_VERDICTS.map((verdict) => {
        const count = byVerdict.get(verdict);
        return (
          <li key={verdict} className={`verdict-count verdict-count-${verdict}`}>
            <VerdictBadge verdict={verdict} />
            <span className="verdict-count-open">
              {t('mail.countOpen', { count: count?.open ?? 0, value: formatNumber(count?.open ?? 0, locale) })}
            </span>
            <span className="muted">
              {t('mail.countTotal', { count: count?.total ?? 0, value: formatNumber(count?.total ?? 0, locale) })}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function QueueTable({ items }: { items: MailQueueItem[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-wrap">
      <table className="mail-table">
        <caption className="visually-hidden">{t('mail.queueCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('mail.received')}</th>
            <th scope="col">{t('mail.from')}</th>
            <th scope="col">{t('mail.subject')}</th>
            <th scope="col">{t('mail.engineVerdict')}</th>
            <th scope="col" className="cell-number">
              {t('mail.score')}
            </th>
            <th scope="col">{t('mail.analystVerdict')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td className="cell-nowrap">
                <time dateTime={item.receivedAt}>{formatDateTime(item.receivedAt, locale)}</time>
              </td>
              <td className="cell-from">
                <Mailbox from={item.from} />
              </td>
              <th scope="row" className="cell-subject">
                <a href={triageHref(item.id)}>{item.subject || t('mail.noSubject')}</a>
              </th>
              <td>
                {isMailVerdict(item.verdict) ? <VerdictBadge verdict={item.verdict} /> : <code>{item.verdict}</code>}
              </td>
              <td className="cell-number">{formatScore(item.score, locale)}</td>
              <td>
                <AnalystBadge verdict={item.analystVerdict} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The sender's display name, then the address in small type: both matter, the address more. */
function Mailbox({ from }: { from: string }) {
  const { t } = useTranslation();
  if (!from) return <>{t('common.none')}</>;
  const { name, address } = splitMailbox(from);
  if (!name) return <span className="mailbox-address">{address}</span>;
  return (
    <>
      <span className="mailbox-name">{name}</span>
      <span className="cell-note mailbox-address">{address}</span>
    </>
  );
}
