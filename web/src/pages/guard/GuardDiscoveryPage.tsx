// Guard → Shadow AI: upload a proxy or DNS log (administrators), then read who uses which generative-AI services,
// per user and per department, with unsanctioned use highlighted, and download the report as CSV.
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type GuardDiscovery,
  type GuardServiceUsage,
  getGuardDiscovery,
  guardDiscoveryCsvHref,
  importGuardLog,
  listGuardDiscoveries,
} from '../../api.ts';
import { StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';

function Services({ services }: { services: readonly GuardServiceUsage[] }) {
  const { t } = useTranslation();
  return (
    <ul className="chip-list">
      {services.map((s) => (
        <li key={s.service}>
          {s.sanctioned ? (
            <span className="badge">{s.name}</span>
          ) : (
            <span className="badge badge-bad" title={t('guard.unsanctioned')}>
              {s.name} <span className="visually-hidden">({t('guard.unsanctionedMark')})</span>⚠
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function GuardDiscoveryPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const id = useId();
  const status = useStatus();
  const file = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const reports = useLoad(() => listGuardDiscoveries(), []);
  const current = selected ?? reports.data?.[0]?.id ?? null;
  const report = useLoad<GuardDiscovery | null>(
    () => (current ? getGuardDiscovery(current) : Promise.resolve(null)),
    [current],
  );

  async function upload(event: FormEvent): Promise<void> {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return;
    setBusy(true);
    status.clear();
    try {
      const imported = await importGuardLog(chosen, chosen.name.slice(0, 200) || 'upload.log');
      status.success((tr) =>
        tr('guard.imported', { matched: imported.matched, records: imported.records, invalid: imported.invalid }),
      );
      setSelected(imported.id);
      reports.reload();
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  const data = report.data;
  return (
    <>
      <div className="page-heading">
        <h1>{t('guard.discoveryTitle')}</h1>
      </div>
      <p className="page-intro">{t('guard.discoveryIntro')}</p>
      {can(session, 'guard:settings') && (
        <section className="card">
          <form className="form-stack" onSubmit={(event) => void upload(event)}>
            <div className="field">
              <label htmlFor={`${id}-file`}>{t('guard.upload')}</label>
              <input id={`${id}-file`} ref={file} type="file" />
            </div>
            <div className="form-actions">
              <button type="submit" disabled={busy}>
                {busy ? t('guard.importing') : t('guard.import')}
              </button>
            </div>
          </form>
          <StatusMessage status={status.status} />
        </section>
      )}
      <section className="card">
        <h2>{t('guard.reports')}</h2>
        {(reports.data ?? []).length === 0 ? (
          <p className="muted">{t('guard.noReport')}</p>
        ) : (
          <div className="field" style={{ maxWidth: '40rem' }}>
            <label htmlFor={`${id}-report`}>{t('guard.report')}</label>
            <select id={`${id}-report`} value={current ?? ''} onChange={(event) => setSelected(event.target.value)}>
              {(reports.data ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {formatDateTime(r.createdAt, locale)} — {r.filename} ({r.matched}/{r.records})
                </option>
              ))}
            </select>
          </div>
        )}
        {data && (
          <p>
            <a className="button-link" href={guardDiscoveryCsvHref(data.id)} download>
              {t('guard.csv')}
            </a>
          </p>
        )}
      </section>
      {data && (
        <>
          <section className="card" data-testid="guard-discovery-users">
            <h2>{t('guard.perUser')}</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('guard.user')}</th>
                    <th scope="col">{t('guard.department')}</th>
                    <th scope="col">{t('guard.services')}</th>
                    <th scope="col" className="cell-number">
                      {t('guard.requests')}
                    </th>
                    <th scope="col" className="cell-number">
                      {t('guard.unsanctioned')}
                    </th>
                    <th scope="col" className="cell-number">
                      {t('guard.bytesOut')}
                    </th>
                    <th scope="col">{t('guard.firstSeen')}</th>
                    <th scope="col">{t('guard.lastSeen')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.report.users.map((u) => (
                    <tr key={u.user} className={u.unsanctionedRequests > 0 ? 'row-warn' : undefined}>
                      <th scope="row">{u.user}</th>
                      <td>{u.department ?? '—'}</td>
                      <td>
                        <Services services={u.services} />
                      </td>
                      <td className="cell-number">{formatNumber(u.requests, locale)}</td>
                      <td className="cell-number">
                        {u.unsanctionedRequests > 0 ? (
                          <strong>{formatNumber(u.unsanctionedRequests, locale)}</strong>
                        ) : (
                          0
                        )}
                      </td>
                      <td className="cell-number">{formatNumber(u.bytesOut, locale)}</td>
                      <td>{formatDateTime(u.firstSeen, locale)}</td>
                      <td>{formatDateTime(u.lastSeen, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" data-testid="guard-discovery-departments">
            <h2>{t('guard.perDepartment')}</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('guard.department')}</th>
                    <th scope="col" className="cell-number">
                      {t('guard.users')}
                    </th>
                    <th scope="col">{t('guard.services')}</th>
                    <th scope="col" className="cell-number">
                      {t('guard.requests')}
                    </th>
                    <th scope="col" className="cell-number">
                      {t('guard.unsanctioned')}
                    </th>
                    <th scope="col" className="cell-number">
                      {t('guard.bytesOut')}
                    </th>
                    <th scope="col">{t('guard.lastSeen')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.report.departments.map((d) => (
                    <tr key={d.department}>
                      <th scope="row">{d.department}</th>
                      <td className="cell-number">{d.users}</td>
                      <td>
                        <Services services={d.services} />
                      </td>
                      <td className="cell-number">{formatNumber(d.requests, locale)}</td>
                      <td className="cell-number">{formatNumber(d.unsanctionedRequests, locale)}</td>
                      <td className="cell-number">{formatNumber(d.bytesOut, locale)}</td>
                      <td>{formatDateTime(d.lastSeen, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}
