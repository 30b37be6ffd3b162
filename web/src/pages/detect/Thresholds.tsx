// The behavioural detectors' thresholds as a form (windows in seconds for people, milliseconds for the API),
// checked here against the same bounds as the server so mistakes are explained next to their field; the
// per-entity adjustments that verdicts made; and the history of those adjustments, each undoable.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  type BehaviourSettings,
  type DetectChange,
  getBehaviourSettings,
  listBehaviourChanges,
  updateBehaviourSettings,
} from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { useLocale } from '../../i18n.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { ChangeLine } from './AlertVerdict.tsx';
import {
  actorName,
  entityKindLabel,
  formatDecimal,
  formatDuration,
  formatInstant,
  patternLabel,
} from './detectFormat.ts';

type Group =
  | 'general'
  | 'bruteForce'
  | 'passwordSpray'
  | 'credentialStuffing'
  | 'userEnumeration'
  | 'portScan'
  | 'webScan'
  | 'requestBurst';

type FieldName =
  | 'maxEntities'
  | 'maxEventsPerEntity'
  | 'cooldownMs'
  | 'windowMs'
  | 'bucketMs'
  | 'minFailures'
  | 'minAccounts'
  | 'maxAttemptsPerAccount'
  | 'minSources'
  | 'maxAttemptsPerSource'
  | 'minUnknownUsers'
  | 'minPorts'
  | 'minHosts'
  | 'minPaths'
  | 'minErrorRatio'
  | 'minRequests'
  | 'factor'
  | 'alpha';

interface FieldSpec {
  name: FieldName;
  /** Bounds as the server's schema states them (windows in milliseconds). */
  min: number;
  max: number;
  minExclusive?: boolean;
  integer: boolean;
  /** Shown and typed in seconds, sent in milliseconds. */
  seconds?: boolean;
}

const WEEK_MS = 7 * 24 * 3_600_000;
const ms = (name: FieldName): FieldSpec => ({ name, min: 1000, max: WEEK_MS, integer: true, seconds: true });
const count = (name: FieldName): FieldSpec => ({ name, min: 2, max: 1_000_000, integer: true });
const attempts = (name: FieldName): FieldSpec => ({ name, min: 1, max: 1000, integer: false });

const GROUPS: readonly { group: Group; fields: readonly FieldSpec[] }[] = [
  {
    group: 'general',
    fields: [
      { name: 'maxEntities', min: 10, max: 10_000_000, integer: true },
      { name: 'maxEventsPerEntity', min: 10, max: 1_000_000, integer: true },
      ms('cooldownMs'),
    ],
  },
  { group: 'bruteForce', fields: [ms('windowMs'), count('minFailures')] },
  { group: 'passwordSpray', fields: [ms('windowMs'), count('minAccounts'), attempts('maxAttemptsPerAccount')] },
  {
    group: 'credentialStuffing',
    fields: [
      ms('windowMs'),
      count('minSources'),
      count('minAccounts'),
      attempts('maxAttemptsPerAccount'),
      attempts('maxAttemptsPerSource'),
    ],
  },
  { group: 'userEnumeration', fields: [ms('windowMs'), count('minUnknownUsers')] },
  { group: 'portScan', fields: [ms('windowMs'), count('minPorts'), count('minHosts')] },
  {
    group: 'webScan',
    fields: [ms('windowMs'), count('minPaths'), { name: 'minErrorRatio', min: 0, max: 1, integer: false }],
  },
  {
    group: 'requestBurst',
    fields: [
      ms('bucketMs'),
      count('minRequests'),
      { name: 'factor', min: 1.5, max: 1000, integer: false },
      { name: 'alpha', min: 0, max: 1, minExclusive: true, integer: false },
    ],
  },
];

/** 'bruteForce/minFailures', or 'cooldownMs' for the general fields: also the server's issue path. */
type Draft = Record<string, string>;

function keyOf(group: Group, field: FieldName): string {
  return group === 'general' ? field : `${group}/${field}`;
}

function readValue(settings: BehaviourSettings, group: Group, field: FieldName): number | undefined {
  const holder = (group === 'general' ? settings : settings[group]) as unknown as Record<string, unknown>;
  const value = holder[field];
  return typeof value === 'number' ? value : undefined;
}

function toDraft(settings: BehaviourSettings): Draft {
  const draft: Draft = {};
  for (const { group, fields } of GROUPS) {
    for (const spec of fields) {
      const value = readValue(settings, group, spec.name);
      draft[keyOf(group, spec.name)] = value === undefined ? '' : String(spec.seconds ? value / 1000 : value);
    }
  }
  return draft;
}

type Issue =
  | { kind: 'number' }
  | { kind: 'integer' }
  | { kind: 'range'; spec: FieldSpec }
  | { kind: 'server'; message: string };

