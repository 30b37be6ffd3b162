// Mail → Settings: what the engine knows about the organisation (its domains, VIP names, brands to protect,
// allow-lists) and which model version decides. mail:read shows them; mail:settings changes them.
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, getMailSettings, type MailSettings, updateMailSettings } from '../../api.ts';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { ModelVersions } from './ModelVersions.tsx';

type ListField =
  | 'organisationDomains'
  | 'vipNames'
  | 'vipAddresses'
  | 'allowedSenderDomains'
  | 'allowedLinkDomains'
  | 'trustedAuthservIds';

const LIST_FIELDS: readonly ListField[] = [
  'organisationDomains',
  'vipNames',
  'vipAddresses',
  'allowedSenderDomains',
  'allowedLinkDomains',
  'trustedAuthservIds',
];

/**
 * One entry per line; domains may also be separated by commas (a pasted list). Spaces do not separate:
 * "not a domain" stays one entry, so the server's complaint names what was typed.
 */
const SPLIT: Record<ListField, RegExp> = {
  organisationDomains: /[\n,;]+/,
  vipNames: /\n/,
  vipAddresses: /[\n,;]+/,
  allowedSenderDomains: /[\n,;]+/,
  allowedLinkDomains: /[\n,;]+/,
  trustedAuthservIds: /[\n,;]+/,
};

interface BrandDraft {
  key: number;
  name: string;
  domains: string;
  keywords: string;
}

interface Draft {
  lists: Record<ListField, string>;
  brands: BrandDraft[];
}

/** A problem the server found, placed next to the field it concerns. */
interface FieldIssue {
  /** 'organisationDomains', or 'extraBrands.2.domains' for a brand's field. */
  field: string;
  /** 1-based position of the faulty entry in its list, when the server named one. */
  entry: number | null;
  /** The faulty entry as sent, to quote it. */
  value: string | null;
  message: string;
}

function splitList(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

let nextBrandKey = 0;

function toDraft(settings: MailSettings): Draft {
  return {
    lists: {
      organisationDomains: settings.organisationDomains.join('\n'),
      vipNames: settings.vipNames.join('\n'),
      vipAddresses: settings.vipAddresses.join('\n'),
      allowedSenderDomains: settings.allowedSenderDomains.join('\n'),
      allowedLinkDomains: settings.allowedLinkDomains.join('\n'),
      trustedAuthservIds: settings.trustedAuthservIds.join('\n'),
    },
    brands: settings.extraBrands.map((brand) => ({
      key: nextBrandKey++,
      name: brand.name,
      domains: brand.domains.join('\n'),
      keywords: (brand.keywords ?? []).join('\n'),
    })),
  };
}

function fromDraft(draft: Draft): MailSettings {
  return {
    organisationDomains: splitList(draft.lists.organisationDomains, SPLIT.organisationDomains),
    vipNames: splitList(draft.lists.vipNames, SPLIT.vipNames),
    vipAddresses: splitList(draft.lists.vipAddresses, SPLIT.vipAddresses),
    allowedSenderDomains: splitList(draft.lists.allowedSenderDomains, SPLIT.allowedSenderDomains),
    allowedLinkDomains: splitList(draft.lists.allowedLinkDomains, SPLIT.allowedLinkDomains),
    trustedAuthservIds: splitList(draft.lists.trustedAuthservIds, SPLIT.trustedAuthservIds),
    extraBrands: draft.brands.map((brand) => {
      const keywords = splitList(brand.keywords, /[\n,;]+/);
      return {
        name: brand.name.trim(),
        domains: splitList(brand.domains, /[\n,;]+/),
        ...(keywords.length > 0 ? { keywords } : {}),
      };
    }),
  };
}

/** Reads the server's validation issues ({ path: '/extraBrands/0/domains/1', message }) into field issues. */
function issuesOf(error: unknown, sent: MailSettings): FieldIssue[] {
  if (!(error instanceof ApiError) || error.code !== 'VIGIE_ERR_VALIDATION') return [];
  const details = error.body.details as { issues?: unknown } | undefined;
  const issues = Array.isArray(details?.issues) ? details.issues : [];
  return issues.flatMap((issue: unknown): FieldIssue[] => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') return [];
    const parts = (typeof path === 'string' ? path : Array.isArray(path) ? path.join('/') : '')
      .split('/')
      .filter((part) => part !== '');
    const [first, second, third, fourth] = parts;
    if (first === 'extraBrands' && second !== undefined && /^\d+$/.test(second)) {
      const entry = fourth !== undefined && /^\d+$/.test(fourth) ? Number(fourth) + 1 : null;
      const brand = sent.extraBrands[Number(second)];
      const list = third === 'domains' ? brand?.domains : third === 'keywords' ? brand?.keywords : undefined;
      const value = entry !== null ? (list?.[entry - 1] ?? null) : null;
      return [{ field: `extraBrands.${second}.${third ?? 'name'}`, entry, value, message }];
    }
    const entry = second !== undefined && /^\d+$/.test(second) ? Number(second) + 1 : null;
    const list = LIST_FIELDS.find((field) => field === first);
    const value = list && entry !== null ? (sent[list][entry - 1] ?? null) : null;
    return [{ field: first ?? '', entry, value, message }];
  });
}

