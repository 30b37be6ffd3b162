// Learn → Campaigns: a target group imported from CSV pasted or chosen as a file; lines that could not be read are
// listed with their number and reason, never dropped silently.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, importLearnGroup, type LearnProblem } from '../../api.ts';
import { StatusMessage } from '../../components/StatusMessage.tsx';
import { useStatus } from '../../status.ts';

const MAX_CSV_BYTES = 5_000_000;

function problemsOf(error: unknown): LearnProblem[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.body.details;
  if (typeof details !== 'object' || details === null) return [];
  const problems = (details as { problems?: unknown }).problems;
  return Array.isArray(problems)
    ? problems.filter(
        (p): p is LearnProblem => typeof p === 'object' && p !== null && typeof (p as LearnProblem).line === 'number',
      )
    : [];
}

export function GroupImport({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const status = useStatus();
  const [name, setName] = useState('');
  const [csv, setCsv] = useState('');
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<LearnProblem[]>([]);

  async function pick(file: File | undefined): Promise<void> {
    if (!file) return;
    if (file.size > MAX_CSV_BYTES) {
      status.failure(new ApiError('VIGIE_ERR_VALIDATION', 413, t('learn.csvTooLarge'), {}, null));
      return;
    }
    setCsv(await file.text());
    if (!name.trim()) setName(file.name.replace(/\.csv$/i, ''));
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    status.clear();
    setProblems([]);
    try {
      const result = await importLearnGroup(name.trim(), csv);
      setProblems(result.problems);
      status.success((tr) =>
        tr('learn.groupImported', {
          name: result.group.name,
          count: result.group.targets,
          matched: result.matchedAccounts,
        }),
      );
      setCsv('');
      setName('');
      onImported();
    } catch (error) {
      setProblems(problemsOf(error));
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card learn-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('learn.importGroup')}</h2>
      <p className="hint" id={`${id}-hint`}>
        {t('learn.csvHint')}
      </p>
      <form className="form-stack" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('learn.groupName')}</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={200}
            required
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('learn.csvFile')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => void pick(event.target.files?.[0])}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-csv`}>{t('learn.csvText')}</label>
          <textarea
            id={`${id}-csv`}
            rows={6}
            value={csv}
            aria-describedby={`${id}-hint`}
            spellCheck={false}
            onChange={(event) => setCsv(event.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy || !name.trim() || !csv.trim()}>
            {busy ? t('learn.importing') : t('learn.import')}
          </button>
        </div>
      </form>
      <StatusMessage status={status.status} />
      {problems.length > 0 && (
        <div data-testid="learn-group-problems">
          <h3>{t('learn.problems', { count: problems.length })}</h3>
          <ul>
            {problems.map((p) => (
              <li key={`${p.line}-${p.reason}`}>{t('learn.problemLine', { line: p.line, reason: p.reason })}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