/** The settings the draft describes, or the issues that stop it, field by field. */
function fromDraft(
  draft: Draft,
  base: BehaviourSettings,
): { settings: BehaviourSettings; issues: Record<string, Issue[]> } {
  const settings = structuredClone(base) as unknown as Record<string, unknown>;
  const issues: Record<string, Issue[]> = {};
  for (const { group, fields } of GROUPS) {
    const holder = (group === 'general' ? settings : settings[group]) as Record<string, unknown>;
    for (const spec of fields) {
      const key = keyOf(group, spec.name);
      const text = (draft[key] ?? '').trim().replace(',', '.');
      const typed = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(typed)) {
        issues[key] = [{ kind: 'number' }];
        continue;
      }
      const value = spec.seconds ? Math.round(typed * 1000) : typed;
      if (spec.integer && !Number.isInteger(value)) issues[key] = [{ kind: 'integer' }];
      else if ((spec.minExclusive ? value <= spec.min : value < spec.min) || value > spec.max)
        issues[key] = [{ kind: 'range', spec }];
      holder[spec.name] = value;
    }
  }
  return { settings: settings as unknown as BehaviourSettings, issues };
}

/** The server's validation issues ({ path: '/bruteForce/minFailures', message }) by field key. */
function serverIssues(error: unknown): Record<string, Issue[]> | null {
  if (!(error instanceof ApiError) || error.code !== 'VIGIE_ERR_VALIDATION') return null;
  const details = error.body.details as { issues?: unknown } | undefined;
  if (!Array.isArray(details?.issues)) return null;
  const found: Record<string, Issue[]> = {};
  for (const issue of details.issues as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const key = path.replace(/^\//, '');
    found[key] = [...(found[key] ?? []), { kind: 'server', message }];
  }
  return Object.keys(found).length > 0 ? found : null;
}

export function ThresholdSettings({ editable, version }: { editable: boolean; version: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const loaded = useLoad(getBehaviourSettings, [version]);
  const data = loaded.data;
  return (
    <section className="card detect-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('detect.thresholdsTitle')}</h2>
      <p className="hint">{editable ? t('detect.thresholdsIntro') : t('detect.thresholdsIntroReadOnly')}</p>
      {loaded.error !== null && <LoadError error={loaded.error} />}
      {loaded.loading && !data && <p role="status">{t('common.loading')}</p>}
      {data && (
        <>
          <p className="hint">
            {data.updatedAt
              ? t('detect.thresholdsUpdated', {
                  time: formatInstant(data.updatedAt, locale),
                  who: data.updatedBy ? actorName(data.updatedBy) : t('common.none'),
                })
              : t('detect.thresholdsDefault')}
          </p>
          <ThresholdForm
            settings={data.settings}
            editable={editable}
            // Read back who changed them and when, as the server recorded it.
            onSaved={loaded.reload}
          />
          <Overrides settings={data.settings} />
        </>
      )}
    </section>
  );
}

function ThresholdForm({
  settings,
  editable,
  onSaved,
}: {
  settings: BehaviourSettings;
  editable: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [issues, setIssues] = useState<Record<string, Issue[]>>({});
  const [saving, setSaving] = useState(false);
  const [dirty, setDirty] = useState(false);
  const status = useStatus();

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    status.clear();
    setSaving(true);
    try {
      // Verdicts may have added per-entity adjustments since the page loaded: keep the server's, not ours.
      const fresh = await getBehaviourSettings();
      const built = fromDraft(draft, fresh.settings);
      setIssues(built.issues);
      if (Object.keys(built.issues).length > 0) return;
      const result = await updateBehaviourSettings(built.settings);
      setDraft(toDraft(result.settings));
      setDirty(false);
      onSaved();
      status.success((tr) => tr('detect.thresholdsSaved'));
    } catch (error) {
      const found = serverIssues(error);
      if (found) setIssues(found);
      else status.failure(error);
    } finally {
      setSaving(false);
    }
  }

  const issueText = (issue: Issue): string => {
    switch (issue.kind) {
      case 'number':
        return t('detect.issueNumber');
      case 'integer':
        return t('detect.issueInteger');
      case 'range': {
        const scale = issue.spec.seconds ? 1000 : 1;
        const values = {
          min: formatDecimal(issue.spec.min / scale, locale),
          max: formatDecimal(issue.spec.max / scale, locale),
        };
        return issue.spec.minExclusive ? t('detect.issueRangeAbove', values) : t('detect.issueRange', values);
      }
      case 'server':
        return issue.message;
    }
  };
  const issueCount = Object.keys(issues).length;

  return (
    <form className="settings-form" onSubmit={(event) => void submit(event)} noValidate>
      <div className="detect-threshold-groups">
        {GROUPS.map(({ group, fields }) => (
          <fieldset key={group} className="detect-threshold-group">
            <legend>{t(`detect.groups.${group}`)}</legend>
            {fields.map((spec) => {
              const key = keyOf(group, spec.name);
              const fieldId = `${id}-${key.replace('/', '-')}`;
              const fieldIssues = issues[key] ?? [];
              const value = readValue(settings, group, spec.name);
              return (
                <div className="field" key={key}>
                  <label htmlFor={fieldId}>
                    {t(`detect.fields.${spec.name}`)}
                    {spec.seconds && ` ${t('detect.inSeconds')}`}
                  </label>
                  <input
                    id={fieldId}
                    inputMode="decimal"
                    value={draft[key] ?? ''}
                    readOnly={!editable}
                    aria-invalid={fieldIssues.length > 0 ? true : undefined}
                    aria-describedby={fieldIssues.length > 0 ? `${fieldId}-issues` : undefined}
                    onChange={(event) => {
                      setDraft((previous) => ({ ...previous, [key]: event.target.value }));
                      setDirty(true);
                    }}
                  />
                  {spec.seconds && value !== undefined && <span className="hint">{formatDuration(value, locale)}</span>}
                  {fieldIssues.length > 0 && (
                    <ul id={`${fieldId}-issues`} className="field-issues">
                      {fieldIssues.map((issue, index) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: issues of one field come from one check.
                        <li key={index}>{issueText(issue)}</li>
                      ))}
                    </ul>
                  )}
                </div>
              );
            })}
          </fieldset>
        ))}
      </div>
      {editable && (
        <>
          <StatusMessage status={status.status} />
          {issueCount > 0 && (
            <p className="notice notice-error" role="alert">
              {t('detect.thresholdsInvalid', { count: issueCount })}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" disabled={saving}>
              {saving ? t('common.saving') : t('detect.saveThresholds')}
            </button>
            {dirty && <span className="muted">{t('detect.unsaved')}</span>}
          </div>
        </>
      )}
    </form>
  );
}

/** Per-entity adjustments made by verdicts: read here, changed by verdicts and their undo. */
function Overrides({ settings }: { settings: BehaviourSettings }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <>
      <h3>{t('detect.overridesTitle', { count: settings.overrides.length })}</h3>
      {settings.overrides.length === 0 ? (
        <p className="muted">{t('detect.overridesEmpty')}</p>
      ) : (
        <div className="table-wrap table-flat">
          <table className="detect-table">
            <caption className="visually-hidden">
              {t('detect.overridesTitle', { count: settings.overrides.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('detect.pattern')}</th>
                <th scope="col">{t('detect.colEntity')}</th>
                <th scope="col">{t('detect.overrideEffect')}</th>
              </tr>
            </thead>
            <tbody>
              {settings.overrides.map((override) => (
                <tr key={`${override.pattern}:${override.entity.kind}:${override.entity.value}`}>
                  <th scope="row">{patternLabel(override.pattern, t)}</th>
                  <td>
                    {entityKindLabel(override.entity.kind, t)} <code>{override.entity.value}</code>
                  </td>
                  <td>
                    {override.suppress
                      ? t('detect.overrideSuppressed')
                      : t('detect.overrideScale', { scale: formatDecimal(override.scale, locale) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function ThresholdChanges({ onUndone }: { onUndone: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const changes = useLoad(() => listBehaviourChanges(200).then((result) => result.items), []);
  return (
    <section className="card detect-section" aria-labelledby={`${id}-title`}>
      <div className="card-heading">
        <h2 id={`${id}-title`}>{t('detect.changesTitle')}</h2>
        <button type="button" className="button-secondary button-small" onClick={changes.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="hint">{t('detect.changesIntro')}</p>
      {changes.error !== null && <LoadError error={changes.error} />}
      {changes.loading && !changes.data && <p role="status">{t('common.loading')}</p>}
      {changes.data && changes.data.length === 0 && <EmptyState>{t('detect.changesEmpty')}</EmptyState>}
      {changes.data && changes.data.length > 0 && (
        <ol className="detect-history">
          {changes.data.map((change: DetectChange) => (
            <li key={change.id}>
              <p className="cell-note">
                {t('detect.changeBy', {
                  time: formatInstant(change.at, locale),
                  who: actorName(change.actor),
                  verdict:
                    change.verdict === 'true_positive'
                      ? t('detect.verdictTruePositive')
                      : t('detect.verdictFalsePositive'),
                })}
              </p>
              <ChangeLine
                change={change}
                onChange={(next) => {
                  changes.setData((previous) => (previous ?? []).map((item) => (item.id === next.id ? next : item)));
                  onUndone();
                }}
              />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
