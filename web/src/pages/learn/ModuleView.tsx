// Learn → one module: its lessons (Markdown, in the interface language), then its quiz one question at a time,
// each answer graded and explained, and the module completed at the end with the points it earned.
import { useTranslation } from 'react-i18next';
import { getLearnModule, type LearnModuleSummary, listLearnModules } from '../../api.ts';
import { LoadError } from '../../components/StatusMessage.tsx';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { useLoad } from '../../useLoad.ts';
import { LEARN_PATH, moduleHref, topicLabel } from './learnFormat.ts';
import { Markdown } from './Markdown.tsx';
import { Quiz } from './Quiz.tsx';
import './learn.css';
import { useTimeSpent } from './useTimeSpent.ts';

export function ModuleView({ id }: { id: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const loaded = useLoad(() => getLearnModule(id), [id]);
  const module = loaded.data;
  useTimeSpent(module ? module.id : null);
  return (
    <>
      <p className="learn-back">
        <a href={hrefFor(LEARN_PATH)}>{t('learn.backToMe')}</a>
      </p>
      {loaded.error !== null && (
        <>
          <h1>{t('learn.moduleTitle')}</h1>
          <LoadError error={loaded.error} />
        </>
      )}
      {loaded.loading && !module && <p role="status">{t('common.loading')}</p>}
      {module && (
        <article className="learn-module" lang={locale}>
          <div className="page-heading">
            <h1>{module.title[locale]}</h1>
          </div>
          <p className="page-intro">{module.summary[locale]}</p>
          <p className="muted">
            {t('learn.moduleFacts', {
              minutes: module.minutes,
              topic: topicLabel(module.topic, t),
              questions: module.questions,
            })}
          </p>
          {module.lessons.map((lesson) => (
            <section key={lesson.id} className="card learn-lesson" aria-labelledby={`lesson-${lesson.id}`}>
              <h2 id={`lesson-${lesson.id}`}>{lesson.title[locale]}</h2>
              <Markdown text={lesson.body[locale]} headingBase={3} />
            </section>
          ))}
          <div data-learn-time="quiz">
            <Quiz moduleId={module.id} questions={module.questions} />
          </div>
        </article>
      )}
    </>
  );
}

/** Learn → Modules: every module of the content, shipped and the organisation's own. */
export function ModuleCatalogue() {
  const { t } = useTranslation();
  const loaded = useLoad(listLearnModules, []);
  return (
    <>
      <div className="page-heading">
        <h1>{t('learn.modulesTitle')}</h1>
      </div>
      <p className="page-intro">{t('learn.modulesIntro')}</p>
      {loaded.error !== null && <LoadError error={loaded.error} />}
      {loaded.loading && !loaded.data && <p role="status">{t('common.loading')}</p>}
      {loaded.data && (
        <ul className="learn-catalogue">
          {loaded.data.map((module) => (
            <ModuleCard key={module.id} module={module} />
          ))}
        </ul>
      )}
    </>
  );
}

function ModuleCard({ module }: { module: LearnModuleSummary }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <li className="card">
      <h2>
        <a href={hrefFor(moduleHref(module.id))}>{module.title[locale]}</a>
      </h2>
      <p>{module.summary[locale]}</p>
      <p className="muted">
        {t('learn.moduleFacts', {
          minutes: module.minutes,
          topic: topicLabel(module.topic, t),
          questions: module.questions,
        })}
        {module.origin === 'organisation' && <> · {t('learn.organisationContent')}</>}
      </p>
    </li>
  );
}
