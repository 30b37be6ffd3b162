// Learn → Content → Templates and landing pages: the organisation's own lures (subject, HTML and text bodies in
// French and English, placeholders checked by the server) and landing pages (HTML with a form, sanitised), edited in
// a text area beside a sandboxed preview the server renders; an e-mail (.eml) can be imported as a template draft.
import { type FormEvent, useEffect, useId, useState } from 'react';
import { ApiError, getLearnContent, type LearnContentSummary } from '../../api.ts';
import { ConfirmPanel } from '../../components/ConfirmPanel.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { LearnSubnav } from './LearnSubnav.tsx';
import {
  type Bilingual,
  type CustomItem,
  type CustomPreview,
  type CustomProblem,
  deleteCustom,
  importEmail,
  type LandingDraft,
  listLandings,
  listTemplates,
  previewCustom,
  saveCustom,
  type TemplateDraft,
} from './learnApi.ts';
import { useLearnText } from './learnText.ts';
import './learn.css';

type Lang = 'fr' | 'en';
const EMPTY: Bilingual = { fr: '', en: '' };

interface Lists {
  templates: CustomItem<TemplateDraft>[];
  landings: CustomItem<LandingDraft>[];
  content: LearnContentSummary;
}

async function loadLists(): Promise<Lists> {
  const [templates, landings, content] = await Promise.all([listTemplates(), listLandings(), getLearnContent()]);
  return { templates, landings, content };
}

type Editing =
  | { kind: 'template'; id?: string; draft: TemplateDraft }
  | { kind: 'landing'; id?: string; draft: LandingDraft };

const NEW_TEMPLATE: TemplateDraft = {
  name: '',
  senderName: { ...EMPTY },
  subject: { ...EMPTY },
  html: {
    fr: '<p>Bonjour {{first_name}},</p>\n<p><a href="{{link}}">Ouvrir le document</a></p>',
    en: '<p>Hello {{first_name}},</p>\n<p><a href="{{link}}">Open the document</a></p>',
  },
  landing: 'sso-login',
  difficulty: 2,
  topic: 'ai-phishing',
  audiences: ['all-staff'],
  cues: [],
};

const NEW_LANDING: LandingDraft = {
  name: '',
  title: { ...EMPTY },
  html: {
    fr: '<h1>Connexion</h1>\n<form>\n  <label>E-mail <input name="email" type="email"></label>\n  <label>Mot de passe <input name="password" type="password"></label>\n  <button>Se connecter</button>\n</form>',
    en: '<h1>Sign in</h1>\n<form>\n  <label>E-mail <input name="email" type="email"></label>\n  <label>Password <input name="password" type="password"></label>\n  <button>Sign in</button>\n</form>',
  },
};

export function TemplatesView() {
  const l = useLearnText();
  const manage = can(useSession(), 'learn:manage');
  const lists = useLoad(loadLists, []);
  const [editing, setEditing] = useState<Editing | null>(null);
  const done = () => {
    setEditing(null);
    lists.reload();
  };
  return (
    <>
      <LearnSubnav area="content" />
      <div className="page-heading">
        <h1>{l('templatesTitle')}</h1>
        {manage && (
          <div className="button-row">
            <button
              type="button"
              onClick={() => setEditing({ kind: 'template', draft: structuredClone(NEW_TEMPLATE) })}
              disabled={editing !== null}
            >
              {l('newTemplate')}
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => setEditing({ kind: 'landing', draft: structuredClone(NEW_LANDING) })}
              disabled={editing !== null}
            >
              {l('newLanding')}
            </button>
          </div>
        )}
      </div>
      <p className="page-intro">{l('templatesIntro')}</p>
      {lists.error !== null && <LoadError error={lists.error} />}
      {editing && lists.data && (
        <Editor key={editing.id ?? editing.kind} editing={editing} lists={lists.data} onDone={done} />
      )}
      {lists.data && (
        <>
          <ItemList
            kind="template"
            items={lists.data.templates}
            manage={manage}
            onEdit={(item) => setEditing({ kind: 'template', id: item.id, draft: item.data as TemplateDraft })}
            onDeleted={lists.reload}
          />
          <ItemList
            kind="landing"
            items={lists.data.landings}
            manage={manage}
            onEdit={(item) => {
              // The stored page also lists its fields and may have no teaching text: the draft takes neither.
              const {
                fields: _fields,
                teaching,
                ...rest
              } = item.data as LandingDraft & { fields?: unknown; teaching?: Bilingual | null };
              setEditing({ kind: 'landing', id: item.id, draft: { ...rest, ...(teaching ? { teaching } : {}) } });
            }}
            onDeleted={lists.reload}
          />
        </>
      )}
    </>
  );
}

