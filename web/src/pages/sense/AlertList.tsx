// Sense alerts as a table: when, which device and series, how severe, what fired, and the evidence on demand.
import { useTranslation } from 'react-i18next';
import type { SenseAlert } from '../../api.ts';
import { useLocale } from '../../i18n.ts';
import { deviceHref, formatInstant, formatScore } from './senseFormat.ts';

interface Props {
  alerts: readonly SenseAlert[];
  caption: string;
  /** On a device's own page the device column would repeat the heading. */
  showDevice: boolean;
  /** Names the alert rows by id, so a chart point can scroll to the alert it raised. */
  idPrefix?: string;
}

export function AlertList({ alerts, caption, showDevice, idPrefix }: Props) {
  const { t } = useTranslation();
  const locale = useLocale();
  // Newest first, whatever order the server used.
  const sorted = [...alerts].sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());
  return (
    <div className="table-wrap">
      <table className="sense-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('sense.alertTime')}</th>
            {showDevice && <th scope="col">{t('sense.alertDevice')}</th>}
            <th scope="col">{t('sense.alertSeverity')}</th>
            <th scope="col">{t('sense.alertTitle')}</th>
            <th scope="col" className="cell-number">
              {t('sense.alertScore')}
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((alert) => (
            <tr key={alert.id} id={idPrefix ? `${idPrefix}${alert.id}` : undefined}>
              <td className="cell-nowrap">
                <time dateTime={alert.at}>{formatInstant(alert.at, locale)}</time>
              </td>
              {showDevice && (
                <td>
                  <a href={deviceHref(alert.device)}>{alert.device}</a>
                  {alert.series && <span className="cell-note">{alert.series}</span>}
                </td>
              )}
              <td>
                <span className={`severity severity-${alert.severity}`}>{t(`severities.${alert.severity}`)}</span>
              </td>
              <td className="alert-cell">
                <span className="finding-title">{alert.title[locale]}</span>
                {!showDevice && alert.series && <span className="cell-note">{alert.series}</span>}
                <Evidence alert={alert} />
              </td>
              <td className="cell-number">{formatScore(alert.score, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Evidence({ alert }: { alert: SenseAlert }) {
  const { t } = useTranslation();
  if (alert.evidence.length === 0) return <span className="cell-note">{t('sense.noEvidence')}</span>;
  return (
    <details className="audit-details evidence">
      <summary>{t('sense.evidence', { count: alert.evidence.length })}</summary>
      <EvidenceList alert={alert} />
    </details>
  );
}

/** Strongest evidence first: it says which part of the score fired. */
export function EvidenceList({ alert }: { alert: SenseAlert }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const items = [...alert.evidence].sort((a, b) => b.weight - a.weight);
  return (
    <ul className="evidence-list">
      {items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: one alert may carry the same code twice; the order is fixed.
        <li key={`${item.code}-${index}`}>
          {item.message[locale]}{' '}
          <span className="muted">
            (<code>{item.code}</code>, {t('sense.weight', { weight: formatScore(item.weight, locale) })})
          </span>
        </li>
      ))}
    </ul>
  );
}
