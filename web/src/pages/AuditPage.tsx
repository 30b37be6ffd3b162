// Audit log: the tamper-evident trail, filtered by actor and action, paged backwards, with a chain check.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AuditEntry, type AuditQuery, type ChainCheck, listAudit, verifyAudit } from '../api.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { StatusMessage } from '../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { useLocale } from '../i18n.ts';
import { useStatus } from '../status.ts';
import { useLoad } from '../useLoad.ts';

const PAGE_SIZE = 50;

interface Filters {
  actor: string;
  action: string;
}

export function AuditPage() {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<Filters>({ actor: '', action: '' });
  const [filters, setFilters] = useState<Filters>({ actor: '', action: '' });
  const query: AuditQuery = { limit: PAGE_SIZE, actor: filters.actor, action: filters.action };
  const page = useLoad(() => listAudit(query), [filters.actor, filters.action]);
  const status = useStatus();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [chain, setChain] = useState<ChainCheck | null>(null);
  const [verifying, setVerifying] = useState(false);

  function apply(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setFilters({ actor: draft.actor.trim(), action: draft.action.trim() });
    status.clear();
  }

  function clearFilters(): void {
    setDraft({ actor: '', action: '' });
    setFilters({ actor: '', action: '' });
    status.clear();
  }

  async function loadOlder(before: number): Promise<void> {
    setLoadingOlder(true);
    try {
      const older = await listAudit({ ...query, before });
      // Appended below, so the entries already read stay where they were.
      page.setData((previous) => ({
        items: [...(previous?.items ?? []), ...older.items],
        nextBefore: older.nextBefore,
      }));
    } catch (error) {
      status.failure(error);
    } finally {
      setLoadingOlder(false);
    }
  }

  async function verify(): Promise<void> {
    setVerifying(true);
    setChain(null);
    status.clear();
    try {
      const result = await verifyAudit();
      setChain(result);
    } catch (error) {
      status.failure(error);
    } finally {
      setVerifying(false);
    }
  }

  const filtered = filters.actor !== '' || filters.action !== '';

  return (
    <>
      <div className="page-heading">
        <h1>{t('audit.title')}</h1>
        <button type="button" onClick={() => void verify()} disabled={verifying}>
          {verifying ? t('audit.verifying') : t('audit.verify')}
        </button>
      </div>
      <p className="page-intro">{t('audit.intro')}</p>
      <ChainResult chain={chain} />
      <StatusMessage status={status.status} />
      <form className="filter-bar" onSubmit={apply} aria-label={t('audit.filters')}>
        <div className="field">
          <label htmlFor={`${id}-actor`}>{t('audit.actor')}</label>
          <input
            id={`${id}-actor`}
            value={draft.actor}
            onChange={(event) => setDraft({ ...draft, actor: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-action`}>{t('audit.action')}</label>
          <input
            id={`${id}-action`}
            value={draft.action}
            onChange={(event) => setDraft({ ...draft, action: event.target.value })}
          />
        </div>
        <div className="button-row">
          <button type="submit">{t('audit.apply')}</button>
          <button
            type="button"
            className="button-secondary"
            onClick={clearFilters}
            disabled={!filtered && !draft.actor && !draft.action}
          >
            {t('audit.clear')}
          </button>
        </div>
      </form>
      {page.error !== null && <StatusMessage status={{ kind: 'error', error: page.error }} />}
      {page.loading && !page.data && <p role="status">{t('common.loading')}</p>}
      {page.data && page.data.items.length === 0 && (
        <EmptyState>{filtered ? t('audit.empty') : t('audit.emptyAll')}</EmptyState>
      )}
      {page.data && page.data.items.length > 0 && (
        <>
          <AuditTable entries={page.data.items} />
          <div className="pager">
            {page.data.nextBefore !== null ? (
              <button
                type="button"
                className="button-secondary"
                disabled={loadingOlder}
                onClick={() => {
                  if (page.data?.nextBefore != null) void loadOlder(page.data.nextBefore);
                }}
              >
                {loadingOlder ? t('common.loading') : t('audit.older')}
              </button>
            ) : (
              <p className="muted">{t('audit.noMore')}</p>
            )}
          </div>
        </>
      )}
    </>
  );
}

/** The outcome of the last chain check, in its own live region so it is announced when it arrives. */
function ChainResult({ chain }: { chain: ChainCheck | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="status-region" aria-live="polite" aria-atomic="true">
      {chain?.ok && (
        <div className="notice notice-success" data-testid="chain-result">
          <p>{t('audit.chainOk', { checked: formatNumber(chain.checked, locale) })}</p>
          {chain.head && chain.head.seq > 0 && (
            <p>
              {t('audit.chainHead')} <code className="head-anchor">{`${chain.head.seq}:${chain.head.hash}`}</code>
            </p>
          )}
        </div>
      )}
      {chain && !chain.ok && (
        <p className="notice notice-error" data-testid="chain-result">
          {chain.firstBad
            ? t('audit.chainBroken', {
                seq: chain.firstBad.seq,
                checked: formatNumber(chain.checked, locale),
                reason: chain.firstBad.message[locale],
              })
            : t('audit.chainBrokenUnknown', { checked: formatNumber(chain.checked, locale) })}
        </p>
      )}
    </div>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-wrap">
      <table className="audit-table">
        <caption className="visually-hidden">{t('audit.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.seq')}</th>
            <th scope="col">{t('audit.time')}</th>
            <th scope="col">{t('audit.actor')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.target')}</th>
            <th scope="col">{t('audit.requestId')}</th>
            <th scope="col">{t('audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.seq}>
              <th scope="row">{formatNumber(entry.seq, locale)}</th>
              <td>
                <time dateTime={entry.at}>{formatDateTime(entry.at, locale)}</time>
              </td>
              <td>{entry.actor ?? t('common.none')}</td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td className="cell-break">{entry.target ?? t('common.none')}</td>
              <td className="cell-break">{entry.requestId ? <code>{entry.requestId}</code> : t('common.none')}</td>
              <td>
                <Details details={entry.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Details({ details }: { details: unknown }) {
  const { t } = useTranslation();
  const empty =
    details === null ||
    details === undefined ||
    (typeof details === 'object' && Object.keys(details as object).length === 0);
  if (empty) return <span className="muted">{t('audit.noDetails')}</span>;
  return (
    <details className="audit-details">
      <summary>{t('audit.showDetails')}</summary>
      <pre>{JSON.stringify(details, null, 2)}</pre>
    </details>
  );
}
