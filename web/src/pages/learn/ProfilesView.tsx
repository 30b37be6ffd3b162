// Learn → Campaigns → Sending profiles: the SMTP servers simulations go through (GoPhish's sending profiles). The
// built-in profile is the configuration's; stored ones have a write-only password and custom headers, and a
// "send a test e-mail" action that says at which step and why it failed.
import { type FormEvent, useId, useState } from 'react';
import { ConfirmPanel } from '../../components/ConfirmPanel.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { LearnSubnav } from './LearnSubnav.tsx';
import {
  createProfile,
  deleteProfile,
  listProfiles,
  type SendingProfile,
  type SendingProfileInput,
  type SmtpHeader,
  type TlsMode,
  testProfile,
  updateProfile,
} from './learnApi.ts';
import { useLearnText } from './learnText.ts';
import './learn.css';

export function ProfilesView() {
  const l = useLearnText();
  const manage = can(useSession(), 'learn:manage');
  const profiles = useLoad(listProfiles, []);
  const [editing, setEditing] = useState<SendingProfile | 'new' | null>(null);
  return (
    <>
      <LearnSubnav area="campaigns" />
      <div className="page-heading">
        <h1>{l('profilesTitle')}</h1>
        {manage && (
          <button type="button" onClick={() => setEditing('new')} disabled={editing !== null}>
            {l('newProfile')}
          </button>
        )}
      </div>
      <p className="page-intro">{l('profilesIntro')}</p>
      {profiles.error !== null && <LoadError error={profiles.error} />}
      {editing !== null && (
        <ProfileForm
          profile={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            profiles.reload();
          }}
        />
      )}
      {profiles.data &&
        (profiles.data.length === 0 ? (
          <EmptyState>{l('noneYet')}</EmptyState>
        ) : (
          <div className="learn-profile-list" data-testid="learn-profiles">
            {profiles.data.map((p) => (
              <ProfileCard
                key={p.id}
                profile={p}
                manage={manage}
                onEdit={() => setEditing(p)}
                onDeleted={profiles.reload}
              />
            ))}
          </div>
        ))}
    </>
  );
}

function tlsLabel(tls: TlsMode, l: ReturnType<typeof useLearnText>): string {
  return tls === 'tls' ? l('tlsTls') : tls === 'none' ? l('tlsNone') : l('tlsStarttls');
}

