// Guard → Dashboard: a "try a prompt" box for everyone who may use Guard, and for readers the decisions counted
// by action, finding type, department and service, their trend per day, and the latest ones (masked values only).
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type GuardCounts, type GuardScanResult, getGuardDashboard, scanGuardText } from '../../api.ts';
import { StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { CHART_ACTIONS, GuardTrendChart } from './GuardChart.tsx';

export function GuardDashboardPage() {
  const { t } = useTranslation();
  const session = useSession();
  return (
    <>
      <div className="page-heading">
        <h1>{t('guard.dashboardTitle')}</h1>
      </div>
      <p className="page-intro">{t('guard.dashboardIntro')}</p>
      {can(session, 'guard:use') && <TryPrompt />}
      {can(session, 'guard:read') && <Dashboard />}
    </>
  );
}

/** Guard → Try a prompt: for every employee who may use Guard (the dashboard itself needs guard:read). */
export function GuardTryPage() {
  const { t } = useTranslation();
  return (
    <>
      <div className="page-heading">
        <h1>{t('guard.tryTitle')}</h1>
      </div>
      <TryPrompt />
    </>
  );
}

function TryPrompt() {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const status = useStatus();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<GuardScanResult | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    status.clear();
    try {
      setResult(await scanGuardText(text));
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="guard-try">
      <h2 id={`${id}-title`}>{t('guard.tryTitle')}</h2>
      <p>{t('guard.tryIntro')}</p>
      <form className="form-stack" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-text`}>{t('guard.tryLabel')}</label>
          <textarea id={`${id}-text`} rows={4} value={text} onChange={(event) => setText(event.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy || text.trim().length === 0}>
            {busy ? t('guard.trying') : t('guard.tryButton')}
          </button>
        </div>
      </form>
      <StatusMessage status={status.status} />
      {result && (
        <div data-testid="guard-result" aria-live="polite">
          <h3>{t('guard.result', { action: t(`guard.actions.${result.action}`) })}</h3>
          {result.findings.length === 0 ? (
            <p className="muted">{t('guard.noFinding')}</p>
          ) : (
            <ul>
              {result.findings.map((f) => (
                <li key={`${f.start}-${f.type}`}>
                  <code>{f.type}</code> <code>{f.masked}</code> — {t(`guard.actions.${f.action}`)}
                </li>
              ))}
            </ul>
          )}
          {result.rewritten !== null && (
            <>
              <h4>{t('guard.rewritten')}</h4>
              <pre className="guard-rewritten" style={{ whiteSpace: 'pre-wrap' }}>
                {result.rewritten}
              </pre>
            </>
          )}
          <h4>{t('guard.reasons')}</h4>
          <ul>
            {result.reasons.map((r) => (
              <li key={`${r.code}-${r.en}`}>{r[locale]}</li>
            ))}
          </ul>
          <p className="muted">{t('guard.injection', { score: result.injection.score.toFixed(2) })}</p>
        </div>
      )}
    </section>
  );
}

function CountsTable({ title, rows, testId }: { title: string; rows: readonly GuardCounts[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t('guard.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('guard.key')}</th>
                {CHART_ACTIONS.map((a) => (
                  <th scope="col" key={a} className="cell-number">
                    {t(`guard.actions.${a}`)}
                  </th>
                ))}
                <th scope="col" className="cell-number">
                  {t('guard.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">
                    <code>{row.key}</code>
                  </th>
                  {CHART_ACTIONS.map((a) => (
                    <td key={a} className="cell-number">
                      {row[a]}
                    </td>
                  ))}
                  <td className="cell-number">{row.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Dashboard() {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const [days, setDays] = useState(30);
  const loaded = useLoad(() => getGuardDashboard(days), [days]);
  const data = loaded.data;
  return (
    <>
      <div className="field" style={{ maxWidth: '16rem' }}>
        <label htmlFor={`${id}-days`}>{t('guard.days')}</label>
        <select id={`${id}-days`} value={days} onChange={(event) => setDays(Number(event.target.value))}>
          {[7, 30, 90].map((n) => (
            <option key={n} value={n}>
              {t('guard.lastDays', { count: n })}
            </option>
          ))}
        </select>
      </div>
      {loaded.error !== null && <StatusMessage status={{ kind: 'error', error: loaded.error }} />}
      {data && (
        <>
          <section className="card" aria-labelledby={`${id}-totals`}>
            <h2 id={`${id}-totals`}>{t('guard.totals')}</h2>
            <dl className="stats" data-testid="guard-totals">
              {CHART_ACTIONS.map((a) => (
                <div key={a} data-testid={`guard-total-${a}`}>
                  <dt>{t(`guard.actions.${a}`)}</dt>
                  <dd>{data.totals[a]}</dd>
                </div>
              ))}
            </dl>
            <h3 id={`${id}-trend`}>{t('guard.trend')}</h3>
            <GuardTrendChart trend={data.trend} describedBy={`${id}-trend`} />
          </section>
          {/* One table per row: five columns of counts do not fit in a third of the page. */}
          <CountsTable title={t('guard.byType')} rows={data.byType} testId="guard-by-type" />
          <CountsTable title={t('guard.byDepartment')} rows={data.byDepartment} testId="guard-by-department" />
          <CountsTable title={t('guard.byService')} rows={data.byService} testId="guard-by-service" />
          <section className="card" data-testid="guard-latest">
            <h2>{t('guard.latest')}</h2>
            {data.latest.length === 0 ? (
              <p className="muted">{t('guard.none')}</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('guard.at')}</th>
                      <th scope="col">{t('guard.user')}</th>
                      <th scope="col">{t('guard.service')}</th>
                      <th scope="col">{t('guard.action')}</th>
                      <th scope="col">{t('guard.findings')}</th>
                      <th scope="col">{t('guard.reasons')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.latest.map((d) => (
                      <tr key={d.id}>
                        <td>{formatDateTime(d.at, locale)}</td>
                        <td>
                          {d.username ?? '—'}
                          {d.department ? <span className="muted"> ({d.department})</span> : null}
                        </td>
                        <td>{d.service}</td>
                        <td>{t(`guard.actions.${d.action}`)}</td>
                        <td>
                          {d.findings.slice(0, 5).map((f) => (
                            <div key={`${f.type}-${f.masked}`}>
                              <code>{f.type}</code> <code>{f.masked}</code>
                            </div>
                          ))}
                        </td>
                        <td>
                          {d.reasons
                            .slice(1, 3)
                            .map((r) => r[locale])
                            .join(' ')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
