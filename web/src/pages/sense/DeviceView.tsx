// One Sense device: a chart per series (expected band, anomalies explained), a text summary and table for
// each, then the device's alerts.
import { lazy, Suspense, useCallback, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getSenseDevice, type SenseAlert, type SenseDevice, type SensePoint } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError } from '../../components/StatusMessage.tsx';
import { formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { useLoad } from '../../useLoad.ts';
import { AlertList, EvidenceList } from './AlertList.tsx';
import {
  alertForPoint,
  alertsByPoint,
  formatInstant,
  formatRange,
  formatRate,
  formatRelative,
  formatScore,
  formatValue,
  STATUS_BADGE,
  statusLabel,
} from './senseFormat.ts';

// ECharts is large: loaded only when a device page is first opened, not with the rest of the app.
const SenseChart = lazy(() => import('./SenseChart.tsx').then((module) => ({ default: module.SenseChart })));

/** The server keeps at most this many readings per series for the page. */
const MAX_POINTS = 5000;
/** Rows of the "all readings" table: enough to read around an anomaly, few enough to stay responsive. */
const TABLE_ROWS = 500;

export function DeviceView({ id }: { id: string }) {
  const { t } = useTranslation();
  const detail = useLoad(() => getSenseDevice(id), [id]);
  const data = detail.data;
  const alertIndex = useMemo(() => alertsByPoint(data?.alerts ?? []), [data]);

  return (
    <>
      <p className="breadcrumb">
        <a href={hrefFor('/sense')}>{t('sense.deviceBack')}</a>
      </p>
      <div className="page-heading">
        <h1>
          {data?.device.name ?? id}{' '}
          {data && (
            <span className={`${STATUS_BADGE[data.device.status]} heading-badge`}>
              {statusLabel(data.device.status, t)}
            </span>
          )}
        </h1>
        <button type="button" className="button-secondary" onClick={detail.reload} disabled={detail.loading}>
          {t('common.refresh')}
        </button>
      </div>
      {detail.error !== null && <LoadError error={detail.error} />}
      {detail.loading && !data && <p role="status">{t('common.loading')}</p>}
      {data && (
        <>
          <DeviceFacts device={data.device} />
          {data.series.length === 0 && <EmptyState>{t('sense.noSeries')}</EmptyState>}
          {data.series.map((series) => (
            <SeriesCard
              key={series.key}
              seriesKey={series.key}
              points={series.points}
              summary={data.device.series.find((item) => item.key === series.key)}
              threshold={data.alertThreshold}
              alertIndex={alertIndex}
            />
          ))}
          <section aria-labelledby="device-alerts">
            <h2 id="device-alerts" className="section-title">
              {t('sense.deviceAlerts')}
            </h2>
            {data.alerts.length === 0 ? (
              <EmptyState>{t('sense.deviceAlertsEmpty')}</EmptyState>
            ) : (
              <AlertList alerts={data.alerts} caption={t('sense.deviceAlerts')} showDevice={false} />
            )}
          </section>
        </>
      )}
    </>
  );
}

function DeviceFacts({ device }: { device: SenseDevice }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <dl className="facts sense-facts">
      <div>
        <dt>{t('sense.lastSeen')}</dt>
        <dd>
          <time dateTime={device.lastSeen}>{formatRelative(device.lastSeen, locale)}</time>{' '}
          <span className="muted">({formatInstant(device.lastSeen, locale)})</span>
        </dd>
      </div>
      <div>
        <dt>{t('sense.rate')}</dt>
        <dd>{device.ratePerMinute === null ? t('sense.rateUnknown') : formatRate(device.ratePerMinute, locale)}</dd>
      </div>
      <div>
        <dt>{t('sense.openAlerts')}</dt>
        <dd>{formatNumber(device.openAlerts, locale)}</dd>
      </div>
      <div>
        <dt>{t('sense.deviceFacts')}</dt>
        <dd>
          {t('sense.deviceIntro', {
            first: formatInstant(device.firstSeen, locale),
            messages: formatNumber(device.messages, locale),
          })}
        </dd>
      </div>
    </dl>
  );
}

