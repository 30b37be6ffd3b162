// Learn → Campaigns: target groups and phishing-simulation campaigns. learn:read lists them; learn:manage also
// imports groups and creates campaigns (templates, group, departments, sending window, throttle, sender).
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createLearnCampaign,
  getLearnContent,
  getLearnGroup,
  type LearnCampaign,
  type LearnContentSummary,
  type LearnGroup,
  listLearnCampaigns,
  listLearnGroups,
  type NewLearnCampaign,
} from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { hrefFor, navigate } from '../../router.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { GroupImport } from './GroupImport.tsx';
import { LearnSubnav } from './LearnSubnav.tsx';
import { createCampaignWithProfile, listProfiles, type SendingProfile } from './learnApi.ts';
import { campaignHref, isCampaignStatus, STATUS_BADGE, topicLabel, weekdayLabel } from './learnFormat.ts';
import { useLearnText } from './learnText.ts';
import './learn.css';

interface Loaded {
  groups: LearnGroup[];
  campaigns: LearnCampaign[];
}

async function loadLists(): Promise<Loaded> {
  const [groups, campaigns] = await Promise.all([listLearnGroups(), listLearnCampaigns()]);
  return { groups, campaigns };
}

export function CampaignsView() {
  const { t } = useTranslation();
  const session = useSession();
  const manage = can(session, 'learn:manage');
  const loaded = useLoad(loadLists, []);
  return (
    <>
      <LearnSubnav area="campaigns" />
      <div className="page-heading">
        <h1>{t('learn.campaignsTitle')}</h1>
        <button type="button" className="button-secondary" onClick={loaded.reload} disabled={loaded.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">{manage ? t('learn.campaignsIntro') : t('learn.campaignsIntroReadOnly')}</p>
      {loaded.error !== null && <LoadError error={loaded.error} />}
      {loaded.loading && !loaded.data && <p role="status">{t('common.loading')}</p>}
      {loaded.data && (
        <>
          <CampaignList campaigns={loaded.data.campaigns} groups={loaded.data.groups} />
          <GroupList groups={loaded.data.groups} />
        </>
      )}
      {manage && <GroupImport onImported={loaded.reload} />}
      {manage && loaded.data && <CampaignForm groups={loaded.data.groups} />}
    </>
  );
}

function CampaignList({ campaigns, groups }: { campaigns: LearnCampaign[]; groups: LearnGroup[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const groupName = (id: string): string => groups.find((g) => g.id === id)?.name ?? id;
  return (
    <section className="card learn-section" aria-labelledby="learn-campaigns-title" data-testid="learn-campaigns">
      <h2 id="learn-campaigns-title">{t('learn.campaigns')}</h2>
      {campaigns.length === 0 ? (
        <EmptyState>{t('learn.noCampaigns')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('learn.campaign')}</th>
                <th scope="col">{t('learn.status')}</th>
                <th scope="col">{t('learn.group')}</th>
                <th scope="col">{t('learn.launchedAt')}</th>
                <th scope="col" className="cell-number">
                  {t('learn.sends')}
                </th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <a href={hrefFor(campaignHref(c.id))}>{c.name}</a>
                  </th>
                  <td>
                    <CampaignStatus status={c.status} />
                  </td>
                  <td>{groupName(c.groupId)}</td>
                  <td className="cell-nowrap">{c.launchedAt ? formatDateTime(c.launchedAt, locale) : '—'}</td>
                  <td className="cell-number">
                    {formatNumber(
                      Object.values(c.sends).reduce((sum, n) => sum + n, 0),
                      locale,
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function CampaignStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!isCampaignStatus(status)) return <span className="badge">{status}</span>;
  return <span className={STATUS_BADGE[status]}>{t(`learn.statuses.${status}`)}</span>;
}

function GroupList({ groups }: { groups: LearnGroup[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <section className="card learn-section" aria-labelledby="learn-groups-title" data-testid="learn-groups">
      <h2 id="learn-groups-title">{t('learn.groups')}</h2>
      {groups.length === 0 ? (
        <EmptyState>{t('learn.noGroups')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('learn.group')}</th>
                <th scope="col" className="cell-number">
                  {t('learn.targets')}
                </th>
                <th scope="col">{t('learn.importedAt')}</th>
                <th scope="col">{t('learn.importedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.id}>
                  <th scope="row">{g.name}</th>
                  <td className="cell-number">{formatNumber(g.targets, locale)}</td>
                  <td className="cell-nowrap">{formatDateTime(g.createdAt, locale)}</td>
                  <td>{g.createdBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** A datetime-local value (the browser's time) for an instant. */
function localInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

function CampaignForm({ groups }: { groups: LearnGroup[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const status = useStatus();
  const content = useLoad<LearnContentSummary>(getLearnContent, []);
  const [name, setName] = useState('');
  const [groupId, setGroupId] = useState('');
  const [departments, setDepartments] = useState<string[]>([]);
  const [chosenDepartments, setChosenDepartments] = useState<string[]>([]);
  const [templates, setTemplates] = useState<string[]>([]);
  const [start, setStart] = useState(() => localInput(new Date()));
  const [end, setEnd] = useState(() => localInput(new Date(Date.now() + 7 * 86_400_000)));
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5]);
  const [startHour, setStartHour] = useState(9);
  const [endHour, setEndHour] = useState(17);
  const [perMinute, setPerMinute] = useState(10);
  const [senderAddress, setSenderAddress] = useState('');
  const l = useLearnText();
  const profiles = useLoad<SendingProfile[]>(listProfiles, []);
  const [profileId, setProfileId] = useState('env');
  const storedProfile = profiles.data?.find((p) => p.id === profileId && !p.builtIn);
  const [senderName, setSenderName] = useState('');
  const [reportLink, setReportLink] = useState(true);
  const [busy, setBusy] = useState(false);

  const chosenGroup = groupId || groups[0]?.id || '';
  useEffect(() => {
    setChosenDepartments([]);
    setDepartments([]);
    if (!chosenGroup) return;
    let current = true;
    getLearnGroup(chosenGroup).then(
      (group) => {
        if (current) setDepartments([...new Set(group.members.map((m) => m.department).filter(Boolean))].sort());
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [chosenGroup]);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    status.clear();
    const startAt = new Date(start);
    const endAt = new Date(end);
    if (Number.isNaN(startAt.getTime()) || Number.isNaN(endAt.getTime())) {
      status.failure(new Error('date'));
      return;
    }
    const campaign: NewLearnCampaign = {
      name: name.trim(),
      groupId: chosenGroup,
      templates,
      ...(chosenDepartments.length > 0 ? { departments: chosenDepartments } : {}),
      schedule: {
        start: startAt.toISOString(),
        end: endAt.toISOString(),
        // The window is read in the browser's time zone, as the hours were typed.
        window: { days, startHour, endHour, utcOffsetMinutes: -startAt.getTimezoneOffset() },
        perMinute,
      },
      sender: { address: senderAddress.trim(), ...(senderName.trim() ? { name: senderName.trim() } : {}) },
      reportLink,
    };
    setBusy(true);
    try {
      // With a stored profile and no address typed, the sender is the profile's own.
      const { sender, ...rest } = campaign;
      const created =
        profileId === 'env'
          ? await createLearnCampaign(campaign)
          : await createCampaignWithProfile({ ...rest, profileId, ...(sender.address ? { sender } : {}) });
      navigate(campaignHref(created.id));
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  const toggle = (list: string[], value: string, on: boolean): string[] =>
    on ? [...list, value] : list.filter((x) => x !== value);

  return (
    <section className="card learn-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('learn.newCampaign')}</h2>
      <p className="hint">{t('learn.newCampaignHint')}</p>
      {groups.length === 0 ? (
        <p className="muted">{t('learn.needGroup')}</p>
      ) : (
        <form className="form-stack learn-campaign-form" onSubmit={(event) => void submit(event)}>
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('learn.campaignName')}</label>
            <input id={`${id}-name`} value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-group`}>{t('learn.group')}</label>
            <select id={`${id}-group`} value={chosenGroup} onChange={(e) => setGroupId(e.target.value)}>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {t('learn.groupOption', { name: g.name, count: g.targets })}
                </option>
              ))}
            </select>
          </div>
          {departments.length > 0 && (
            <fieldset>
              <legend>{t('learn.departments')}</legend>
              <p className="hint">{t('learn.departmentsHint')}</p>
              <div className="checkbox-grid">
                {departments.map((d) => (
                  <label key={d} className="checkbox">
                    <input
                      type="checkbox"
                      checked={chosenDepartments.includes(d)}
                      onChange={(e) => setChosenDepartments((list) => toggle(list, d, e.target.checked))}
                    />
                    <span>{d}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          <fieldset>
            <legend>{t('learn.templates')}</legend>
            {content.error !== null && <LoadError error={content.error} />}
            {content.data?.templates.map((tpl) => (
              <label key={tpl.id} className="checkbox learn-template">
                <input
                  type="checkbox"
                  checked={templates.includes(tpl.id)}
                  onChange={(e) => setTemplates((list) => toggle(list, tpl.id, e.target.checked))}
                />
                <span>
                  {tpl.subject[locale]}{' '}
                  <span className="muted">
                    {t('learn.templateFacts', {
                      topic: topicLabel(tpl.topic, t),
                      difficulty: tpl.difficulty,
                      audiences: tpl.audiences.join(', '),
                    })}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('learn.schedule')}</legend>
            <div className="learn-form-row">
              <div className="field">
                <label htmlFor={`${id}-start`}>{t('learn.startAt')}</label>
                <input
                  id={`${id}-start`}
                  type="datetime-local"
                  value={start}
                  required
                  onChange={(e) => setStart(e.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-end`}>{t('learn.endAt')}</label>
                <input
                  id={`${id}-end`}
                  type="datetime-local"
                  value={end}
                  required
                  onChange={(e) => setEnd(e.target.value)}
                />
              </div>
            </div>
            <p className="hint">{t('learn.windowHint')}</p>
            <div className="checkbox-grid">
              {WEEKDAYS.map((day) => (
                <label key={day} className="checkbox">
                  <input
                    type="checkbox"
                    checked={days.includes(day)}
                    onChange={(e) =>
                      setDays((list) => (e.target.checked ? [...list, day].sort() : list.filter((x) => x !== day)))
                    }
                  />
                  <span>{weekdayLabel(day, t)}</span>
                </label>
              ))}
            </div>
            <div className="learn-form-row">
              <div className="field">
                <label htmlFor={`${id}-from`}>{t('learn.fromHour')}</label>
                <input
                  id={`${id}-from`}
                  type="number"
                  min={0}
                  max={23}
                  value={startHour}
                  onChange={(e) => setStartHour(Number(e.target.value))}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-to`}>{t('learn.toHour')}</label>
                <input
                  id={`${id}-to`}
                  type="number"
                  min={1}
                  max={24}
                  value={endHour}
                  onChange={(e) => setEndHour(Number(e.target.value))}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-rate`}>{t('learn.perMinute')}</label>
                <input
                  id={`${id}-rate`}
                  type="number"
                  min={1}
                  max={10000}
                  value={perMinute}
                  onChange={(e) => setPerMinute(Number(e.target.value))}
                />
              </div>
            </div>
          </fieldset>
          <fieldset>
            <legend>{t('learn.sender')}</legend>
            <div className="field">
              <label htmlFor={`${id}-profile`}>{l('profile')}</label>
              <select id={`${id}-profile`} value={profileId} onChange={(e) => setProfileId(e.target.value)}>
                {(profiles.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.builtIn ? `${l('builtIn')}${p.configured ? '' : ` — ${l('notConfigured')}`}` : p.name}
                  </option>
                ))}
              </select>
              {storedProfile && <p className="hint">{l('profileSenderHint')}</p>}
            </div>
            <div className="learn-form-row">
              <div className="field">
                <label htmlFor={`${id}-from-address`}>{t('learn.senderAddress')}</label>
                <input
                  id={`${id}-from-address`}
                  type="email"
                  value={senderAddress}
                  required={!storedProfile}
                  placeholder={storedProfile?.fromAddress}
                  maxLength={320}
                  onChange={(e) => setSenderAddress(e.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-from-name`}>
                  {t('learn.senderName')} <span className="muted">{t('common.optional')}</span>
                </label>
                <input
                  id={`${id}-from-name`}
                  value={senderName}
                  maxLength={200}
                  onChange={(e) => setSenderName(e.target.value)}
                />
              </div>
            </div>
            <label className="checkbox">
              <input type="checkbox" checked={reportLink} onChange={(e) => setReportLink(e.target.checked)} />
              <span>{t('learn.reportLink')}</span>
            </label>
          </fieldset>
          <div className="form-actions">
            <button type="submit" disabled={busy || templates.length === 0 || days.length === 0 || !name.trim()}>
              {busy ? t('common.saving') : t('learn.createCampaign')}
            </button>
          </div>
          <StatusMessage status={status.status} />
        </form>
      )}
    </section>
  );
}
