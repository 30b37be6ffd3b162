// Learn → Content: the loaded training content (modules, paths, lures, load problems) and the knowledge base —
// policies imported as Markdown, HTML or text, and the questions generated from them, each with its source.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getLearnContent, importLearnKb, type LearnKbImport, listLearnKb } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { LearnSubnav } from './LearnSubnav.tsx';
import { topicLabel } from './learnFormat.ts';
import './learn.css';

export function KnowledgePage() {
  const { t } = useTranslation();
  const session = useSession();
  const manage = can(session, 'learn:manage');
  const docs = useLoad(listLearnKb, []);
  return (
    <>
      <LearnSubnav area="content" />
      <div className="page-heading">
        <h1>{t('learn.contentTitle')}</h1>
      </div>
      <p className="page-intro">{manage ? t('learn.contentIntro') : t('learn.contentIntroReadOnly')}</p>
      {manage && <KbImport onImported={docs.reload} />}
      <section className="card learn-section" aria-labelledby="learn-kb-title" data-testid="learn-kb">
        <h2 id="learn-kb-title">{t('learn.kbDocuments')}</h2>
        {docs.error !== null && <LoadError error={docs.error} />}
        {docs.data &&
          (docs.data.length === 0 ? <EmptyState>{t('learn.kbEmpty')}</EmptyState> : <KbTable docs={docs.data} />)}
      </section>
      <ContentSummary />
    </>
  );
}

