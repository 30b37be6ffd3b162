// My account: display name and language preference, password change, and the permissions my role grants.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isLocale, LOCALES, type Locale } from '../../../src/core/index.ts';
import { ApiError, changeMyPassword, updateMe } from '../api.ts';
import { StatusMessage } from '../components/StatusMessage.tsx';
import { setLocale, useLocale } from '../i18n.ts';
import { useSession } from '../session.ts';
import { useStatus } from '../status.ts';

const MIN_PASSWORD_LENGTH = 12;

export function AccountPage() {
  const { t } = useTranslation();
  const { user, permissions } = useSession();
  return (
    <>
      <div className="page-heading">
        <h1>{t('account.title')}</h1>
      </div>
      <div className="card-grid card-grid-two">
        <ProfileForm />
        <PasswordForm />
        <section className="card card-wide" aria-labelledby="account-permissions">
          <h2 id="account-permissions">{t('account.permissionsTitle')}</h2>
          <p className="muted">{t('account.permissionsIntro', { role: t(`roles.${user.role}`) })}</p>
          {permissions.length === 0 ? (
            <p>{t('account.noPermissions')}</p>
          ) : (
            <ul className="permission-list">
              {permissions.map((permission) => (
                <li key={permission}>
                  <code>{permission}</code>
                  <span>{t(`permissions.${permission}`)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function ProfileForm() {
  const { t } = useTranslation();
  const id = useId();
  const session = useSession();
  const interfaceLocale = useLocale();
  const [displayName, setDisplayName] = useState(session.user.displayName ?? '');
  const [locale, setLocaleChoice] = useState<Locale>(session.user.locale ?? interfaceLocale);
  const [busy, setBusy] = useState(false);
  const status = useStatus();

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setBusy(true);
    status.clear();
    try {
      const result = await updateMe({ displayName: displayName.trim() || null, locale });
      session.updateUser(result.user);
      // The preference is also the interface language from now on, on this browser too.
      if (locale !== interfaceLocale) await setLocale(locale);
      status.success((tr) => tr('account.saved'));
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card form-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('account.profileTitle')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('account.username')}</dt>
          <dd>{session.user.username}</dd>
        </div>
        <div>
          <dt>{t('account.role')}</dt>
          <dd>{t(`roles.${session.user.role}`)}</dd>
        </div>
      </dl>
      <form onSubmit={submit} className="form-stack">
        <div className="field">
          <label htmlFor={`${id}-display`}>{t('account.displayName')}</label>
          <input
            id={`${id}-display`}
            autoComplete="name"
            maxLength={200}
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-locale`}>{t('account.locale')}</label>
          <select
            id={`${id}-locale`}
            value={locale}
            onChange={(event) => {
              if (isLocale(event.target.value)) setLocaleChoice(event.target.value);
            }}
          >
            {LOCALES.map((option) => (
              <option key={option} value={option} lang={option}>
                {t(`language.${option}`)}
              </option>
            ))}
          </select>
        </div>
        <StatusMessage status={status.status} />
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [localError, setLocalError] = useState<'passwordsDiffer' | 'passwordTooShort' | 'wrongCurrentPassword' | null>(
    null,
  );
  const status = useStatus();

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    status.clear();
    // Checked here too so a typo is caught before a round trip; the server remains the authority.
    if (next !== confirm) return setLocalError('passwordsDiffer');
    if (next.length < MIN_PASSWORD_LENGTH) return setLocalError('passwordTooShort');
    setLocalError(null);
    setBusy(true);
    try {
      await changeMyPassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      status.success((tr) => tr('account.passwordChanged'));
    } catch (error) {
      // The catalog's "wrong user name or password" would puzzle here: only the current password was asked.
      if (error instanceof ApiError && error.code === 'VIGIE_ERR_BAD_CREDENTIALS') {
        setLocalError('wrongCurrentPassword');
      } else status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card form-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('account.passwordTitle')}</h2>
      {/* The app checks length and match itself, in the interface language (browser bubbles follow the OS language). */}
      <form onSubmit={submit} className="form-stack" noValidate>
        <div className="field">
          <label htmlFor={`${id}-current`}>{t('account.currentPassword')}</label>
          <input
            id={`${id}-current`}
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={localError === 'wrongCurrentPassword'}
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-new`}>{t('account.newPassword')}</label>
          <input
            id={`${id}-new`}
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            aria-describedby={`${id}-hint`}
            aria-invalid={localError === 'passwordsDiffer' || localError === 'passwordTooShort'}
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
          <p className="hint" id={`${id}-hint`}>
            {t('account.passwordHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-confirm`}>{t('account.confirmPassword')}</label>
          <input
            id={`${id}-confirm`}
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={localError === 'passwordsDiffer'}
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
          />
        </div>
        <div className="status-region" aria-live="polite">
          {localError && (
            <p className="notice notice-error" role="alert">
              {t(`errors.${localError}`)}
            </p>
          )}
        </div>
        <StatusMessage status={status.status} />
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? t('common.saving') : t('account.changePassword')}
          </button>
        </div>
      </form>
    </section>
  );
}
