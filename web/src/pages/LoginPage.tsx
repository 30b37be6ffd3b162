// The sign-in page: user name and password, with the reason shown when sign-in is refused.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { login, type Session } from '../api.ts';
import { LanguageSwitcher } from '../components/LanguageSwitcher.tsx';
import { SkipLink } from '../components/SkipLink.tsx';
import { StatusMessage } from '../components/StatusMessage.tsx';
import { currentPath, navigate } from '../router.ts';
import { useStatus } from '../status.ts';

/**
 * The page a person was going to when sign-in came in between (a deep link such as /learn/modules/x, or the page
 * their session ended on): a path of this app only — relative, one leading slash, plain characters — never a URL.
 */
export function returnPathOf(path: string): string | null {
  if (path === '/' || path.length > 500) return null;
  return /^\/(?![/\\])[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(path) ? path : null;
}

interface Props {
  onSignedIn: (session: Session) => void;
  /** Why the person is here: after logging out, or after their session ended. */
  notice: 'loggedOut' | 'sessionEnded' | null;
}

export function LoginPage({ onSignedIn, notice }: Props) {
  const { t } = useTranslation();
  const ids = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const status = useStatus();
  const usernameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const { success } = status;
  // Read once, when the page opens: the app sends people home after sign-in, and this brings them back.
  const [returnTo] = useState(() => returnPathOf(currentPath()));

  useEffect(() => {
    document.title = t('login.title');
  }, [t]);

  useEffect(() => {
    if (notice === 'loggedOut') success((tr) => tr('login.loggedOut'));
    if (notice === 'sessionEnded') success((tr) => tr('errors.sessionEnded'));
  }, [notice, success]);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setBusy(true);
    status.clear();
    try {
      const session = await login(username.trim(), password);
      onSignedIn(session);
      if (returnTo) navigate(returnTo);
    } catch (error) {
      status.failure(error);
      // A wrong password is the usual mistake: clear it and put the cursor back for another try.
      setPassword('');
      (username.trim() ? passwordInput : usernameInput).current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-shell">
      <SkipLink />
      <div className="login-top">
        <LanguageSwitcher />
      </div>
      <main id="main" className="login-card" tabIndex={-1}>
        <p className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            V
          </span>
          <span className="brand-name">{t('common.appName')}</span>
        </p>
        <p className="login-tagline">{t('common.tagline')}</p>
        <h1>{t('login.title')}</h1>
        <p className="muted">{t('login.intro')}</p>
        <form onSubmit={submit} className="form-stack">
          <div className="field">
            <label htmlFor={`${ids}-username`}>{t('login.username')}</label>
            <input
              id={`${ids}-username`}
              name="username"
              autoComplete="username"
              required
              ref={usernameInput}
              value={username}
              onChange={(event) => setUsername(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-password`}>{t('login.password')}</label>
            <input
              id={`${ids}-password`}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              ref={passwordInput}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          <StatusMessage status={status.status} />
          <button type="submit" disabled={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
