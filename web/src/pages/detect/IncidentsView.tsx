// Detect → Incidents: alerts grouped by entity and time, one tab per workflow state (kept in the address,
// so Back returns to the same tab), filtered by severity, most recent activity first.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES, type Severity } from '../../../../src/core/index.ts';
import { type DetectIncident, INCIDENT_STATUSES, type IncidentStatus, listDetectIncidents } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { Pager, SeverityBadge, StatusBadge } from './DetectParts.tsx';
import {
  ALERTS_PATH,
  entityKindLabel,
  formatInstant,
  incidentHref,
  incidentsHref,
  statusLabel,
  useHashQuery,
} from './detectFormat.ts';

const PAGE_SIZE = 50;

interface Page {
  items: DetectIncident[];
  next: string | null;
}

function statusOf(value: string | null): IncidentStatus | '' {
  return INCIDENT_STATUSES.find((status) => status === value) ?? '';
}

export function IncidentsView() {
  const { t } = useTranslation();
  const id = useId();
  const tab = statusOf(useHashQuery().get('status'));
  const [severity, setSeverity] = useState<Severity | ''>('');
  const filters = { limit: PAGE_SIZE, ...(tab ? { status: tab } : {}), ...(severity ? { severity } : {}) };
  const page = useLoad<Page>(
    () => listDetectIncidents(filters).then((result) => ({ items: result.items, next: result.nextCursor })),
    [tab, severity],
  );
  const status = useStatus();
  const [loadingOlder, setLoadingOlder] = useState(false);

  async function loadOlder(): Promise<void> {
    const cursor = page.data?.next;
    if (!cursor) return;
    setLoadingOlder(true);
    status.clear();
    try {
      const older = await listDetectIncidents({ ...filters, before: cursor });
      page.setData((previous) => ({ items: [...(previous?.items ?? []), ...older.items], next: older.nextCursor }));
    } catch (error) {
      status.failure(error);
    } finally {
      setLoadingOlder(false);
    }
  }

  const tabs: { value: IncidentStatus | ''; label: string }[] = [
    { value: '', label: t('detect.tabAll') },
    ...INCIDENT_STATUSES.map((value) => ({ value, label: statusLabel(value, t) })),
  ];

  return (
    <>
      <div className="page-heading">
        <h1>{t('detect.incidentsTitle')}</h1>
        <button type="button" className="button-secondary" onClick={page.reload} disabled={page.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">{t('detect.incidentsIntro')}</p>
      <nav className="sub-nav" aria-label={t('detect.statusTabs')}>
        <ul>
          {tabs.map((item) => (
            <li key={item.value || 'all'}>
              <a
                className="sub-nav-link"
                href={incidentsHref(item.value)}
                aria-current={item.value === tab ? 'page' : undefined}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form className="filter-bar" aria-label={t('detect.filters')} onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-severity`}>{t('detect.filterSeverity')}</label>
          <select
            id={`${id}-severity`}
            value={severity}
            onChange={(event) => {
              const value = event.target.value;
              setSeverity(SEVERITIES.find((known) => known === value) ?? '');
            }}
          >
            <option value="">{t('detect.filterAll')}</option>
            {SEVERITIES.map((value) => (
              <option key={value} value={value}>
                {t(`severities.${value}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <StatusMessage status={status.status} />
      {page.error !== null && <LoadError error={page.error} />}
      {page.loading && !page.data && <p role="status">{t('common.loading')}</p>}
      {page.data && page.data.items.length === 0 && (
        <EmptyState action={<a href={hrefFor(ALERTS_PATH)}>{t('detect.goAlerts')}</a>}>
          {tab || severity ? t('detect.incidentsEmptyFiltered') : t('detect.incidentsEmpty')}
        </EmptyState>
      )}
      {page.data && page.data.items.length > 0 && (
        <>
          <IncidentTable items={page.data.items} />
          <Pager
            more={page.data.next !== null}
            loading={loadingOlder}
            count={page.data.items.length}
            onMore={() => void loadOlder()}
          />
        </>
      )}
    </>
  );
}

function IncidentTable({ items }: { items: DetectIncident[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-wrap">
      <table className="detect-table">
        <caption className="visually-hidden">{t('detect.incidentsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('detect.colSeverity')}</th>
            <th scope="col">{t('detect.colIncidentTitle')}</th>
            <th scope="col">{t('detect.colEntity')}</th>
            <th scope="col">{t('detect.colStatus')}</th>
            <th scope="col" className="cell-number">
              {t('detect.colAlerts')}
            </th>
            <th scope="col">{t('detect.colSpan')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((incident) => (
            <tr key={incident.id}>
              <td>
                <SeverityBadge severity={incident.severity} />
              </td>
              <th scope="row" className="detect-cell-title">
                <a href={incidentHref(incident.id)}>{incident.title[locale]}</a>
                {incident.assignee && (
                  <span className="cell-note">{t('detect.assignedTo', { name: incident.assignee })}</span>
                )}
              </th>
              <td>
                <span className="detect-entity">
                  <span className="detect-entity-kind">{entityKindLabel(incident.entity.kind, t)}</span>
                  <code>{incident.entity.value || t('common.none')}</code>
                </span>
              </td>
              <td>
                <StatusBadge status={incident.status} resolution={incident.resolution} />
              </td>
              <td className="cell-number">{formatNumber(incident.alertCount, locale)}</td>
              <td>
                <time dateTime={incident.firstTime}>{formatInstant(incident.firstTime, locale)}</time>
                <span className="cell-note">
                  {t('detect.until')}{' '}
                  <time dateTime={incident.lastTime}>{formatInstant(incident.lastTime, locale)}</time>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
