// Learn → one campaign: what it sends to whom and when, the actions its status allows (launch, pause, resume,
// cancel — learn:manage only), its results per department, every click judged human or bot with the reasons,
// and the results as CSV.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  changeLearnCampaign,
  getLearnCampaign,
  type LearnCampaignAction,
  type LearnCampaignDetail,
  learnResultsCsvHref,
  listLearnClicks,
} from '../../api.ts';
import { ConfirmPanel } from '../../components/ConfirmPanel.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { CampaignStatus } from './CampaignsView.tsx';
import { ACTIONS_BY_STATUS, CAMPAIGNS_PATH, formatPercent, isCampaignStatus, weekdayLabel } from './learnFormat.ts';
import { OverallStats, RatesTable } from './ProgrammeView.tsx';
import './learn.css';

export function CampaignView({ id }: { id: string }) {
  const { t } = useTranslation();
  const loaded = useLoad(() => getLearnCampaign(id), [id]);
  return (
    <>
      <p className="learn-back">
        <a href={hrefFor(CAMPAIGNS_PATH)}>{t('learn.backToCampaigns')}</a>
      </p>
      {!loaded.data && <h1>{t('learn.campaign')}</h1>}
      {loaded.error !== null && <LoadError error={loaded.error} />}
      {loaded.loading && !loaded.data && <p role="status">{t('common.loading')}</p>}
      {loaded.data && <Campaign campaign={loaded.data} onChanged={loaded.reload} />}
    </>
  );
}