function ItemList({
  kind,
  items,
  manage,
  onEdit,
  onDeleted,
}: {
  kind: 'template' | 'landing';
  items: CustomItem<TemplateDraft | LandingDraft>[];
  manage: boolean;
  onEdit: (item: CustomItem<TemplateDraft | LandingDraft>) => void;
  onDeleted: () => void;
}) {
  const l = useLearnText();
  const locale = useLocale();
  const id = useId();
  const status = useStatus();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function remove(itemId: string): Promise<void> {
    setBusy(true);
    try {
      await deleteCustom(kind, itemId);
      setConfirming(null);
      onDeleted();
    } catch (error) {
      status.failure(error);
      setConfirming(null);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card learn-section" aria-labelledby={`${id}-title`} data-testid={`learn-org-${kind}s`}>
      <h2 id={`${id}-title`}>{kind === 'template' ? l('orgTemplates') : l('orgLandings')}</h2>
      {items.length === 0 ? (
        <EmptyState>{l('noneYet')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{l('name')}</th>
                <th scope="col">{kind === 'template' ? l('subject') : l('title')}</th>
                <th scope="col">{l('updated')}</th>
                {manage && <th scope="col" aria-label={l('edit')} />}
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <th scope="row">
                    {item.name} <code className="muted">{item.id}</code>
                  </th>
                  <td>
                    {'subject' in item.data
                      ? item.data.subject[locale]
                      : 'title' in item.data
                        ? item.data.title[locale]
                        : ''}
                  </td>
                  <td>{formatDateTime(item.updatedAt, locale)}</td>
                  {manage && (
                    <td className="learn-actions">
                      <button type="button" className="button-secondary" onClick={() => onEdit(item)}>
                        {l('edit')}
                      </button>{' '}
                      <button type="button" className="button-danger" onClick={() => setConfirming(item.id)}>
                        {l('delete')}
                      </button>
                      {confirming === item.id && (
                        <ConfirmPanel
                          question={l('confirmDelete', { name: item.name })}
                          confirmLabel={l('delete')}
                          busy={busy}
                          onConfirm={() => void remove(item.id)}
                          onCancel={() => setConfirming(null)}
                        />
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <StatusMessage status={status.status} />
    </section>
  );
}

function problemsOf(error: unknown): CustomProblem[] | null {
  if (!(error instanceof ApiError)) return null;
  const details = error.body.details as { problems?: CustomProblem[] } | undefined;
  return Array.isArray(details?.problems) ? details.problems : null;
}

function Editor({ editing, lists, onDone }: { editing: Editing; lists: Lists; onDone: () => void }) {
  const l = useLearnText();
  const uiLocale = useLocale();
  const id = useId();
  const status = useStatus();
  const [lang, setLang] = useState<Lang>(uiLocale);
  const [draft, setDraft] = useState<TemplateDraft | LandingDraft>(editing.draft);
  const [preview, setPreview] = useState<CustomPreview | null>(null);
  const [problems, setProblems] = useState<CustomProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const isTemplate = editing.kind === 'template';
  const template = draft as TemplateDraft;
  const landing = draft as LandingDraft;

  // The server validates and renders the draft: the preview is what would be sent or served.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      previewCustom(editing.kind, lang, draft).then(
        (answer) => {
          if (!current) return;
          setPreview(answer);
          setProblems(answer.problems);
        },
        (error: unknown) => {
          if (!current) return;
          setPreview(null);
          setProblems(problemsOf(error) ?? []);
        },
      );
    }, 500);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [draft, lang, editing.kind]);

  const setText = (field: 'senderName' | 'subject' | 'html' | 'text' | 'title' | 'teaching', value: string) =>
    setDraft((d) => {
      const previous = ((d as unknown as Record<string, Bilingual | undefined>)[field] ?? EMPTY) as Bilingual;
      return { ...d, [field]: { ...previous, [lang]: value } };
    });
  const textOf = (field: 'senderName' | 'subject' | 'html' | 'text' | 'title' | 'teaching'): string =>
    ((draft as unknown as Record<string, Bilingual | undefined>)[field] ?? EMPTY)[lang];

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    status.clear();
    setBusy(true);
    try {
      await saveCustom(editing.kind, draft, editing.id);
      status.success(() => l('saved'));
      onDone();
    } catch (error) {
      const found = problemsOf(error);
      if (found) setProblems(found);
      else status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  const landings = lists.content.landings;
  const topics = [...new Set(lists.content.modules.map((m) => m.topic))].sort();
  return (
    <section className="card learn-section learn-editor" aria-labelledby={`${id}-title`} data-testid="learn-editor">
      <h2 id={`${id}-title`}>
        {isTemplate
          ? editing.id
            ? l('editTemplate')
            : l('newTemplate')
          : editing.id
            ? l('editLanding')
            : l('newLanding')}
      </h2>
      {isTemplate && !editing.id && <EmlImport onDraft={(d) => setDraft((x) => ({ ...x, ...d }))} />}
      <form className="form-stack" onSubmit={(e) => void save(e)}>
        <div className="learn-form-row">
          <div className="field">
            <label htmlFor={`${id}-name`}>{l('name')}</label>
            <input
              id={`${id}-name`}
              required
              maxLength={200}
              value={draft.name}
              onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-lang`}>{l('language')}</label>
            <select id={`${id}-lang`} value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
              <option value="fr">Français</option>
              <option value="en">English</option>
            </select>
          </div>
        </div>
        {isTemplate ? (
          <>
            <div className="learn-form-row">
              <div className="field">
                <label htmlFor={`${id}-sender`}>{l('senderName')}</label>
                <input
                  id={`${id}-sender`}
                  maxLength={200}
                  value={textOf('senderName')}
                  onChange={(e) => setText('senderName', e.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-subject`}>{l('subject')}</label>
                <input
                  id={`${id}-subject`}
                  maxLength={500}
                  value={textOf('subject')}
                  onChange={(e) => setText('subject', e.target.value)}
                />
              </div>
            </div>
            <div className="learn-form-row">
              <div className="field">
                <label htmlFor={`${id}-landing`}>{l('landing')}</label>
                <select
                  id={`${id}-landing`}
                  value={template.landing}
                  onChange={(e) => setDraft((d) => ({ ...d, landing: e.target.value }))}
                >
                  {landings.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.title[uiLocale]} ({x.origin === 'organisation' ? x.id : x.id})
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${id}-topic`}>{l('topic')}</label>
                <select
                  id={`${id}-topic`}
                  value={template.topic ?? 'ai-phishing'}
                  onChange={(e) => setDraft((d) => ({ ...d, topic: e.target.value }))}
                >
                  {topics.map((x) => (
                    <option key={x} value={x}>
                      {x}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${id}-difficulty`}>{l('difficulty')}</label>
                <select
                  id={`${id}-difficulty`}
                  value={template.difficulty ?? 2}
                  onChange={(e) => setDraft((d) => ({ ...d, difficulty: Number(e.target.value) as 1 | 2 | 3 }))}
                >
                  <option value={1}>1</option>
                  <option value={2}>2</option>
                  <option value={3}>3</option>
                </select>
              </div>
            </div>
            <p className="hint">{l('placeholders')}</p>
          </>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${id}-title-input`}>{l('title')}</label>
              <input
                id={`${id}-title-input`}
                maxLength={200}
                value={textOf('title')}
                onChange={(e) => setText('title', e.target.value)}
              />
            </div>
            <p className="hint">{l('landingHint')}</p>
          </>
        )}
        <div className="learn-editor-split">
          <div className="field">
            <label htmlFor={`${id}-html`}>{isTemplate ? l('htmlBody') : l('html')}</label>
            <textarea
              id={`${id}-html`}
              className="learn-code"
              rows={16}
              spellCheck={false}
              value={textOf('html')}
              onChange={(e) => setText('html', e.target.value)}
            />
          </div>
          <div className="field">
            <span className="learn-preview-label">{l('preview')}</span>
            {preview?.subject !== undefined && (
              <p className="learn-preview-subject">
                <strong>{preview.senderName}</strong> — {preview.subject}
              </p>
            )}
            <iframe
              title={l('preview')}
              className="learn-preview"
              sandbox=""
              srcDoc={preview?.html ?? ''}
              data-testid="learn-preview"
            />
            <p className="hint">{l('previewHint')}</p>
            {preview?.fields && preview.fields.length > 0 && (
              <p className="hint">{l('fieldsKept', { list: preview.fields.map((f) => f.name).join(', ') })}</p>
            )}
          </div>
        </div>
        {isTemplate ? (
          <>
            <div className="field">
              <label htmlFor={`${id}-text`}>{l('textBody')}</label>
              <textarea
                id={`${id}-text`}
                className="learn-code"
                rows={6}
                value={textOf('text')}
                onChange={(e) => setText('text', e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-cues`}>{l('cues')}</label>
              <textarea
                id={`${id}-cues`}
                rows={3}
                value={(template.cues ?? []).map((c) => c[lang]).join('\n')}
                onChange={(e) => {
                  const lines = e.target.value.split('\n');
                  setDraft((d) => {
                    const old = (d as TemplateDraft).cues ?? [];
                    const count = Math.max(lines.length, old.length);
                    const cues = Array.from({ length: count }, (_, i) => ({
                      ...(old[i] ?? EMPTY),
                      [lang]: lines[i] ?? '',
                    })).filter((c) => c.fr || c.en);
                    return { ...d, cues: cues.slice(0, 10) };
                  });
                }}
              />
            </div>
          </>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-teaching`}>{l('teaching')}</label>
            <textarea
              id={`${id}-teaching`}
              rows={4}
              value={landing.teaching?.[lang] ?? ''}
              onChange={(e) => setText('teaching', e.target.value)}
            />
          </div>
        )}
        {problems.length > 0 && (
          <div className="notice notice-error" role="alert" data-testid="learn-editor-problems">
            <p>{l('problems')}</p>
            <ul>
              {problems.map((p) => (
                <li key={`${p.path}-${p.en}`}>
                  <code>{p.path}</code> {p[uiLocale]}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="button-row">
          <button type="submit" disabled={busy || !draft.name.trim()}>
            {l('save')}
          </button>
          <button type="button" className="button-secondary" onClick={onDone}>
            {l('cancel')}
          </button>
        </div>
        <StatusMessage status={status.status} />
      </form>
    </section>
  );
}

function EmlImport({ onDraft }: { onDraft: (draft: Partial<TemplateDraft>) => void }) {
  const l = useLearnText();
  const id = useId();
  const status = useStatus();
  const [raw, setRaw] = useState('');
  const [links, setLinks] = useState(true);
  const [busy, setBusy] = useState(false);
  async function run(): Promise<void> {
    status.clear();
    setBusy(true);
    try {
      const { draft } = await importEmail(raw, links);
      onDraft(draft);
      status.success(() => l('imported'));
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }
  return (
    <details className="learn-import">
      <summary>{l('importEml')}</summary>
      <p className="hint">{l('importHint')}</p>
      <div className="field">
        <label htmlFor={`${id}-raw`}>{l('rawMessage')}</label>
        <textarea
          id={`${id}-raw`}
          className="learn-code"
          rows={6}
          spellCheck={false}
          value={raw}
          onChange={(e) => setRaw(e.target.value)}
        />
      </div>
      <input
        type="file"
        accept=".eml,message/rfc822"
        aria-label={l('importEml')}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void file.text().then(setRaw);
        }}
      />
      <label className="checkbox">
        <input type="checkbox" checked={links} onChange={(e) => setLinks(e.target.checked)} />
        <span>{l('linksToTracked')}</span>
      </label>
      <button type="button" className="button-secondary" disabled={busy || !raw.trim()} onClick={() => void run()}>
        {l('importButton')}
      </button>
      <StatusMessage status={status.status} />
    </details>
  );
}
