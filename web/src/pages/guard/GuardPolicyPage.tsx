// Guard → Policy: the YAML policy in a text area (problems shown at their line), and its versions — any of them can
// be shown, and an administrator can activate an older one (rollback). Readers see it all but cannot change it.
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  activateGuardPolicy,
  checkGuardPolicy,
  type GuardPolicyProblem,
  type GuardPolicyVersion,
  listGuardPolicyVersions,
  saveGuardPolicy,
} from '../../api.ts';
import { StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';

function problemsOf(error: unknown): GuardPolicyProblem[] | null {
  if (!(error instanceof ApiError)) return null;
  const details = error.body.details as { problems?: GuardPolicyProblem[] } | undefined;
  return Array.isArray(details?.problems) ? details.problems : null;
}

export function GuardPolicyPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const editable = can(session, 'guard:settings');
  const id = useId();
  const status = useStatus();
  const versions = useLoad(() => listGuardPolicyVersions(), []);
  const [shown, setShown] = useState<GuardPolicyVersion | null>(null);
  const [yaml, setYaml] = useState('');
  const [note, setNote] = useState('');
  const [problems, setProblems] = useState<GuardPolicyProblem[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const active = versions.data?.find((v) => v.active);
    if (active && shown === null) {
      setShown(active);
      setYaml(active.yaml);
    }
  }, [versions.data, shown]);

  function show(version: GuardPolicyVersion): void {
    setShown(version);
    setYaml(version.yaml);
    setProblems([]);
    status.clear();
  }

  async function check(): Promise<void> {
    status.clear();
    try {
      const result = await checkGuardPolicy(yaml);
      setProblems(result.problems);
      if (result.valid) status.success((tr) => tr('guard.valid'));
    } catch (error) {
      status.failure(error);
    }
  }

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    status.clear();
    try {
      const saved = await saveGuardPolicy(yaml, note.trim() || null);
      setProblems([]);
      setNote('');
      setShown(saved);
      versions.reload();
      status.success((tr) => tr('guard.saved'));
    } catch (error) {
      setProblems(problemsOf(error) ?? []);
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  async function activate(version: GuardPolicyVersion): Promise<void> {
    status.clear();
    try {
      const active = await activateGuardPolicy(version.id);
      setShown(active);
      setYaml(active.yaml);
      versions.reload();
      status.success((tr) => tr('guard.activated'));
    } catch (error) {
      status.failure(error);
    }
  }

  const lines = yaml.split('\n');
  return (
    <>
      <div className="page-heading">
        <h1>{t('guard.policyTitle')}</h1>
      </div>
      <p className="page-intro">{t('guard.policyIntro')}</p>
      {!editable && <p className="notice">{t('guard.readOnly')}</p>}
      <section className="card" aria-labelledby={`${id}-editor`}>
        <h2 id={`${id}-editor`}>
          {t('guard.shownVersion')}: <code>{shown ? shown.version.slice(0, 19) : '…'}</code>
          {shown?.active && <span className="badge badge-active"> {t('guard.active')}</span>}
        </h2>
        <form className="form-stack" onSubmit={(event) => void save(event)}>
          <div className="field">
            <label htmlFor={`${id}-yaml`}>{t('guard.policyLabel')}</label>
            <textarea
              id={`${id}-yaml`}
              data-testid="guard-policy-yaml"
              rows={24}
              spellCheck={false}
              readOnly={!editable}
              value={yaml}
              style={{ fontFamily: 'monospace', fontSize: '0.85rem' }}
              aria-invalid={problems.length > 0 ? true : undefined}
              aria-describedby={problems.length > 0 ? `${id}-problems` : undefined}
              onChange={(event) => {
                setYaml(event.target.value);
                setProblems([]);
              }}
            />
          </div>
          {problems.length > 0 && (
            <div id={`${id}-problems`} className="notice notice-error" data-testid="guard-policy-problems">
              <strong>{t('guard.problems')}</strong>
              <ul>
                {problems.map((p) => (
                  <li key={`${p.line}-${p.path}-${p.message}`}>
                    {t('guard.problemAt', { line: p.line, message: p.path ? `${p.path}: ${p.message}` : p.message })}
                    {lines[p.line - 1] !== undefined && (
                      <pre style={{ margin: '0.25rem 0', whiteSpace: 'pre-wrap' }}>
                        {p.line} | {lines[p.line - 1]}
                      </pre>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {editable && (
            <>
              <div className="field">
                <label htmlFor={`${id}-note`}>{t('guard.note')}</label>
                <input
                  id={`${id}-note`}
                  value={note}
                  maxLength={500}
                  onChange={(event) => setNote(event.target.value)}
                />
              </div>
              <div className="form-actions">
                <button type="button" className="button-secondary" onClick={() => void check()}>
                  {t('guard.check')}
                </button>
                <button type="submit" disabled={busy}>
                  {busy ? t('guard.saving') : t('guard.save')}
                </button>
              </div>
            </>
          )}
        </form>
        <StatusMessage status={status.status} />
      </section>
      <section className="card" aria-labelledby={`${id}-versions`} data-testid="guard-policy-versions">
        <h2 id={`${id}-versions`}>{t('guard.versions')}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('guard.version')}</th>
                <th scope="col">{t('guard.created')}</th>
                <th scope="col">{t('guard.author')}</th>
                <th scope="col">{t('guard.note')}</th>
                <th scope="col" className="cell-number">
                  {t('guard.rules')}
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t('guard.action')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(versions.data ?? []).map((v) => (
                <tr key={v.id}>
                  <td>
                    <code>{v.version.slice(7, 19)}</code>{' '}
                    {v.shipped && <span className="badge">{t('guard.shipped')}</span>}{' '}
                    {v.active && <span className="badge badge-active">{t('guard.active')}</span>}
                  </td>
                  <td>{v.createdAt ? formatDateTime(v.createdAt, locale) : '—'}</td>
                  <td>{v.author ?? '—'}</td>
                  <td>{v.note ?? ''}</td>
                  <td className="cell-number">{v.rules}</td>
                  <td>
                    <div className="button-row">
                      <button type="button" className="button-secondary button-small" onClick={() => show(v)}>
                        {t('guard.show')}
                      </button>
                      {editable && !v.active && (
                        <button type="button" className="button-small" onClick={() => void activate(v)}>
                          {t('guard.activate')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
