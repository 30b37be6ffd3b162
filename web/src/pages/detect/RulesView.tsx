// Detect → Rules: the Sigma rules in force (the folder and imported packs) with a switch each, the rules that
// failed to compile and why, a pack import from files chosen in the browser, and the behavioural thresholds
// with the history of analysts' changes. detect:read sees it all; detect:settings changes it.
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type DetectRule,
  type DetectRuleProblem,
  type DetectRules,
  getDetectRules,
  importDetectRules,
  setDetectRuleEnabled,
} from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { TechniqueIds } from './DetectParts.tsx';
import { actorName, formatInstant } from './detectFormat.ts';
import { ThresholdChanges, ThresholdSettings } from './Thresholds.tsx';

/** Rows drawn at once: the whole SigmaHQ tree is thousands of rules; the search narrows it. */
const SHOWN = 200;
const MAX_FILE_BYTES = 1024 * 1024;

export function RulesView() {
  const { t } = useTranslation();
  const session = useSession();
  const rules = useLoad(getDetectRules, []);
  const editable = can(session, 'detect:settings');
  const [settingsVersion, setSettingsVersion] = useState(0);
  return (
    <>
      <div className="page-heading">
        <h1>{t('detect.rulesTitle')}</h1>
        <button type="button" className="button-secondary" onClick={rules.reload} disabled={rules.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">{editable ? t('detect.rulesIntro') : t('detect.rulesIntroReadOnly')}</p>
      {editable && <ImportPack onImported={rules.reload} />}
      {rules.error !== null && <LoadError error={rules.error} />}
      {rules.loading && !rules.data && <p role="status">{t('common.loading')}</p>}
      {rules.data && (
        <>
          <RuleList
            data={rules.data}
            editable={editable}
            onToggled={(ruleId, enabled) =>
              rules.setData((previous) =>
                previous
                  ? { ...previous, rules: previous.rules.map((r) => (r.id === ruleId ? { ...r, enabled } : r)) }
                  : previous,
              )
            }
          />
          <section className="card detect-section" aria-labelledby="detect-problems-title">
            <h2 id="detect-problems-title">{t('detect.problemsTitle', { count: rules.data.problems.length })}</h2>
            {rules.data.problems.length === 0 ? (
              <p className="muted">{t('detect.problemsEmpty')}</p>
            ) : (
              <ProblemTable problems={rules.data.problems} caption={t('detect.problemsCaption')} />
            )}
          </section>
        </>
      )}
      {/* An undone change moves an entity's adjustment: the settings card reads them again. */}
      <ThresholdSettings editable={editable} version={settingsVersion} />
      <ThresholdChanges onUndone={() => setSettingsVersion((v) => v + 1)} />
    </>
  );
}

function ImportPack({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ rules: number; files: number; problems: DetectRuleProblem[] } | null>(null);
  const status = useStatus();
  /** A mistake caught before sending: no file chosen, or one larger than the server takes. */
  const [problem, setProblem] = useState<{ kind: 'noFiles' } | { kind: 'tooLarge'; name: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    status.clear();
    setResult(null);
    setProblem(null);
    const tooLarge = files.find((file) => file.size > MAX_FILE_BYTES);
    if (files.length === 0 || tooLarge) {
      setProblem(tooLarge ? { kind: 'tooLarge', name: tooLarge.name } : { kind: 'noFiles' });
      input.current?.focus();
      return;
    }
    setBusy(true);
    try {
      // A folder chosen whole keeps its inner paths, so problems name the file as it sits in the pack.
      const texts = await Promise.all(
        files.map(async (file) => ({ path: file.webkitRelativePath || file.name, text: await file.text() })),
      );
      const packName = name.trim() || files[0]?.name || 'pack';
      const imported = await importDetectRules(packName, texts);
      setResult({ rules: imported.rules, files: imported.pack.files, problems: imported.problems });
      status.success((tr) => tr('detect.imported', { name: imported.pack.name }));
      setFiles([]);
      setName('');
      if (input.current) input.current.value = '';
      onImported();
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card detect-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('detect.importTitle')}</h2>
      <p className="hint">{t('detect.importHint')}</p>
      <form className="detect-import" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-name`}>
            {t('detect.packName')} <span className="muted">{t('common.optional')}</span>
          </label>
          <input id={`${id}-name`} value={name} maxLength={120} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-files`}>{t('detect.packFiles')}</label>
          <input
            id={`${id}-files`}
            ref={input}
            type="file"
            multiple
            accept=".yml,.yaml"
            aria-describedby={`${id}-files-hint${problem ? ` ${id}-files-problem` : ''}`}
            aria-invalid={problem ? true : undefined}
            onChange={(event) => {
              setFiles(Array.from(event.target.files ?? []));
              setProblem(null);
            }}
          />
          <p id={`${id}-files-hint`} className="hint">
            {t('detect.packFilesChosen', { count: files.length })}
          </p>
          {problem && (
            <p id={`${id}-files-problem`} className="field-issues" role="alert">
              {problem.kind === 'noFiles'
                ? t('detect.importChooseFiles')
                : t('detect.importTooLarge', { name: problem.name })}
            </p>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? t('detect.importing') : t('detect.importSubmit')}
          </button>
        </div>
      </form>
      <StatusMessage status={status.status} />
      {result && (
        <div className="detect-import-result" data-testid="import-result">
          <p>
            {t('detect.importResult', {
              rules: result.rules,
              files: result.files,
              problems: result.problems.length,
            })}
          </p>
          {result.problems.length > 0 && (
            <ProblemTable problems={result.problems} caption={t('detect.importProblemsCaption')} />
          )}
        </div>
      )}
    </section>
  );
}

function matches(rule: DetectRule, needle: string): boolean {
  if (!needle) return true;
  const haystack = [
    rule.title,
    rule.id,
    rule.file,
    rule.originName,
    rule.level ?? '',
    ...rule.attack.techniques.flatMap((technique) => [technique.id, technique.name ?? '']),
    ...rule.attack.tactics.flatMap((tactic) => [tactic.id, tactic.name]),
  ]
    .join('\n')
    .toLowerCase();
  return needle
    .split(/\s+/)
    .filter((word) => word !== '')
    .every((word) => haystack.includes(word));
}

function RuleList({
  data,
  editable,
  onToggled,
}: {
  data: DetectRules;
  editable: boolean;
  onToggled: (id: string, enabled: boolean) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const [search, setSearch] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const status = useStatus();
  const found = data.rules.filter((rule) => matches(rule, search.trim().toLowerCase()));
  const shown = found.slice(0, SHOWN);
  const enabled = data.rules.filter((rule) => rule.enabled).length;

  async function toggle(rule: DetectRule, next: boolean): Promise<void> {
    setBusy(rule.id);
    status.clear();
    // The switch follows the hand at once; a refusal from the server puts it back and says why.
    onToggled(rule.id, next);
    try {
      const result = await setDetectRuleEnabled(rule.id, next);
      onToggled(result.id, result.enabled);
      status.success((tr) =>
        result.enabled
          ? tr('detect.ruleEnabled', { title: rule.title })
          : tr('detect.ruleDisabled', { title: rule.title }),
      );
    } catch (error) {
      onToggled(rule.id, rule.enabled);
      status.failure(error);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card detect-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('detect.rulesListTitle', { count: data.rules.length })}</h2>
      <p className="hint">
        {t('detect.rulesSummary', {
          enabled: formatNumber(enabled, locale),
          total: formatNumber(data.rules.length, locale),
          packs: formatNumber(data.packs.length, locale),
          count: data.packs.length,
        })}
        {data.rulesDir && ` ${t('detect.rulesDir', { dir: data.rulesDir })}`}
      </p>
      {data.packs.length > 0 && (
        <ul className="detect-packs">
          {data.packs.map((pack) => (
            <li key={pack.id}>
              {t('detect.packLine', {
                name: pack.name,
                files: pack.files,
                time: formatInstant(pack.importedAt, locale),
                who: actorName(pack.importedBy),
              })}
            </li>
          ))}
        </ul>
      )}
      {data.rules.length === 0 ? (
        <EmptyState>{t('detect.rulesEmpty')}</EmptyState>
      ) : (
        <>
          <div className="field detect-search">
            <label htmlFor={`${id}-search`}>{t('detect.searchRules')}</label>
            <input
              id={`${id}-search`}
              type="search"
              value={search}
              aria-describedby={`${id}-count`}
              onChange={(event) => setSearch(event.target.value)}
            />
            <p id={`${id}-count`} className="hint" aria-live="polite">
              {found.length > shown.length
                ? t('detect.searchShown', { shown: shown.length, count: found.length })
                : t('detect.searchFound', { count: found.length })}
            </p>
          </div>
          <StatusMessage status={status.status} />
          {shown.length > 0 && (
            <div className="table-wrap">
              <table className="detect-table">
                <caption className="visually-hidden">{t('detect.rulesCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('detect.colEnabled')}</th>
                    <th scope="col">{t('detect.colRule')}</th>
                    <th scope="col">{t('detect.colLevel')}</th>
                    <th scope="col">{t('detect.colAttack')}</th>
                    <th scope="col">{t('detect.colFile')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((rule) => (
                    <tr key={`${rule.kind}:${rule.id}`}>
                      <td>
                        {editable ? (
                          <label className="checkbox">
                            <input
                              type="checkbox"
                              checked={rule.enabled}
                              disabled={busy === rule.id}
                              onChange={(event) => void toggle(rule, event.target.checked)}
                            />
                            <span className="visually-hidden">{t('detect.ruleSwitch', { title: rule.title })}</span>
                            <span aria-hidden="true">{rule.enabled ? t('detect.on') : t('detect.off')}</span>
                          </label>
                        ) : (
                          <span className={rule.enabled ? 'badge badge-ok' : 'badge badge-muted'}>
                            {rule.enabled ? t('detect.on') : t('detect.off')}
                          </span>
                        )}
                      </td>
                      <th scope="row" className="detect-cell-title">
                        <span className="finding-title">{rule.title}</span>
                        <span className="cell-note">
                          {rule.kind === 'correlation' ? `${t('detect.kindCorrelation')} · ` : ''}
                          <code>{rule.id}</code>
                          {rule.status && ` · ${rule.status}`}
                        </span>
                      </th>
                      <td>{rule.level ?? <span className="muted">{t('common.none')}</span>}</td>
                      <td>
                        <TechniqueIds attack={rule.attack} />
                      </td>
                      <td className="cell-break-any">
                        <code>
                          {rule.file}:{rule.line}
                        </code>
                        <span className="cell-note">{rule.originName}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function ProblemTable({ problems, caption }: { problems: DetectRuleProblem[]; caption: string }) {
  const { t } = useTranslation();
  const shown = problems.slice(0, 500);
  return (
    <div className="table-wrap table-flat">
      <table className="detect-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('detect.colFile')}</th>
            <th scope="col" className="cell-number">
              {t('detect.colLine')}
            </th>
            <th scope="col">{t('detect.colRule')}</th>
            <th scope="col">{t('detect.colReason')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((problem, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one file may fail twice at the same line.
            <tr key={`${problem.file}:${problem.line}:${index}`}>
              <th scope="row" className="cell-break-any">
                <code>{problem.file}</code>
                <span className="cell-note">{problem.originName}</span>
              </th>
              <td className="cell-number">{problem.line}</td>
              <td className="cell-break-any">{problem.rule ?? <span className="muted">{t('common.none')}</span>}</td>
              <td className="cell-break-any">{problem.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.length > shown.length && (
        <p className="hint">{t('detect.problemsMore', { count: problems.length - shown.length })}</p>
      )}
    </div>
  );
}