function ProfileCard({
  profile,
  manage,
  onEdit,
  onDeleted,
}: {
  profile: SendingProfile;
  manage: boolean;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const l = useLearnText();
  const id = useId();
  const status = useStatus();
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [tested, setTested] = useState<{ ok: boolean; text: string } | null>(null);

  async function test(event: FormEvent): Promise<void> {
    event.preventDefault();
    status.clear();
    setTested(null);
    setBusy(true);
    try {
      const outcome = await testProfile(profile.id, to.trim());
      if (outcome.ok) setTested({ ok: true, text: l('testOk', { id: outcome.messageId ?? '' }) });
      else {
        const stage =
          outcome.stage === 'verify' ? 'stageVerify' : outcome.stage === 'send' ? 'stageSend' : 'stageSettings';
        setTested({ ok: false, text: l('testFailed', { stage: l(stage), problem: outcome.problem ?? '' }) });
      }
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  async function remove(): Promise<void> {
    setBusy(true);
    try {
      await deleteProfile(profile.id);
      onDeleted();
    } catch (error) {
      status.failure(error);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card learn-section" aria-labelledby={`${id}-name`}>
      <h2 id={`${id}-name`}>{profile.builtIn ? l('builtIn') : profile.name}</h2>
      {profile.builtIn ? (
        <p className="muted">{profile.configured ? l('configured') : l('notConfigured')}</p>
      ) : (
        <dl className="learn-facts">
          <dt>{l('host')}</dt>
          <dd>
            {profile.host}:{profile.port} · {tlsLabel(profile.tls, l)}
          </dd>
          <dt>{l('username')}</dt>
          <dd>{profile.username ?? '—'}</dd>
          <dt>{l('password')}</dt>
          <dd data-testid="learn-profile-password">
            {profile.password === 'set' ? l('passwordSet') : l('passwordNone')}
            {profile.passwordStorage === 'plain' && <span className="muted"> · {l('passwordPlain')}</span>}
            {profile.passwordStorage === 'encrypted' && <span className="muted"> · {l('passwordEncrypted')}</span>}
          </dd>
          <dt>{l('fromAddress')}</dt>
          <dd>{profile.fromName ? `${profile.fromName} <${profile.fromAddress}>` : profile.fromAddress}</dd>
          {profile.headers.length > 0 && (
            <>
              <dt>{l('headers')}</dt>
              <dd>
                {profile.headers.map((h) => (
                  <code key={h.name} className="learn-header">
                    {h.name}: {h.value}
                  </code>
                ))}
              </dd>
            </>
          )}
        </dl>
      )}
      {manage && (profile.configured || !profile.builtIn) && (
        <form className="learn-form-row learn-test-form" onSubmit={(e) => void test(e)}>
          <div className="field">
            <label htmlFor={`${id}-to`}>{l('testTo')}</label>
            <input id={`${id}-to`} type="email" required value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
          <div className="form-actions">
            <button type="submit" className="button-secondary" disabled={busy || !to.trim()}>
              {l('sendTest')}
            </button>
          </div>
        </form>
      )}
      {manage && !profile.builtIn && (
        <div className="button-row">
          <button type="button" className="button-secondary" onClick={onEdit}>
            {l('edit')}
          </button>
          <button type="button" className="button-danger" onClick={() => setConfirming(true)}>
            {l('delete')}
          </button>
        </div>
      )}
      {confirming && (
        <ConfirmPanel
          question={l('confirmDelete', { name: profile.name })}
          confirmLabel={l('delete')}
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
        />
      )}
      <div className="status-region" aria-live="polite" aria-atomic="true" data-testid="learn-profile-test">
        {tested && (
          <p
            className={tested.ok ? 'notice notice-success' : 'notice notice-error'}
            role={tested.ok ? undefined : 'alert'}
          >
            {tested.text}
          </p>
        )}
      </div>
      <StatusMessage status={status.status} />
    </section>
  );
}

function ProfileForm({ profile, onDone }: { profile: SendingProfile | null; onDone: () => void }) {
  const l = useLearnText();
  const id = useId();
  const status = useStatus();
  const [name, setName] = useState(profile?.name ?? '');
  const [host, setHost] = useState(profile?.host ?? '');
  const [port, setPort] = useState(profile?.port ?? 587);
  const [tls, setTls] = useState<TlsMode>(profile?.tls ?? 'starttls');
  const [username, setUsername] = useState(profile?.username ?? '');
  const [password, setPassword] = useState('');
  const [clearPassword, setClearPassword] = useState(false);
  const [fromAddress, setFromAddress] = useState(profile?.fromAddress ?? '');
  const [fromName, setFromName] = useState(profile?.fromName ?? '');
  const [headers, setHeaders] = useState<SmtpHeader[]>(profile?.headers ?? []);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    status.clear();
    const input: SendingProfileInput = {
      name: name.trim(),
      host: host.trim(),
      port,
      tls,
      username: username.trim() || null,
      ...(clearPassword ? { password: null } : password ? { password } : profile ? {} : { password: null }),
      fromAddress: fromAddress.trim(),
      fromName: fromName.trim() || null,
      headers: headers.filter((h) => h.name.trim()).map((h) => ({ name: h.name.trim(), value: h.value })),
    };
    setBusy(true);
    try {
      if (profile) await updateProfile(profile.id, input);
      else await createProfile(input);
      setPassword('');
      onDone();
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card learn-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{profile ? `${l('edit')} — ${profile.name}` : l('newProfile')}</h2>
      <form className="form-stack" onSubmit={(e) => void submit(e)} data-testid="learn-profile-form">
        <div className="field">
          <label htmlFor={`${id}-name`}>{l('name')}</label>
          <input id={`${id}-name`} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="learn-form-row">
          <div className="field">
            <label htmlFor={`${id}-host`}>{l('host')}</label>
            <input id={`${id}-host`} required maxLength={253} value={host} onChange={(e) => setHost(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-port`}>{l('port')}</label>
            <input
              id={`${id}-port`}
              type="number"
              min={1}
              max={65535}
              required
              value={port}
              onChange={(e) => setPort(Number(e.target.value))}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-tls`}>{l('tls')}</label>
            <select id={`${id}-tls`} value={tls} onChange={(e) => setTls(e.target.value as TlsMode)}>
              <option value="starttls">{l('tlsStarttls')}</option>
              <option value="tls">{l('tlsTls')}</option>
              <option value="none">{l('tlsNone')}</option>
            </select>
          </div>
        </div>
        <div className="learn-form-row">
          <div className="field">
            <label htmlFor={`${id}-user`}>{l('username')}</label>
            <input
              id={`${id}-user`}
              autoComplete="off"
              maxLength={320}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>
              {l('password')}
              {profile && (
                <span className="muted"> ({profile.password === 'set' ? l('passwordSet') : l('passwordNone')})</span>
              )}
            </label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="new-password"
              maxLength={1024}
              value={password}
              disabled={clearPassword}
              onChange={(e) => setPassword(e.target.value)}
            />
            {profile && <p className="hint">{l('passwordKeep')}</p>}
            {profile?.password === 'set' && (
              <label className="checkbox">
                <input type="checkbox" checked={clearPassword} onChange={(e) => setClearPassword(e.target.checked)} />
                <span>{l('passwordClear')}</span>
              </label>
            )}
          </div>
        </div>
        <div className="learn-form-row">
          <div className="field">
            <label htmlFor={`${id}-from`}>{l('fromAddress')}</label>
            <input
              id={`${id}-from`}
              type="email"
              required
              maxLength={320}
              value={fromAddress}
              onChange={(e) => setFromAddress(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-from-name`}>{l('fromName')}</label>
            <input
              id={`${id}-from-name`}
              maxLength={200}
              value={fromName}
              onChange={(e) => setFromName(e.target.value)}
            />
          </div>
        </div>
        <fieldset>
          <legend>{l('headers')}</legend>
          {headers.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place.
            <div className="learn-form-row" key={i}>
              <div className="field">
                <label htmlFor={`${id}-h${i}`}>{l('headerName')}</label>
                <input
                  id={`${id}-h${i}`}
                  maxLength={64}
                  value={h.name}
                  onChange={(e) =>
                    setHeaders((list) => list.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))
                  }
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-v${i}`}>{l('headerValue')}</label>
                <input
                  id={`${id}-v${i}`}
                  maxLength={900}
                  value={h.value}
                  onChange={(e) =>
                    setHeaders((list) => list.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
                  }
                />
              </div>
              <div className="form-actions">
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => setHeaders((list) => list.filter((_, j) => j !== i))}
                >
                  {l('remove')}
                </button>
              </div>
            </div>
          ))}
          <button
            type="button"
            className="button-secondary"
            disabled={headers.length >= 20}
            onClick={() => setHeaders((list) => [...list, { name: '', value: '' }])}
          >
            {l('addHeader')}
          </button>
        </fieldset>
        <div className="button-row">
          <button type="submit" disabled={busy}>
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