export function MailSettingsPage() {
  const { t } = useTranslation();
  const session = useSession();
  const settings = useLoad(getMailSettings, []);
  const editable = can(session, 'mail:settings');
  return (
    <>
      <div className="page-heading">
        <h1>{t('mail.settingsTitle')}</h1>
      </div>
      <p className="page-intro">{editable ? t('mail.settingsIntro') : t('mail.settingsIntroReadOnly')}</p>
      {settings.error !== null && <LoadError error={settings.error} />}
      {settings.loading && !settings.data && <p role="status">{t('common.loading')}</p>}
      {settings.data &&
        (editable ? (
          <SettingsForm
            initial={settings.data.settings}
            updatedAt={settings.data.updatedAt}
            updatedBy={settings.data.updatedBy}
            onSaved={(saved) =>
              settings.setData((previous) =>
                previous
                  ? { ...previous, settings: saved, updatedAt: new Date().toISOString(), updatedBy: null }
                  : previous,
              )
            }
          />
        ) : (
          <SettingsView
            settings={settings.data.settings}
            updatedAt={settings.data.updatedAt}
            updatedBy={settings.data.updatedBy}
          />
        ))}
      <ModelVersions />
    </>
  );
}

function UpdatedLine({ updatedAt, updatedBy }: { updatedAt: string | null; updatedBy: string | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (!updatedAt) return <p className="hint">{t('mail.settingsNeverChanged')}</p>;
  return (
    <p className="hint">
      {updatedBy
        ? t('mail.settingsUpdatedBy', { time: formatDateTime(updatedAt, locale), who: updatedBy })
        : t('mail.settingsUpdated', { time: formatDateTime(updatedAt, locale) })}
    </p>
  );
}

function SettingsForm({
  initial,
  updatedAt,
  updatedBy,
  onSaved,
}: {
  initial: MailSettings;
  updatedAt: string | null;
  updatedBy: string | null;
  onSaved: (settings: MailSettings) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial));
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [saving, setSaving] = useState(false);
  const [dirty, setDirty] = useState(false);
  const status = useStatus();
  const brandList = useRef<HTMLDivElement>(null);

  function change(update: (previous: Draft) => Draft): void {
    setDraft(update);
    setDirty(true);
  }

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setSaving(true);
    status.clear();
    setIssues([]);
    const sent = fromDraft(draft);
    try {
      const result = await updateMailSettings(sent);
      // The server normalises (lower-case domains, trimmed names): show what it kept.
      setDraft(toDraft(result.settings));
      setDirty(false);
      onSaved(result.settings);
      status.success((tr) => tr('mail.settingsSaved'));
    } catch (error) {
      const found = issuesOf(error, sent);
      setIssues(found);
      // Issues are shown next to their fields; the summary then only says where to look.
      if (found.length === 0) status.failure(error);
    } finally {
      setSaving(false);
    }
  }

  function addBrand(): void {
    change((previous) => ({
      ...previous,
      brands: [...previous.brands, { key: nextBrandKey++, name: '', domains: '', keywords: '' }],
    }));
    // The new brand's name field is where people type next.
    window.setTimeout(() => {
      const inputs = brandList.current?.querySelectorAll<HTMLInputElement>('input[data-brand-name]');
      inputs?.[inputs.length - 1]?.focus();
    }, 0);
  }

  const issuesFor = (field: string) => issues.filter((issue) => issue.field === field);

  return (
    <section className="card mail-settings-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('mail.organisationTitle')}</h2>
      <UpdatedLine updatedAt={updatedAt} updatedBy={updatedBy} />
      <form className="settings-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="settings-grid">
          {LIST_FIELDS.map((field) => (
            <ListField
              key={field}
              field={field}
              value={draft.lists[field]}
              issues={issuesFor(field)}
              onChange={(value) =>
                change((previous) => ({ ...previous, lists: { ...previous.lists, [field]: value } }))
              }
            />
          ))}
        </div>
        <fieldset className="brands">
          <legend>{t('mail.brandsTitle')}</legend>
          <p className="hint">{t('mail.brandsHint')}</p>
          <FieldIssues issues={issuesFor('extraBrands')} />
          <div className="brand-list" ref={brandList}>
            {draft.brands.length === 0 && <p className="muted">{t('mail.brandsEmpty')}</p>}
            {draft.brands.map((brand, index) => (
              <BrandEditor
                key={brand.key}
                brand={brand}
                index={index}
                issuesFor={issuesFor}
                onChange={(next) =>
                  change((previous) => ({
                    ...previous,
                    brands: previous.brands.map((item) => (item.key === brand.key ? next : item)),
                  }))
                }
                onRemove={() =>
                  change((previous) => ({
                    ...previous,
                    brands: previous.brands.filter((item) => item.key !== brand.key),
                  }))
                }
              />
            ))}
          </div>
          <button type="button" className="button-secondary button-small" onClick={addBrand}>
            {t('mail.addBrand')}
          </button>
        </fieldset>
        <StatusMessage status={status.status} />
        {issues.length > 0 && (
          <p className="notice notice-error" role="alert">
            {t('mail.settingsInvalid', { count: issues.length })}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" disabled={saving}>
            {saving ? t('common.saving') : t('mail.saveSettings')}
          </button>
          {dirty && <span className="muted">{t('mail.unsaved')}</span>}
        </div>
      </form>
    </section>
  );
}

function ListField({
  field,
  value,
  issues,
  onChange,
}: {
  field: ListField;
  value: string;
  issues: FieldIssue[];
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const count = splitList(value, SPLIT[field]).length;
  return (
    <div className="field">
      <label htmlFor={id}>{t(`mail.fields.${field}`)}</label>
      <textarea
        id={id}
        value={value}
        rows={5}
        spellCheck={false}
        aria-invalid={issues.length > 0 ? true : undefined}
        aria-describedby={`${id}-hint${issues.length > 0 ? ` ${id}-issues` : ''}`}
        onChange={(event) => onChange(event.target.value)}
      />
      <p id={`${id}-hint`} className="hint">
        {t(`mail.fieldHints.${field}`)} {t('mail.entries', { count })}
      </p>
      <FieldIssues id={`${id}-issues`} issues={issues} />
    </div>
  );
}

function FieldIssues({ id, issues }: { id?: string; issues: FieldIssue[] }) {
  const { t } = useTranslation();
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="field-issues">
      {issues.map((issue, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: issues come as one list from one answer.
        <li key={index}>
          {issue.entry === null
            ? issue.message
            : issue.value !== null
              ? t('mail.issueEntryValue', { entry: issue.entry, value: issue.value, message: issue.message })
              : t('mail.issueEntry', { entry: issue.entry, message: issue.message })}
        </li>
      ))}
    </ul>
  );
}

function BrandEditor({
  brand,
  index,
  issuesFor,
  onChange,
  onRemove,
}: {
  brand: BrandDraft;
  index: number;
  issuesFor: (field: string) => FieldIssue[];
  onChange: (brand: BrandDraft) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const title = brand.name.trim() || t('mail.brandUnnamed', { number: index + 1 });
  const nameIssues = issuesFor(`extraBrands.${index}.name`);
  const domainIssues = issuesFor(`extraBrands.${index}.domains`);
  const keywordIssues = issuesFor(`extraBrands.${index}.keywords`);
  return (
    <fieldset className="brand-editor">
      <legend>{title}</legend>
      <div className="brand-fields">
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('mail.brandName')}</label>
          <input
            id={`${id}-name`}
            data-brand-name
            value={brand.name}
            aria-invalid={nameIssues.length > 0 ? true : undefined}
            onChange={(event) => onChange({ ...brand, name: event.target.value })}
          />
          <FieldIssues issues={nameIssues} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-domains`}>{t('mail.brandDomains')}</label>
          <textarea
            id={`${id}-domains`}
            rows={2}
            spellCheck={false}
            value={brand.domains}
            aria-invalid={domainIssues.length > 0 ? true : undefined}
            onChange={(event) => onChange({ ...brand, domains: event.target.value })}
          />
          <FieldIssues issues={domainIssues} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-keywords`}>
            {t('mail.brandKeywords')} <span className="muted">{t('common.optional')}</span>
          </label>
          <textarea
            id={`${id}-keywords`}
            rows={2}
            value={brand.keywords}
            aria-invalid={keywordIssues.length > 0 ? true : undefined}
            onChange={(event) => onChange({ ...brand, keywords: event.target.value })}
          />
          <FieldIssues issues={keywordIssues} />
        </div>
      </div>
      <button type="button" className="button-danger-outline button-small" onClick={onRemove}>
        {t('mail.removeBrand', { name: title })}
      </button>
    </fieldset>
  );
}

