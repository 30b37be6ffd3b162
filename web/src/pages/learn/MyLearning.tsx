// Learn → My training: the learner's path and progress, what to take next and why, modules assigned after a real
// signal (with the reason said to them), points, streak, badges, the month's challenge and the team leaderboard.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { getLearnMe, type LearnMe, type LearnModuleSummary, listLearnModules } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { useLoad } from '../../useLoad.ts';
import { formatDuration, type TimeSpent } from './learnApi.ts';
import { BADGES, badgeText, MODULES_PATH, moduleHref, topicLabel } from './learnFormat.ts';
import { useLearnText } from './learnText.ts';
import './learn.css';

/** My time on module pages, as the API adds it to my page. */
function timeOfMe(me: LearnMe): TimeSpent {
  return (me as LearnMe & { timeSpent?: TimeSpent }).timeSpent ?? { seconds: 0, lessonSeconds: 0, quizSeconds: 0 };
}

interface Loaded {
  me: LearnMe;
  modules: Map<string, LearnModuleSummary>;
}

async function loadPage(): Promise<Loaded> {
  const [me, modules] = await Promise.all([getLearnMe(), listLearnModules()]);
  return { me, modules: new Map(modules.map((m) => [m.id, m])) };
}

export function MyLearningPage() {
  const { t } = useTranslation();
  const loaded = useLoad(loadPage, []);
  return (
    <>
      <div className="page-heading">
        <h1>{t('learn.meTitle')}</h1>
        <a className="button-link button-secondary" href={hrefFor(MODULES_PATH)}>
          {t('learn.allModules')}
        </a>
      </div>
      <p className="page-intro">{t('learn.meIntro')}</p>
      {loaded.error !== null && <LoadError error={loaded.error} />}
      {loaded.loading && !loaded.data && <p role="status">{t('common.loading')}</p>}
      {loaded.data && <MyLearning me={loaded.data.me} modules={loaded.data.modules} />}
    </>
  );
}