interface SeriesProps {
  seriesKey: string;
  points: SensePoint[];
  summary: SenseDevice['series'][number] | undefined;
  threshold: number;
  alertIndex: Map<string, SenseAlert>;
}

function SeriesCard({ seriesKey, points, summary, threshold, alertIndex }: SeriesProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const [selected, setSelected] = useState<number | null>(null);
  const [tableShown, setTableShown] = useState(false);
  // Stable across renders so the chart is redrawn only when the data changes.
  const alertFor = useCallback(
    (point: SensePoint) => alertForPoint(alertIndex, seriesKey, point),
    [alertIndex, seriesKey],
  );
  const select = useCallback((index: number) => setSelected(index), []);
  const anomalies = useMemo(
    () => points.map((point, index) => ({ point, index })).filter(({ point }) => point.score >= threshold),
    [points, threshold],
  );
  const selectedPoint = selected === null ? undefined : points[selected];

  return (
    <section className="card series-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('sense.seriesTitle', { key: seriesKey })}</h2>
      {summary && (
        <p className="muted series-stats">
          {t('sense.seriesStats', {
            value: formatValue(summary.lastValue, locale),
            at: formatInstant(summary.lastAt, locale),
            min: formatValue(summary.min, locale),
            max: formatValue(summary.max, locale),
          })}
        </p>
      )}
      {points.length > 0 && (
        <>
          <Suspense fallback={<div className="sense-chart sense-chart-loading">{t('common.loading')}</div>}>
            <SenseChart
              points={points}
              threshold={threshold}
              alertFor={alertFor}
              onSelect={select}
              label={t('sense.chartLabel', { key: seriesKey })}
              describedBy={`${id}-summary`}
            />
          </Suspense>
          <p className="hint">{t('sense.chartHint')}</p>
        </>
      )}
      <p id={`${id}-summary`} className="chart-summary">
        {points.length === 0 ? t('sense.chartSummaryEmpty') : chartSummary(points, anomalies.length, threshold)}
        {points.length >= MAX_POINTS && ` ${t('sense.chartTruncated', { count: formatNumber(MAX_POINTS, locale) })}`}
      </p>
      <div className="status-region" aria-live="polite">
        {selectedPoint && (
          <Explanation point={selectedPoint} alert={alertFor(selectedPoint)} onClose={() => setSelected(null)} />
        )}
      </div>
      {points.length > 0 && (
        <>
          <button
            type="button"
            className="button-secondary button-small"
            aria-expanded={tableShown}
            aria-controls={`${id}-table`}
            onClick={() => setTableShown((shown) => !shown)}
          >
            {tableShown ? t('sense.hideTable') : t('sense.showTable')}
          </button>
          <div id={`${id}-table`} hidden={!tableShown}>
            {tableShown && (
              <SeriesTable
                seriesKey={seriesKey}
                points={points}
                threshold={threshold}
                anomalies={anomalies}
                alertFor={alertFor}
              />
            )}
          </div>
        </>
      )}
    </section>
  );

  function chartSummary(all: SensePoint[], anomalyCount: number, limit: number): string {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const point of all) {
      if (point.value < min) min = point.value;
      if (point.value > max) max = point.value;
    }
    return t('sense.chartSummary', {
      readings: formatNumber(all.length, locale),
      from: formatInstant(all[0]?.t ?? '', locale),
      to: formatInstant(all.at(-1)?.t ?? '', locale),
      min: formatValue(min, locale),
      max: formatValue(max, locale),
      anomalies: formatNumber(anomalyCount, locale),
      threshold: formatScore(limit, locale),
    });
  }
}

