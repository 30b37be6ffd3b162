// A module's quiz: questions one at a time (single, multiple, true/false, fill in the blank), each answer sent,
// graded and explained before the next; at the end the module is completed and the learner sees their points.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  answerLearnQuestion,
  buildLearnQuiz,
  completeLearnModule,
  getLearnMe,
  type LearnAnswer,
  type LearnCompletion,
  type LearnGrade,
  type LearnQuestion,
} from '../../api.ts';
import { StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor } from '../../router.ts';
import { useStatus } from '../../status.ts';
import { useFocusOnMount } from '../../useFocusOnMount.ts';
import { LEARN_PATH } from './learnFormat.ts';

type Stage =
  | { kind: 'idle' }
  | { kind: 'asking'; questions: LearnQuestion[]; index: number; grade: LearnGrade | null; right: number }
  | { kind: 'finished'; completion: LearnCompletion; points: number | null; right: number; asked: number };

/** Enough questions to complete the module (the server wants three answers), few enough to stay short. */
function quizSize(questions: number): number {
  return Math.max(1, Math.min(questions, 6));
}

export function Quiz({ moduleId, questions }: { moduleId: string; questions: number }) {
  const { t } = useTranslation();
  const id = useId();
  const status = useStatus();
  const locale = useLocale();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);

  async function start(): Promise<void> {
    setBusy(true);
    status.clear();
    try {
      const quiz = await buildLearnQuiz(moduleId, quizSize(questions));
      setStage({ kind: 'asking', questions: quiz.questions, index: 0, grade: null, right: 0 });
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  async function answer(question: LearnQuestion, value: LearnAnswer): Promise<void> {
    if (stage.kind !== 'asking') return;
    setBusy(true);
    status.clear();
    try {
      const grade = await answerLearnQuestion(question.moduleId, question.id, value, locale);
      setStage({ ...stage, grade, right: stage.right + (grade.correct ? 1 : 0) });
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  async function next(): Promise<void> {
    if (stage.kind !== 'asking') return;
    if (stage.index + 1 < stage.questions.length) {
      setStage({ ...stage, index: stage.index + 1, grade: null });
      return;
    }
    setBusy(true);
    status.clear();
    try {
      const completion = await completeLearnModule(moduleId);
      // Points come from the learner's page: the completion itself does not carry them.
      const points = await getLearnMe().then(
        (me) => me.stats.points,
        () => null,
      );
      setStage({ kind: 'finished', completion, points, right: stage.right, asked: stage.questions.length });
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card learn-quiz" aria-labelledby={`${id}-title`} data-testid="learn-quiz">
      <h2 id={`${id}-title`}>{t('learn.quiz')}</h2>
      {stage.kind === 'idle' &&
        (questions === 0 ? (
          <p className="muted">{t('learn.noQuestions')}</p>
        ) : (
          <>
            <p>{t('learn.quizIntro')}</p>
            <button type="button" onClick={() => void start()} disabled={busy}>
              {busy ? t('common.loading') : t('learn.startQuiz')}
            </button>
          </>
        ))}
      {stage.kind === 'asking' &&
        (() => {
          const question = stage.questions[stage.index];
          if (!question) return <p className="muted">{t('learn.noQuestions')}</p>;
          return (
            <QuestionView
              key={`${question.moduleId}/${question.id}/${stage.index}`}
              question={question}
              position={stage.index + 1}
              count={stage.questions.length}
              grade={stage.grade}
              busy={busy}
              last={stage.index + 1 === stage.questions.length}
              onAnswer={(value) => void answer(question, value)}
              onNext={() => void next()}
            />
          );
        })()}
      {stage.kind === 'finished' && <Finished stage={stage} onAgain={() => void start()} busy={busy} />}
      <StatusMessage status={status.status} />
    </section>
  );
}

function Finished({
  stage,
  onAgain,
  busy,
}: {
  stage: Extract<Stage, { kind: 'finished' }>;
  onAgain: () => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const score = Math.round(stage.completion.score * 100);
  return (
    <div className="learn-finished" data-testid="learn-finished">
      <h3 ref={heading} tabIndex={-1}>
        {stage.completion.passed ? t('learn.modulePassed') : t('learn.moduleNotPassed')}
      </h3>
      <p>{t('learn.finalScore', { score, right: stage.right, asked: stage.asked })}</p>
      {stage.points !== null && (
        <p className="learn-points-now">{t('learn.pointsNow', { points: formatNumber(stage.points, locale) })}</p>
      )}
      <div className="button-row">
        <a className="button-link" href={hrefFor(LEARN_PATH)}>
          {t('learn.backToMe')}
        </a>
        {!stage.completion.passed && (
          <button type="button" className="button-secondary" onClick={onAgain} disabled={busy}>
            {t('learn.tryAgain')}
          </button>
        )}
      </div>
    </div>
  );
}

interface QuestionProps {
  question: LearnQuestion;
  position: number;
  count: number;
  grade: LearnGrade | null;
  busy: boolean;
  last: boolean;
  onAnswer: (answer: LearnAnswer) => void;
  onNext: () => void;
}

function QuestionView({ question, position, count, grade, busy, last, onAnswer, onNext }: QuestionProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [chosen, setChosen] = useState<string[]>([]);
  const [bool, setBool] = useState<boolean | null>(null);
  const [text, setText] = useState('');
  const answered = grade !== null;

  const value: LearnAnswer | null =
    question.kind === 'true-false'
      ? bool === null
        ? null
        : { kind: 'boolean', value: bool }
      : question.kind === 'cloze'
        ? text.trim()
          ? { kind: 'text', value: text.trim() }
          : null
        : chosen.length > 0
          ? { kind: 'choices', ids: chosen }
          : null;

  function submit(event: FormEvent): void {
    event.preventDefault();
    if (value && !answered) onAnswer(value);
  }

  const expectedIds = grade?.expected.kind === 'choices' ? grade.expected.ids : [];
  return (
    <div className="learn-question">
      <h3 ref={heading} tabIndex={-1} id={`${id}-q`}>
        {t('learn.questionOf', { position, count })}
      </h3>
      {question.why === 'review' && <p className="badge badge-warn">{t('learn.reviewQuestion')}</p>}
      <form onSubmit={submit} className="form-stack">
        <fieldset disabled={answered || busy}>
          <legend>{question.prompt[locale]}</legend>
          {question.kind === 'cloze' && question.text && <p className="learn-cloze">{question.text[locale]}</p>}
          {(question.kind === 'single' || question.kind === 'multiple') && (
            <>
              {question.kind === 'multiple' && <p className="hint">{t('learn.several')}</p>}
              {(question.choices ?? []).map((choice) => {
                const checked = chosen.includes(choice.id);
                const mark = answered && expectedIds.includes(choice.id);
                return (
                  <label key={choice.id} className={`checkbox learn-choice${mark ? ' learn-choice-right' : ''}`}>
                    <input
                      type={question.kind === 'single' ? 'radio' : 'checkbox'}
                      name={`${id}-choice`}
                      checked={checked}
                      onChange={(event) =>
                        setChosen((previous) =>
                          question.kind === 'single'
                            ? [choice.id]
                            : event.target.checked
                              ? [...previous, choice.id]
                              : previous.filter((x) => x !== choice.id),
                        )
                      }
                    />
                    <span>
                      {choice[locale]}
                      {mark && <span className="learn-right-mark"> — {t('learn.rightAnswer')}</span>}
                    </span>
                  </label>
                );
              })}
            </>
          )}
          {question.kind === 'true-false' &&
            [true, false].map((option) => (
              <label key={String(option)} className="checkbox learn-choice">
                <input type="radio" name={`${id}-bool`} checked={bool === option} onChange={() => setBool(option)} />
                <span>{option ? t('learn.true') : t('learn.false')}</span>
              </label>
            ))}
          {question.kind === 'cloze' && (
            <div className="field">
              <label htmlFor={`${id}-text`}>{t('learn.yourAnswer')}</label>
              <input
                id={`${id}-text`}
                value={text}
                maxLength={200}
                autoComplete="off"
                onChange={(event) => setText(event.target.value)}
              />
            </div>
          )}
        </fieldset>
        {!answered && (
          <div className="form-actions">
            <button type="submit" disabled={busy || value === null}>
              {t('learn.check')}
            </button>
          </div>
        )}
      </form>
      <div aria-live="polite">
        {grade && (
          <div
            className={`notice ${grade.correct ? 'notice-success' : 'notice-error'} learn-feedback`}
            data-testid="learn-feedback"
          >
            <p>
              <strong>{grade.correct ? t('learn.correct') : t('learn.incorrect')}</strong>
            </p>
            {!grade.correct && <ExpectedAnswer grade={grade} />}
            <p>{grade.explanation[locale]}</p>
            {grade.nextReview && (
              <p className="muted">{t('learn.nextReview', { at: formatDateTime(grade.nextReview, locale) })}</p>
            )}
          </div>
        )}
      </div>
      {grade && (
        <button type="button" onClick={onNext} disabled={busy}>
          {last ? t('learn.finish') : t('learn.nextQuestion')}
        </button>
      )}
    </div>
  );
}

function ExpectedAnswer({ grade }: { grade: LearnGrade }) {
  const { t } = useTranslation();
  switch (grade.expected.kind) {
    case 'boolean':
      return <p>{t('learn.expected', { answer: grade.expected.value ? t('learn.true') : t('learn.false') })}</p>;
    case 'text':
      return <p>{t('learn.expected', { answer: grade.expected.value })}</p>;
    case 'choices':
      // The right choices are marked in the list itself.
      return null;
  }
}
