// Detect → Alerts: every alert the rules, correlations and behavioural detectors raised, newest first,
// filtered by status, severity, kind and age, paged backwards with the server's cursor.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES, type Severity } from '../../../../src/core/index.ts';
import {
  DETECT_ALERT_KINDS,
  type DetectAlert,
  type DetectAlertKind,
  type DetectAlertQuery,
  listDetectAlerts,
} from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useLocale } from '../../i18n.ts';
import { CursorResults, useCursorPages } from './CursorPages.tsx';
import { EntityChips, SeverityBadge, TechniqueIds } from './DetectParts.tsx';
import { formatInstant, incidentHref, kindLabel } from './detectFormat.ts';

const PAGE_SIZE = 50;

const SINCE = { '': 0, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
type Since = keyof typeof SINCE;
const SINCE_VALUES = Object.keys(SINCE) as Since[];

type StatusFilter = '' | 'open' | 'triaged';

function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

function isKind(value: string): value is DetectAlertKind {
  return (DETECT_ALERT_KINDS as readonly string[]).includes(value);
}

export function AlertsView() {
  const { t } = useTranslation();
  const id = useId();
  const [state, setState] = useState<StatusFilter>('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [kind, setKind] = useState<DetectAlertKind | ''>('');
  const [since, setSince] = useState<Since>('');
  const filters = (): DetectAlertQuery => ({
    limit: PAGE_SIZE,
    ...(state ? { status: state } : {}),
    ...(severity ? { severity } : {}),
    ...(kind ? { kind } : {}),
    // Relative to the moment of asking: "last hour" means the hour before this click.
    ...(since ? { since: new Date(Date.now() - SINCE[since]).toISOString() } : {}),
  });
  const pages = useCursorPages(
    (before) => listDetectAlerts(before ? { ...filters(), before } : filters()),
    [state, severity, kind, since],
  );
  const { page } = pages;
  const filtered = state !== '' || severity !== '' || kind !== '' || since !== '';

  return (
    <>
      <div className="page-heading">
        <h1>{t('detect.alertsTitle')}</h1>
        <button type="button" className="button-secondary" onClick={page.reload} disabled={page.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">{t('detect.alertsIntro')}</p>
      <form className="filter-bar" aria-label={t('detect.filters')} onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={`${id}-status`}>{t('detect.filterStatus')}</label>
          <select
            id={`${id}-status`}
            value={state}
            onChange={(event) => {
              const value = event.target.value;
              setState(value === 'open' || value === 'triaged' ? value : '');
            }}
          >
            <option value="">{t('detect.filterAll')}</option>
            <option value="open">{t('detect.alertOpenPlural')}</option>
            <option value="triaged">{t('detect.alertTriagedPlural')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-severity`}>{t('detect.filterSeverity')}</label>
          <select
            id={`${id}-severity`}
            value={severity}
            onChange={(event) => setSeverity(isSeverity(event.target.value) ? event.target.value : '')}
          >
            <option value="">{t('detect.filterAll')}</option>
            {SEVERITIES.map((value) => (
              <option key={value} value={value}>
                {t(`severities.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>{t('detect.filterKind')}</label>
          <select
            id={`${id}-kind`}
            value={kind}
            onChange={(event) => setKind(isKind(event.target.value) ? event.target.value : '')}
          >
            <option value="">{t('detect.filterAll')}</option>
            {DETECT_ALERT_KINDS.map((value) => (
              <option key={value} value={value}>
                {kindLabel(value, t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-since`}>{t('detect.filterSince')}</label>
          <select
            id={`${id}-since`}
            value={since}
            onChange={(event) => {
              const value = event.target.value;
              setSince(SINCE_VALUES.find((known) => known === value) ?? '');
            }}
          >
            {SINCE_VALUES.map((value) => (
              <option key={value} value={value}>
                {t(`detect.since.${value === '' ? 'any' : value}`)}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <div className="button-row">
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                setState('');
                setSeverity('');
                setKind('');
                setSince('');
              }}
            >
              {t('detect.showAll')}
            </button>
          </div>
        )}
      </form>
      <CursorResults
        pages={pages}
        empty={<EmptyState>{filtered ? t('detect.alertsEmptyFiltered') : t('detect.alertsEmpty')}</EmptyState>}
      >
        {(items) => <AlertTable items={items} />}
      </CursorResults>
    </>
  );
}

function AlertTable({ items }: { items: DetectAlert[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-wrap">
      <table className="detect-table">
        <caption className="visually-hidden">{t('detect.alertsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('detect.colTime')}</th>
            <th scope="col">{t('detect.colSeverity')}</th>
            <th scope="col">{t('detect.colAlert')}</th>
            <th scope="col">{t('detect.colEntities')}</th>
            <th scope="col">{t('detect.colAttack')}</th>
            <th scope="col">{t('detect.colIncident')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((alert) => (
            <tr key={alert.id}>
              <td className="cell-nowrap">
                <time dateTime={alert.lastTime}>{formatInstant(alert.lastTime, locale)}</time>
              </td>
              <td>
                <SeverityBadge severity={alert.severity} />
              </td>
              <th scope="row" className="detect-cell-title">
                <span className="finding-title">{alert.title[locale]}</span>
                <span className="cell-note">
                  {kindLabel(alert.kind, t)} ·{' '}
                  {alert.verdict === 'true_positive'
                    ? t('detect.verdictTruePositive')
                    : alert.verdict === 'false_positive'
                      ? t('detect.verdictFalsePositive')
                      : t('detect.alertOpen')}
                </span>
              </th>
              <td>
                <EntityChips entities={alert.entities} max={3} />
              </td>
              <td>
                <TechniqueIds attack={alert.attack} />
              </td>
              <td className="cell-nowrap">
                <a href={incidentHref(alert.incidentId)}>
                  {t('detect.openIncident')}
                  <span className="visually-hidden"> {t('detect.openIncidentOf', { title: alert.title[locale] })}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
