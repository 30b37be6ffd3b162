// Sense devices: every device seen, its status and activity, each linking to its charts; or how to send data.
import { useTranslation } from 'react-i18next';
import { listSenseDevices, type SenseDevice } from '../../api.ts';
import { LoadError } from '../../components/StatusMessage.tsx';
import { formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { can, useSession } from '../../session.ts';
import { useLoad } from '../../useLoad.ts';
import { markers, WithCode } from './RichText.tsx';
import {
  deviceHref,
  formatInstant,
  formatRate,
  formatRelative,
  formatScore,
  STATUS_BADGE,
  statusLabel,
} from './senseFormat.ts';
import { useAutoReload } from './useAutoReload.ts';

export function DevicesView() {
  const { t } = useTranslation();
  const locale = useLocale();
  const devices = useLoad(listSenseDevices, []);
  const now = useAutoReload(devices.reload);
  const data = devices.data;

  return (
    <>
      <div className="page-heading">
        <h1>{t('sense.devicesTitle')}</h1>
        <button type="button" className="button-secondary" onClick={devices.reload} disabled={devices.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">
        {t('sense.devicesIntro', { threshold: data ? formatScore(data.alertThreshold, locale) : '…' })}
      </p>
      {devices.error !== null && <LoadError error={devices.error} />}
      {devices.loading && !data && <p role="status">{t('common.loading')}</p>}
      {data && data.items.length === 0 && <HowToSend />}
      {data && data.items.length > 0 && (
        <>
          <DeviceTable devices={data.items} now={now} />
          {data.more && (
            <p className="hint" role="status">
              {t('sense.devicesTruncated', { count: formatNumber(data.items.length, locale) })}
            </p>
          )}
          <p className="hint">{t('sense.statusLegend')}</p>
        </>
      )}
    </>
  );
}

function DeviceTable({ devices, now }: { devices: SenseDevice[]; now: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-wrap">
      <table className="sense-table">
        <caption className="visually-hidden">{t('sense.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('sense.name')}</th>
            <th scope="col">{t('sense.status')}</th>
            <th scope="col">{t('sense.lastSeen')}</th>
            <th scope="col" className="cell-number">
              {t('sense.rate')}
            </th>
            <th scope="col" className="cell-number">
              {t('sense.seriesCount')}
            </th>
            <th scope="col" className="cell-number">
              {t('sense.openAlerts')}
            </th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => (
            <tr key={device.id}>
              <th scope="row">
                <a href={deviceHref(device.id)}>{device.name}</a>
                {device.series.length > 0 && (
                  <span className="cell-note">{device.series.map((series) => series.key).join(', ')}</span>
                )}
              </th>
              <td>
                <span className={STATUS_BADGE[device.status]}>{statusLabel(device.status, t)}</span>
              </td>
              <td className="cell-nowrap">
                <time dateTime={device.lastSeen}>{formatRelative(device.lastSeen, locale, now)}</time>
                <span className="cell-note">{formatInstant(device.lastSeen, locale)}</span>
              </td>
              <td className="cell-number">
                {device.ratePerMinute === null ? (
                  <>
                    <span aria-hidden="true">—</span>
                    <span className="visually-hidden">{t('sense.rateUnknown')}</span>
                  </>
                ) : (
                  formatRate(device.ratePerMinute, locale)
                )}
              </td>
              <td className="cell-number">{formatNumber(device.series.length, locale)}</td>
              <td className={device.openAlerts > 0 ? 'cell-number cell-alert' : 'cell-number'}>
                {formatNumber(device.openAlerts, locale)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The empty state: the three ways in, with the exact topic, route and command to use. */
function HowToSend() {
  const { t } = useTranslation();
  const session = useSession();
  return (
    <div className="empty-state sense-empty">
      <p>
        <strong>{t('sense.emptyTitle')}</strong> {t('sense.emptyIntro')}
      </p>
      <ul>
        <li>
          <WithCode
            text={t('sense.emptyMqtt', markers('topic', 'json'))}
            code={{
              topic: 'vigie/sense/<device>/<series>',
              json: '{"value": 21.5, "timestamp": "2024-01-01T00:00:00Z"}',
            }}
          />
        </li>
        <li>
          <WithCode
            text={t('sense.emptyHttp', markers('path', 'body', 'scope'))}
            code={{
              path: '/api/sense/readings',
              body: '{"readings": [{"device": "boiler-1", "series": "temperature", "timestamp": "2024-01-01T00:00:00Z", "value": 21.5}]}',
              scope: 'sense:write',
            }}
          />
        </li>
        <li>
          <WithCode
            text={t('sense.emptyCsv', markers('command'))}
            code={{ command: 'vigie sense import FILE.csv --device NAME --series NAME' }}
          />
        </li>
      </ul>
      {can(session, 'sense:write') && (
        <p className="empty-state-action">
          <a href={hrefFor('/admin/tokens')}>{t('sense.goTokens')}</a>
        </p>
      )}
    </div>
  );
}