function Campaign({ campaign, onChanged }: { campaign: LearnCampaignDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const manage = can(session, 'learn:manage');
  const status = useStatus();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const actions = isCampaignStatus(campaign.status) ? ACTIONS_BY_STATUS[campaign.status] : [];
  const window = campaign.schedule.window;

  async function act(action: LearnCampaignAction): Promise<void> {
    setBusy(true);
    status.clear();
    try {
      await changeLearnCampaign(campaign.id, action);
      status.success((tr) => tr(`learn.changed.${action}`));
      setConfirming(false);
      onChanged();
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="page-heading">
        <h1>{campaign.name}</h1>
        <CampaignStatus status={campaign.status} />
      </div>
      {manage && actions.length > 0 && (
        <div className="button-row learn-actions">
          {actions
            .filter((a) => a !== 'cancel')
            .map((action) => (
              <button key={action} type="button" onClick={() => void act(action)} disabled={busy}>
                {t(`learn.actions.${action}`)}
              </button>
            ))}
          {actions.includes('cancel') && !confirming && (
            <button type="button" className="button-danger-outline" onClick={() => setConfirming(true)} disabled={busy}>
              {t('learn.actions.cancel')}
            </button>
          )}
        </div>
      )}
      {confirming && (
        <ConfirmPanel
          question={t('learn.confirmCancel')}
          confirmLabel={t('learn.actions.cancel')}
          busy={busy}
          onConfirm={() => void act('cancel')}
          onCancel={() => setConfirming(false)}
        />
      )}
      <StatusMessage status={status.status} />
      {!manage && <p className="hint">{t('learn.readOnly')}</p>}

      <section className="card learn-section" aria-labelledby="learn-campaign-facts">
        <h2 id="learn-campaign-facts">{t('learn.definition')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('learn.templates')}</dt>
            <dd>{campaign.templates.join(', ')}</dd>
          </div>
          <div>
            <dt>{t('learn.departments')}</dt>
            <dd>{campaign.departments.length > 0 ? campaign.departments.join(', ') : t('learn.allDepartments')}</dd>
          </div>
          <div>
            <dt>{t('learn.schedule')}</dt>
            <dd>
              {formatDateTime(campaign.schedule.start, locale)} → {formatDateTime(campaign.schedule.end, locale)}
              {window?.days && (
                <>
                  <br />
                  {window.days.map((d) => weekdayLabel(d, t)).join(', ')}
                  {window.startHour !== undefined &&
                    window.endHour !== undefined &&
                    ` · ${t('learn.hours', { from: window.startHour, to: window.endHour })}`}
                </>
              )}
              {campaign.schedule.perMinute !== undefined && (
                <>
                  <br />
                  {t('learn.throttle', { count: campaign.schedule.perMinute })}
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('learn.sender')}</dt>
            <dd>
              {campaign.sender.name ? `${campaign.sender.name} <${campaign.sender.address}>` : campaign.sender.address}
            </dd>
          </div>
          <div>
            <dt>{t('learn.sends')}</dt>
            <dd>
              {Object.keys(campaign.sends).length === 0
                ? t('learn.noSends')
                : Object.entries(campaign.sends)
                    .map(([state, n]) => `${state}: ${formatNumber(n, locale)}`)
                    .join(' · ')}
            </dd>
          </div>
          <div>
            <dt>{t('learn.createdBy')}</dt>
            <dd>
              {campaign.createdBy} · {formatDateTime(campaign.createdAt, locale)}
            </dd>
          </div>
        </dl>
        {campaign.unscheduled.length > 0 && (
          <>
            <h3>{t('learn.unscheduled', { count: campaign.unscheduled.length })}</h3>
            <ul>
              {campaign.unscheduled.slice(0, 50).map((u) => (
                <li key={u.email}>
                  <code>{u.email}</code> — {u.reason}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section className="card learn-section" aria-labelledby="learn-campaign-results">
        <h2 id="learn-campaign-results">{t('learn.results')}</h2>
        <OverallStats rates={campaign.results.overall} />
        {campaign.results.departments.length > 0 && (
          <RatesTable
            caption={t('learn.perDepartment')}
            first={t('learn.department')}
            rows={campaign.results.departments.map((d) => ({ ...d, key: d.department, label: d.department }))}
          />
        )}
        <p className="learn-downloads">
          <a href={learnResultsCsvHref(campaign.id, 'summary')} download>
            {t('learn.csvSummary')}
          </a>{' '}
          ·{' '}
          <a href={learnResultsCsvHref(campaign.id, 'outcomes')} download>
            {t('learn.csvOutcomes')}
          </a>
        </p>
      </section>
      <Clicks id={campaign.id} />
    </>
  );
}

const VERDICT_BADGE = { human: 'badge badge-warn', bot: 'badge badge-muted', uncertain: 'badge' } as const;

function Clicks({ id }: { id: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const loaded = useLoad(() => listLearnClicks(id), [id]);
  return (
    <section className="card learn-section" aria-labelledby="learn-clicks-title" data-testid="learn-clicks">
      <h2 id="learn-clicks-title">{t('learn.clicks')}</h2>
      <p className="hint">{t('learn.clicksHint')}</p>
      {loaded.error !== null && <LoadError error={loaded.error} />}
      {loaded.data &&
        (loaded.data.length === 0 ? (
          <EmptyState>{t('learn.noClicks')}</EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('learn.at')}</th>
                  <th scope="col">{t('learn.target')}</th>
                  <th scope="col">{t('learn.verdict')}</th>
                  <th scope="col">{t('learn.reasons')}</th>
                  <th scope="col">{t('learn.client')}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.map((click) => (
                  <tr key={`${click.email}-${click.at}`}>
                    <td className="cell-nowrap">{formatDateTime(click.at, locale)}</td>
                    <th scope="row">
                      <code>{click.email}</code>
                    </th>
                    <td>
                      <span className={VERDICT_BADGE[click.verdict]}>{t(`learn.verdicts.${click.verdict}`)}</span>{' '}
                      <span className="muted">
                        {t('learn.botScore', { score: formatPercent(click.botScore, locale) })}
                      </span>
                    </td>
                    <td>
                      <ul className="learn-reasons">
                        {click.reasons.map((r) => (
                          <li key={r.code}>{r[locale]}</li>
                        ))}
                      </ul>
                    </td>
                    <td className="cell-break">
                      {click.ip && <code>{click.ip}</code>}{' '}
                      {click.method && <span className="muted">{click.method}</span>}
                      {click.userAgent && (
                        <>
                          <br />
                          <span className="muted">{click.userAgent}</span>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}