function MyLearning({ me, modules }: Loaded) {
  const { t } = useTranslation();
  const l = useLearnText();
  const locale = useLocale();
  const title = (id: string): string => modules.get(id)?.title[locale] ?? id;
  const open = me.assignments.filter((a) => !a.done);
  return (
    <div className="learn-me">
      <section className="card learn-next" aria-labelledby="learn-next-title" data-testid="learn-next">
        <h2 id="learn-next-title">{t('learn.next')}</h2>
        {me.next ? (
          <>
            <p className="learn-next-module">
              <a href={hrefFor(moduleHref(me.next.moduleId))}>{title(me.next.moduleId)}</a>
            </p>
            <p>
              <span className="visually-hidden">{t('learn.why')} </span>
              {me.next.reason[locale]}
            </p>
            <p>
              <a className="button-link" href={hrefFor(moduleHref(me.next.moduleId))}>
                {t('learn.start')}
              </a>
            </p>
          </>
        ) : (
          <p>{t('learn.nothingNext')}</p>
        )}
      </section>

      <section className="card" aria-labelledby="learn-stats-title">
        <h2 id="learn-stats-title">{t('learn.myPoints')}</h2>
        <dl className="stats learn-stats" data-testid="learn-stats">
          <div className="stat">
            <dt>{t('learn.points')}</dt>
            <dd data-testid="learn-points">{formatNumber(me.stats.points, locale)}</dd>
          </div>
          <div className="stat">
            <dt>{t('learn.streak', { best: me.stats.streak.best })}</dt>
            <dd>{t('learn.weeks', { count: me.stats.streak.current })}</dd>
          </div>
          <div className="stat">
            <dt>{t('learn.modulesPassed')}</dt>
            <dd>{formatNumber(me.stats.modulesPassed.length, locale)}</dd>
          </div>
          <div className="stat">
            <dt>{l('timeSpent')}</dt>
            <dd data-testid="learn-my-time">{formatDuration(timeOfMe(me).seconds)}</dd>
          </div>
          <div className="stat">
            <dt>{t('learn.teamRank', { team: me.team.name })}</dt>
            <dd>{me.team.rank === null ? '—' : t('learn.rankOf', { rank: me.team.rank, teams: me.team.teams })}</dd>
          </div>
        </dl>
      </section>

      {me.path && (
        <section className="card" aria-labelledby="learn-path-title">
          <h2 id="learn-path-title">{t('learn.path', { title: me.path.title[locale] })}</h2>
          <p>{me.path.summary[locale]}</p>
          <ProgressBar
            value={me.path.passed}
            max={me.path.total}
            label={t('learn.pathProgress', { passed: me.path.passed, total: me.path.total })}
          />
          <ol className="learn-path">
            {me.path.modules.map((id) => {
              const passed = me.stats.modulesPassed.includes(id);
              return (
                <li key={id} className={passed ? 'learn-path-done' : undefined}>
                  <a href={hrefFor(moduleHref(id))}>{title(id)}</a>{' '}
                  <span className={passed ? 'badge badge-active' : 'badge badge-muted'}>
                    {passed ? t('learn.passed') : t('learn.toDo')}
                  </span>
                </li>
              );
            })}
          </ol>
        </section>
      )}

      <section className="card" aria-labelledby="learn-assigned-title" data-testid="learn-assignments">
        <h2 id="learn-assigned-title">{t('learn.assignments')}</h2>
        {me.assignments.length === 0 ? (
          <p className="muted">{t('learn.noAssignments')}</p>
        ) : (
          <ul className="learn-assignments">
            {[...open, ...me.assignments.filter((a) => a.done)].map((a) => (
              <li key={`${a.moduleId}-${a.assignedAt}`}>
                <p>
                  <a href={hrefFor(moduleHref(a.moduleId))}>{title(a.moduleId)}</a>{' '}
                  <span className={a.done ? 'badge badge-active' : 'badge badge-warn'}>
                    {a.done ? t('learn.done') : t('learn.toDo')}
                  </span>
                </p>
                <p className="learn-reason">
                  <span className="visually-hidden">{t('learn.why')} </span>
                  {a.reason[locale]}
                </p>
                <p className="muted">{t('learn.assignedAt', { at: formatDateTime(a.assignedAt, locale) })}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="learn-challenge-title">
        <h2 id="learn-challenge-title">{t('learn.challenge')}</h2>
        <p>{me.challenge.title[locale]}</p>
        <ProgressBar
          value={Math.min(me.challenge.progress, me.challenge.target)}
          max={me.challenge.target}
          label={
            me.challenge.done
              ? t('learn.challengeDone')
              : t('learn.challengeProgress', { progress: me.challenge.progress, target: me.challenge.target })
          }
        />
      </section>

      <section className="card" aria-labelledby="learn-badges-title">
        <h2 id="learn-badges-title">{t('learn.badgesTitle', { count: me.stats.badges.length })}</h2>
        <ul className="learn-badges">
          {[...new Set([...me.stats.badges, ...BADGES])].map((id) => {
            const earned = me.stats.badges.includes(id);
            const text = badgeText(id, t);
            return (
              <li key={id} className={earned ? 'learn-badge learn-badge-earned' : 'learn-badge'}>
                <span className="learn-badge-mark" aria-hidden="true">
                  {earned ? '★' : '☆'}
                </span>
                <span>
                  <strong>{text.name}</strong>{' '}
                  <span className="visually-hidden">{earned ? t('learn.earned') : t('learn.notEarned')}</span>
                  <br />
                  <span className="muted">{text.description}</span>
                </span>
              </li>
            );
          })}
        </ul>
      </section>

      <Leaderboard me={me} />
      <Knowledge me={me} />
    </div>
  );
}

export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const id = useId();
  return (
    <div className="learn-progress">
      <progress id={id} value={value} max={Math.max(1, max)} aria-describedby={`${id}-label`} />
      <p id={`${id}-label`} className="learn-progress-label">
        {label}
      </p>
    </div>
  );
}

function Leaderboard({ me }: { me: LearnMe }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const pseudonymous = me.leaderboard.length > 0 && me.leaderboard.every((entry) => entry.team === undefined);
  return (
    <section className="card" aria-labelledby="learn-board-title" data-testid="learn-leaderboard">
      <h2 id="learn-board-title">{t('learn.leaderboard')}</h2>
      {me.leaderboard.length === 0 ? (
        <EmptyState>{t('learn.leaderboardEmpty')}</EmptyState>
      ) : (
        <>
          {pseudonymous && <p className="hint">{t('learn.pseudonymous')}</p>}
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col" className="cell-number">
                    {t('learn.rank')}
                  </th>
                  <th scope="col">{t('learn.team')}</th>
                  <th scope="col" className="cell-number">
                    {t('learn.pointsPerMember')}
                  </th>
                  <th scope="col" className="cell-number">
                    {t('learn.members')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {me.leaderboard.map((entry) => {
                  const mine = entry.team !== undefined && entry.team === me.team.name;
                  return (
                    <tr key={`${entry.rank}-${entry.name.en}`} className={mine ? 'learn-mine' : undefined}>
                      <td className="cell-number">{entry.rank}</td>
                      <th scope="row">
                        {entry.name[locale]}
                        {mine && <span className="badge badge-active">{t('learn.myTeam')}</span>}
                      </th>
                      <td className="cell-number">{formatNumber(entry.pointsPerMember, locale)}</td>
                      <td className="cell-number">{formatNumber(entry.members, locale)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Knowledge({ me }: { me: LearnMe }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const topics = Object.entries(me.knowledge);
  return (
    <section className="card" aria-labelledby="learn-knowledge-title">
      <h2 id="learn-knowledge-title">{t('learn.myKnowledge')}</h2>
      {topics.length === 0 ? (
        <p className="muted">{t('learn.myKnowledgeEmpty')}</p>
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
                  {t('learn.answered')}
                </th>
              </tr>
            </thead>
            <tbody>
              {topics.map(([topic, k]) => (
                <tr key={topic}>
                  <th scope="row">{topicLabel(topic, t)}</th>
                  <td className="cell-number">{formatNumber(k.score, locale)} %</td>
                  <td className="cell-number">{t('learn.correctOf', { correct: k.correct, answered: k.answered })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
