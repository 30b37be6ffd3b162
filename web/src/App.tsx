// The application root: finds out whether someone is signed in, then shows the sign-in page or the layout.
import i18next from 'i18next';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  getMeta,
  getSession,
  logout,
  type Meta,
  type Session,
  setCsrfToken,
  setUnauthenticatedHandler,
  type User,
} from './api.ts';
import { Layout } from './components/Layout.tsx';
import { LoadError } from './components/StatusMessage.tsx';
import { savedLocale } from './i18n.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { navigate } from './router.ts';
import { SessionContext, type SessionContextValue } from './session.ts';

type AuthState =
  | { kind: 'checking' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'signedOut'; notice: 'loggedOut' | 'sessionEnded' | null }
  | { kind: 'signedIn'; session: Session };

export function App() {
  const { t } = useTranslation();
  const [auth, setAuth] = useState<AuthState>({ kind: 'checking' });
  const [meta, setMeta] = useState<Meta | null>(null);

  const enter = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    // A language chosen on this browser wins; otherwise follow the preference stored in the account.
    if (!savedLocale() && session.user.locale && session.user.locale !== i18next.language) {
      void i18next.changeLanguage(session.user.locale);
    }
    setAuth({ kind: 'signedIn', session });
  }, []);

  useEffect(() => {
    // Meta only feeds the module list and version: the app works without it.
    getMeta().then(setMeta, () => setMeta(null));
    getSession().then(enter, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) {
        setAuth({ kind: 'signedOut', notice: null });
      } else setAuth({ kind: 'failed', error });
    });
  }, [enter]);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setAuth((previous) => (previous.kind === 'signedIn' ? { kind: 'signedOut', notice: 'sessionEnded' } : previous));
    });
    return () => setUnauthenticatedHandler(null);
  }, []);

  const signIn = useCallback(
    (session: Session) => {
      enter(session);
      navigate('/');
    },
    [enter],
  );

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch {
      // Even if the server did not answer, forget the session here; the cookie expires on its own.
    }
    setCsrfToken(null);
    setAuth({ kind: 'signedOut', notice: 'loggedOut' });
    navigate('/');
  }, []);

  const updateUser = useCallback((user: User) => {
    setAuth((previous) =>
      previous.kind === 'signedIn' ? { kind: 'signedIn', session: { ...previous.session, user } } : previous,
    );
  }, []);

  const session = auth.kind === 'signedIn' ? auth.session : null;
  const context = useMemo<SessionContextValue | null>(
    () =>
      session && {
        user: session.user,
        permissions: session.permissions,
        modules: meta?.modules ?? [],
        version: meta?.version ?? null,
        updateUser,
        signOut,
      },
    [session, meta, updateUser, signOut],
  );

  switch (auth.kind) {
    case 'checking':
      return (
        <p className="app-loading" role="status">
          {t('common.loading')}
        </p>
      );
    case 'failed':
      return (
        <main id="main" className="app-loading">
          <LoadError error={auth.error} />
          <button type="button" onClick={() => window.location.reload()}>
            {t('common.refresh')}
          </button>
        </main>
      );
    case 'signedOut':
      return <LoginPage onSignedIn={signIn} notice={auth.notice} />;
    case 'signedIn':
      return (
        <SessionContext.Provider value={context}>
          <Layout />
        </SessionContext.Provider>
      );
  }
}
