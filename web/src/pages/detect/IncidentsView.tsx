// Detect → Incidents: alerts grouped by entity and time, one tab per workflow state (kept in the address,
// so Back returns to the same tab), filtered by severity, most recent activity first.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES, type Severity } from '../../../../src/core/index.ts';
import { type DetectIncident, INCIDENT_STATUSES, type IncidentStatus, listDetectIncidents } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { CursorResults, useCursorPages } from './CursorPages.tsx';
import { SeverityBadge, StatusBadge } from './DetectParts.tsx';
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

function statusOf(value: string | null): IncidentStatus | '' {
  return INCIDENT_STATUSES.find((status) => status === value) ?? '';
}

export function IncidentsView() {
  const { t } = useTranslation();
  const id = useId();
  const tab = statusOf(useHashQuery().get('status'));
  const [severity, setSeverity] = useState<Severity | ''>('');
  const filters = { limit: PAGE_SIZE, ...(tab ? { status: tab } : {}), ...(severity ? { severity } : {}) };
  const pages = useCursorPages(
    (before) => listDetectIncidents(before ? { ...filters, before } : filters),
    [tab, severity],
  );
  const { page } = pages;

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
      <CursorResults
        pages={pages}
        empty={
          <EmptyState action={<a href={hrefFor(ALERTS_PATH)}>{t('detect.goAlerts')}</a>}>
            {tab || severity ? t('detect.incidentsEmptyFiltered') : t('detect.incidentsEmpty')}
          </EmptyState>
        }
      >
        {(items) => <IncidentTable items={items} />}
      </CursorResults>
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
