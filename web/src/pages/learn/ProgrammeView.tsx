// Learn → Programme: how reflexes change — click, submission and report rates, median times, repeat clickers and
// the resilience ratio over campaigns in time and per department; training completion and knowledge per topic.
import { type ReactNode, useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { getLearnProgramme, type LearnProgramme, type LearnRates } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { useLoad } from '../../useLoad.ts';
import { RATE_COLORS, type RateSeries, RatesChart } from './LearnChart.tsx';
import { formatDuration, type ProgrammeReflexes, type ProgrammeTime, REFLEX_ROWS } from './learnApi.ts';
import { campaignHref, formatPercent, formatRatio, formatSeconds, topicLabel } from './learnFormat.ts';
import { useLearnText } from './learnText.ts';
import './learn.css';

function TimeSpentCard({ time }: { time: ProgrammeTime }) {
  const l = useLearnText();
  const locale = useLocale();
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-time`} data-testid="learn-time">
      <h2 id={`${id}-time`}>{l('timeSpent')}</h2>
      <dl className="stats">
        <div className="stat">
          <dt>{l('timeSpent')}</dt>
          <dd data-testid="learn-time-total">{formatDuration(time.seconds)}</dd>
        </div>
        <div className="stat">
          <dt>{l('timeLessons')}</dt>
          <dd>{formatDuration(time.lessonSeconds)}</dd>
        </div>
        <div className="stat">
          <dt>{l('timeQuizzes')}</dt>
          <dd>{formatDuration(time.quizSeconds)}</dd>
        </div>
        <div className="stat">
          <dt>{l('timeMedian')}</dt>
          <dd>{time.medianSecondsPerLearner === null ? '—' : formatDuration(time.medianSecondsPerLearner)}</dd>
        </div>
        <div className="stat">
          <dt>{l('timeLearners')}</dt>
          <dd>{formatNumber(time.learners, locale)}</dd>
        </div>
      </dl>
      {time.byDepartment.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{l('department')}</th>
                <th scope="col" className="cell-number">
                  {l('timeSpent')}
                </th>
                <th scope="col" className="cell-number">
                  {l('timeLearners')}
                </th>
              </tr>
            </thead>
            <tbody>
              {time.byDepartment.map((d) => (
                <tr key={d.department}>
                  <th scope="row">{d.department}</th>
                  <td className="cell-number">{formatDuration(d.seconds)}</td>
                  <td className="cell-number">{formatNumber(d.learners, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="hint">{l('timeHint')}</p>
    </section>
  );
}

const durationOrDash = (seconds: number | null) => (seconds === null ? '—' : formatDuration(seconds));

function ReflexesCard({ reflexes }: { reflexes: ProgrammeReflexes }) {
  const l = useLearnText();
  const locale = useLocale();
  const id = useId();
  const { detect, mail } = reflexes;
  return (
    <section className="card" aria-labelledby={`${id}-reflexes`} data-testid="learn-reflexes">
      <h2 id={`${id}-reflexes`}>{l('reflexesTitle')}</h2>
      <h3>{l('reflexesDetect')}</h3>
      {detect.incidents === 0 ? (
        <p className="muted">{l('reflexesNoDetect')}</p>
      ) : (
        <dl className="stats" data-testid="learn-reflexes-detect">
          <div className="stat">
            <dt>{l('reflexesIncidents')}</dt>
            <dd>{formatNumber(detect.incidents, locale)}</dd>
          </div>
          <div className="stat">
            <dt>{l('reflexesOpen')}</dt>
            <dd>{formatNumber(detect.open, locale)}</dd>
          </div>
          <div className="stat">
            <dt>{l('reflexesToInvestigate')}</dt>
            <dd>
              {durationOrDash(detect.medianSecondsToInvestigate)} / {durationOrDash(detect.p90SecondsToInvestigate)}
            </dd>
          </div>
          <div className="stat">
            <dt>{l('reflexesToResolve')}</dt>
            <dd>
              {durationOrDash(detect.medianSecondsToResolve)} / {durationOrDash(detect.p90SecondsToResolve)}
            </dd>
          </div>
        </dl>
      )}
      {detect.limited && <p className="hint">{l('reflexesLimited', { count: formatNumber(REFLEX_ROWS, locale) })}</p>}
      <h3>{l('reflexesMail')}</h3>
      {mail.reports === 0 ? (
        <p className="muted">{l('reflexesNoMail')}</p>
      ) : (
        <dl className="stats" data-testid="learn-reflexes-mail">
          <div className="stat">
            <dt>{l('reflexesReports')}</dt>
            <dd>{formatNumber(mail.reports, locale)}</dd>
          </div>
          <div className="stat">
            <dt>{l('reflexesJudged')}</dt>
            <dd>{formatPercent(mail.judgedShare, locale)}</dd>
          </div>
          <div className="stat">
            <dt>{l('reflexesToVerdict')}</dt>
            <dd>{durationOrDash(mail.medianSecondsToVerdict)}</dd>
          </div>
        </dl>
      )}
      {mail.limited && <p className="hint">{l('reflexesLimited', { count: formatNumber(REFLEX_ROWS, locale) })}</p>}
      <p className="hint">{l('reflexesHint')}</p>
    </section>
  );
}

export function ProgrammePage() {
  const { t } = useTranslation();
  const loaded = useLoad(getLearnProgramme, []);
  return (
    <>
      <div className="page-heading">
        <h1>{t('learn.programmeTitle')}</h1>
        <button type="button" className="button-secondary" onClick={loaded.reload} disabled={loaded.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">{t('learn.programmeIntro')}</p>
      {loaded.error !== null && <LoadError error={loaded.error} />}
      {loaded.loading && !loaded.data && <p role="status">{t('common.loading')}</p>}
      {loaded.data && <Programme data={loaded.data} />}
    </>
  );
}

function rateSeries(
  rows: readonly LearnRates[],
  t: (key: 'learn.clickRate' | 'learn.submissionRate' | 'learn.reportRate') => string,
): RateSeries[] {
  return [
    { name: t('learn.clickRate'), color: RATE_COLORS.click, values: rows.map((r) => r.clickRate) },
    { name: t('learn.submissionRate'), color: RATE_COLORS.submission, values: rows.map((r) => r.submissionRate) },
    { name: t('learn.reportRate'), color: RATE_COLORS.report, values: rows.map((r) => r.reportRate) },
  ];
}

export function OverallStats({ rates, testId }: { rates: LearnRates; testId?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const items: [string, string][] = [
    [t('learn.sent'), formatNumber(rates.sent, locale)],
    [t('learn.clickRate'), formatPercent(rates.clickRate, locale)],
    [t('learn.submissionRate'), formatPercent(rates.submissionRate, locale)],
    [t('learn.reportRate'), formatPercent(rates.reportRate, locale)],
    [t('learn.medianToClick'), formatSeconds(rates.medianSecondsToClick, locale)],
    [t('learn.medianToReport'), formatSeconds(rates.medianSecondsToReport, locale)],
    [t('learn.repeatClickers'), formatNumber(rates.repeatClickers, locale)],
    [t('learn.resilience'), formatRatio(rates.resilienceRatio, locale)],
    [t('learn.botClicks'), formatNumber(rates.botClicks, locale)],
  ];
  return (
    <dl className="stats learn-rate-stats" data-testid={testId}>
      {items.map(([label, value]) => (
        <div className="stat" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One row per department (or campaign): every rate of the programme, as a table. */
export function RatesTable({
  rows,
  caption,
  first,
  testId,
}: {
  rows: readonly (LearnRates & { key: string; label: ReactNode })[];
  caption: string;
  first: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-wrap" data-testid={testId}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col" className="cell-number">
              {t('learn.sent')}
            </th>
            <th scope="col" className="cell-number">
              {t('learn.clickRate')}
            </th>
            <th scope="col" className="cell-number">
              {t('learn.submissionRate')}
            </th>
            <th scope="col" className="cell-number">
              {t('learn.reportRate')}
            </th>
            <th scope="col" className="cell-number">
              {t('learn.medianToReport')}
            </th>
            <th scope="col" className="cell-number">
              {t('learn.repeatClickers')}
            </th>
            <th scope="col" className="cell-number">
              {t('learn.resilience')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              <td className="cell-number">{formatNumber(r.sent, locale)}</td>
              <td className="cell-number">{formatPercent(r.clickRate, locale)}</td>
              <td className="cell-number">{formatPercent(r.submissionRate, locale)}</td>
              <td className="cell-number">{formatPercent(r.reportRate, locale)}</td>
              <td className="cell-number">{formatSeconds(r.medianSecondsToReport, locale)}</td>
              <td className="cell-number">{formatNumber(r.repeatClickers, locale)}</td>
              <td className="cell-number">{formatRatio(r.resilienceRatio, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Programme({ data }: { data: LearnProgramme }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const timeSeries = useMemo(() => rateSeries(data.campaigns, t), [data.campaigns, t]);
  const departmentSeries = useMemo(() => rateSeries(data.departments, t), [data.departments, t]);
  const timeCategories = useMemo(
    () => data.campaigns.map((c) => `${c.launchedAt.slice(0, 10)} ${c.name}`),
    [data.campaigns],
  );
  const departmentCategories = useMemo(() => data.departments.map((d) => d.department), [data.departments]);
  const { reflexes } = data;
  return (
    <>
      <section className="card learn-section" aria-labelledby={`${id}-overall`}>
        <h2 id={`${id}-overall`}>{t('learn.overall')}</h2>
        {data.overall.sent === 0 && <p className="muted">{t('learn.noSimulationYet')}</p>}
        <OverallStats rates={data.overall} testId="learn-overall" />
        <p className="hint">{t('learn.resilienceHint')}</p>
      </section>

      <section className="card learn-section" aria-labelledby={`${id}-time`}>
        <h2 id={`${id}-time`}>{t('learn.overTime')}</h2>
        {data.campaigns.length === 0 ? (
          <EmptyState>{t('learn.noLaunched')}</EmptyState>
        ) : (
          <>
            <RatesChart
              kind="line"
              categories={timeCategories}
              series={timeSeries}
              label={t('learn.overTime')}
              describedBy={`${id}-time`}
            />
            <RatesTable
              caption={t('learn.overTime')}
              first={t('learn.campaign')}
              rows={data.campaigns.map((c) => ({
                ...c,
                key: c.id,
                label: (
                  <>
                    <a href={hrefFor(campaignHref(c.id))}>{c.name}</a>
                    <br />
                    <span className="muted">{formatDateTime(c.launchedAt, locale)}</span>
                  </>
                ),
              }))}
            />
          </>
        )}
      </section>

      <section className="card learn-section" aria-labelledby={`${id}-departments`}>
        <h2 id={`${id}-departments`}>{t('learn.perDepartment')}</h2>
        {data.departments.length === 0 ? (
          <EmptyState>{t('learn.noLaunched')}</EmptyState>
        ) : (
          <>
            <RatesChart
              kind="bar"
              categories={departmentCategories}
              series={departmentSeries}
              label={t('learn.perDepartment')}
              describedBy={`${id}-departments`}
            />
            <RatesTable
              caption={t('learn.perDepartment')}
              first={t('learn.department')}
              testId="learn-departments"
              rows={data.departments.map((d) => ({ ...d, key: d.department, label: d.department }))}
            />
          </>
        )}
      </section>

      <div className="card-grid card-grid-two">
        <section className="card" aria-labelledby={`${id}-training`} data-testid="learn-training">
          <h2 id={`${id}-training`}>{t('learn.training')}</h2>
          <dl className="stats">
            <div className="stat">
              <dt>{t('learn.completion')}</dt>
              <dd>{formatPercent(data.training.completion, locale)}</dd>
            </div>
            <div className="stat">
              <dt>{t('learn.learners')}</dt>
              <dd>{formatNumber(data.training.learners, locale)}</dd>
            </div>
            <div className="stat">
              <dt>{t('learn.timeSpent')}</dt>
              <dd>{t('learn.minutes', { count: data.training.estimatedMinutes })}</dd>
            </div>
          </dl>
          {data.training.byDepartment.length > 0 && (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('learn.department')}</th>
                    <th scope="col" className="cell-number">
                      {t('learn.learners')}
                    </th>
                    <th scope="col" className="cell-number">
                      {t('learn.completion')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.training.byDepartment.map((d) => (
                    <tr key={d.department}>
                      <th scope="row">{d.department}</th>
                      <td className="cell-number">{formatNumber(d.learners, locale)}</td>
                      <td className="cell-number">{formatPercent(d.completion, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <TimeSpentCard time={data.training.timeSpent} />
        <ReflexesCard reflexes={reflexes} />
        <section className="card" aria-labelledby={`${id}-knowledge`} data-testid="learn-knowledge">
          <h2 id={`${id}-knowledge`}>{t('learn.knowledge')}</h2>
          {data.knowledge.length === 0 ? (
            <p className="muted">{t('learn.knowledgeEmpty')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('learn.topic')}</th>
                    <th scope="col" className="cell-number">
                      {t('learn.score')}
                    </th>
                    <th scope="col" className="cell-number">
                      {t('learn.learners')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.knowledge.map((k) => (
                    <tr key={k.topic}>
                      <th scope="row">{topicLabel(k.topic, t)}</th>
                      <td className="cell-number">
                        <meter min={0} max={100} value={k.score} aria-hidden="true" /> {formatNumber(k.score, locale)} %
                      </td>
                      <td className="cell-number">{formatNumber(k.learners, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </>
  );
}