/** The same settings for people who may read but not change them. */
function SettingsView({
  settings,
  updatedAt,
  updatedBy,
}: {
  settings: MailSettings;
  updatedAt: string | null;
  updatedBy: string | null;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="card mail-settings-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('mail.organisationTitle')}</h2>
      <UpdatedLine updatedAt={updatedAt} updatedBy={updatedBy} />
      <dl className="settings-view">
        {LIST_FIELDS.map((field) => (
          <div key={field}>
            <dt>{t(`mail.fields.${field}`)}</dt>
            <dd>
              <Values values={settings[field]} />
            </dd>
          </div>
        ))}
        <div>
          <dt>{t('mail.brandsTitle')}</dt>
          <dd>
            {settings.extraBrands.length === 0 ? (
              <span className="muted">{t('mail.noneConfigured')}</span>
            ) : (
              <ul className="brand-view">
                {settings.extraBrands.map((brand) => (
                  <li key={brand.name}>
                    <strong>{brand.name}</strong>: <Values values={brand.domains} />
                    {brand.keywords && brand.keywords.length > 0 && (
                      <span className="cell-note">
                        {t('mail.keywordsList', { keywords: brand.keywords.join(', ') })}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Values({ values }: { values: readonly string[] }) {
  const { t } = useTranslation();
  if (values.length === 0) return <span className="muted">{t('mail.noneConfigured')}</span>;
  return (
    <ul className="chip-list chip-list-inline">
      {values.map((value) => (
        <li key={value}>
          <code className="chip">{value}</code>
        </li>
      ))}
    </ul>
  );
}