function KbTable({ docs }: { docs: Awaited<ReturnType<typeof listLearnKb>> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('learn.docTitle')}</th>
            <th scope="col">{t('learn.format')}</th>
            <th scope="col" className="cell-number">
              {t('learn.questions')}
            </th>
            <th scope="col">{t('learn.importedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {docs.map((d) => (
            <tr key={d.id}>
              <th scope="row">{d.title}</th>
              <td>
                {d.format} · {d.locale}
              </td>
              <td className="cell-number">{formatNumber(d.questions, locale)}</td>
              <td className="cell-nowrap">
                {formatDateTime(d.createdAt, locale)} · {d.createdBy}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KbImport({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const status = useStatus();
  const [title, setTitle] = useState('');
  const [format, setFormat] = useState<'markdown' | 'html' | 'text'>('markdown');
  const [docLocale, setDocLocale] = useState<'fr' | 'en'>(locale);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<LearnKbImport | null>(null);

  async function pick(file: File | undefined): Promise<void> {
    if (!file) return;
    setText(await file.text());
    if (/\.html?$/i.test(file.name)) setFormat('html');
    else if (/\.(md|markdown)$/i.test(file.name)) setFormat('markdown');
    else setFormat('text');
    if (!title.trim()) setTitle(file.name.replace(/\.[^.]+$/, ''));
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    status.clear();
    setResult(null);
    try {
      const imported = await importLearnKb({ title: title.trim(), format, locale: docLocale, text });
      setResult(imported);
      status.success((tr) => tr('learn.kbImported', { title: imported.title, count: imported.questions }));
      onImported();
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  const skipped = result ? Object.entries(result.skipped).filter(([, n]) => n > 0) : [];
  return (
    <section className="card learn-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('learn.kbImport')}</h2>
      <p className="hint">{t('learn.kbHint')}</p>
      <form className="form-stack" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-title-input`}>{t('learn.docTitle')}</label>
          <input
            id={`${id}-title-input`}
            value={title}
            maxLength={200}
            required
            onChange={(e) => setTitle(e.target.value)}
          />
        </div>
        <div className="learn-form-row">
          <div className="field">
            <label htmlFor={`${id}-format`}>{t('learn.format')}</label>
            <select
              id={`${id}-format`}
              value={format}
              onChange={(e) => setFormat(e.target.value as 'markdown' | 'html' | 'text')}
            >
              <option value="markdown">Markdown</option>
              <option value="html">HTML</option>
              <option value="text">{t('learn.plainText')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-locale`}>{t('learn.docLanguage')}</label>
            <select id={`${id}-locale`} value={docLocale} onChange={(e) => setDocLocale(e.target.value as 'fr' | 'en')}>
              <option value="fr">{t('language.fr')}</option>
              <option value="en">{t('language.en')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-file`}>{t('learn.docFile')}</label>
            <input
              id={`${id}-file`}
              type="file"
              accept=".md,.markdown,.html,.htm,.txt"
              onChange={(e) => void pick(e.target.files?.[0])}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-text`}>{t('learn.docText')}</label>
          <textarea id={`${id}-text`} rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy || !title.trim() || !text.trim()}>
            {busy ? t('learn.importing') : t('learn.generate')}
          </button>
        </div>
      </form>
      <StatusMessage status={status.status} />
      {result && (
        <div data-testid="learn-kb-result">
          <p>
            {t('learn.kbCounts', { questions: result.questions, paragraphs: result.paragraphs })}
            {skipped.length > 0 && (
              <> {t('learn.kbSkipped', { list: skipped.map(([reason, n]) => `${reason} (${n})`).join(', ') })}</>
            )}
          </p>
          {result.sample.length > 0 && <h3>{t('learn.kbSample', { count: result.sample.length })}</h3>}
          <ol className="learn-kb-sample">
            {result.sample.map((q) => (
              <li key={q.id} lang={q.locale}>
                <p>
                  <strong>{q.prompt}</strong>
                </p>
                <blockquote className="learn-source">{q.stem}</blockquote>
                {q.choices ? (
                  <ul>
                    {q.choices.map((c) => (
                      <li key={c.id}>
                        {c.text}
                        {c.correct && <strong> — {t('learn.rightAnswer')}</strong>}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p>{t('learn.expected', { answer: q.answer })}</p>
                )}
                <p className="muted">
                  {t('learn.source', {
                    title: q.source.documentTitle,
                    paragraph: q.source.paragraphIndex + 1,
                    sentence: q.source.sentenceIndex + 1,
                  })}
                  {q.source.heading && ` · ${q.source.heading}`}
                </p>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

function ContentSummary() {
  const { t } = useTranslation();
  const locale = useLocale();
  const loaded = useLoad(getLearnContent, []);
  const content = loaded.data;
  return (
    <section className="card learn-section" aria-labelledby="learn-content-title">
      <h2 id="learn-content-title">{t('learn.loadedContent')}</h2>
      {loaded.error !== null && <LoadError error={loaded.error} />}
      {content && (
        <>
          <p>
            {t('learn.contentCounts', {
              version: content.version.slice(0, 12),
              modules: content.modules.length,
              paths: content.paths.length,
              templates: content.templates.length,
            })}
          </p>
          {content.problems.length > 0 && (
            <>
              <h3>{t('learn.problems', { count: content.problems.length })}</h3>
              <ul>
                {content.problems.map((p) => (
                  <li key={`${p.file}-${p.line}-${p.reason}`}>
                    <span className={p.level === 'error' ? 'badge badge-locked' : 'badge badge-warn'}>{p.level}</span>{' '}
                    <code>
                      {p.file}:{p.line}
                    </code>{' '}
                    {p.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('learn.paths')}</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('learn.pathTitle')}</th>
                  <th scope="col">{t('learn.audience')}</th>
                  <th scope="col" className="cell-number">
                    {t('learn.modulesCount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {content.paths.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.title[locale]}</th>
                    <td>
                      <code>{p.audience}</code>
                    </td>
                    <td className="cell-number">{p.modules.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>{t('learn.templates')}</h3>
          <ul>
            {content.templates.map((tpl) => (
              <li key={tpl.id}>
                {tpl.subject[locale]}{' '}
                <span className="muted">
                  {t('learn.templateFacts', {
                    topic: topicLabel(tpl.topic, t),
                    difficulty: tpl.difficulty,
                    audiences: tpl.audiences.join(', '),
                  })}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