/** The explanation of the anomaly clicked on the chart: the alert it raised, or at least its score and range. */
function Explanation({
  point,
  alert,
  onClose,
}: {
  point: SensePoint;
  alert: SenseAlert | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="explanation" data-testid="anomaly-explanation">
      <div className="explanation-heading">
        <h3>{t('sense.explanationTitle', { time: formatInstant(point.t, locale) })}</h3>
        <button type="button" className="button-secondary button-small" onClick={onClose}>
          {t('sense.closeExplanation')}
        </button>
      </div>
      <p className="explanation-text">
        {t('sense.explanationScore', {
          value: formatValue(point.value, locale),
          score: formatScore(point.score, locale),
          range: formatRange(point, locale, t),
        })}
      </p>
      {alert ? (
        <>
          <p className="explanation-text">
            <span className={`severity severity-${alert.severity}`}>{t(`severities.${alert.severity}`)}</span>{' '}
            <strong>{alert.title[locale]}</strong>
          </p>
          <EvidenceList alert={alert} />
        </>
      ) : (
        <p className="explanation-text muted">{t('sense.explanationNoAlert')}</p>
      )}
    </div>
  );
}

function SeriesTable({
  seriesKey,
  points,
  threshold,
  anomalies,
  alertFor,
}: {
  seriesKey: string;
  points: SensePoint[];
  threshold: number;
  anomalies: { point: SensePoint; index: number }[];
  alertFor: (point: SensePoint) => SenseAlert | undefined;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const name = useId();
  const [onlyAnomalies, setOnlyAnomalies] = useState(true);
  // Most recent first: that is what people look for.
  const rows = onlyAnomalies
    ? [...anomalies].reverse()
    : points
        .slice(-TABLE_ROWS)
        .map((point, offset) => ({ point, index: points.length - Math.min(points.length, TABLE_ROWS) + offset }))
        .reverse();
  return (
    <div className="series-table">
      <fieldset className="table-choice">
        <legend className="visually-hidden">{t('sense.showTable')}</legend>
        <label className="checkbox">
          <input type="radio" name={name} checked={onlyAnomalies} onChange={() => setOnlyAnomalies(true)} />
          {t('sense.tableAnomaliesOnly')}
        </label>
        <label className="checkbox">
          <input type="radio" name={name} checked={!onlyAnomalies} onChange={() => setOnlyAnomalies(false)} />
          {t('sense.tableAll', { count: formatNumber(TABLE_ROWS, locale) })}
        </label>
      </fieldset>
      {rows.length === 0 ? (
        <EmptyState>{t('sense.noAnomalies')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="sense-table">
            <caption className="visually-hidden">
              {onlyAnomalies
                ? t('sense.tableCaptionAnomalies', { key: seriesKey })
                : t('sense.tableCaptionSeries', { key: seriesKey })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('sense.time')}</th>
                <th scope="col" className="cell-number">
                  {t('sense.value')}
                </th>
                <th scope="col">{t('sense.expectedRange')}</th>
                <th scope="col" className="cell-number">
                  {t('sense.score')}
                </th>
                <th scope="col">{t('sense.alertTitle')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ point, index }) => {
                const alert = alertFor(point);
                return (
                  <tr key={index} className={point.score >= threshold ? 'row-anomaly' : undefined}>
                    <th scope="row" className="cell-nowrap">
                      <time dateTime={point.t}>{formatInstant(point.t, locale)}</time>
                    </th>
                    <td className="cell-number">{formatValue(point.value, locale)}</td>
                    <td className="cell-nowrap">{formatRange(point, locale, t)}</td>
                    <td className="cell-number">{formatScore(point.score, locale)}</td>
                    <td className="alert-cell">
                      {alert ? (
                        <details className="audit-details evidence">
                          <summary>{alert.title[locale]}</summary>
                          <EvidenceList alert={alert} />
                        </details>
                      ) : (
                        t('common.none')
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
