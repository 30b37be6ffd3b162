// Administration → Users: the account table, and for users:write the create, edit, disable, unlock and reset actions.
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listUsers, resetUserPassword, type User, unlockUser, updateUser } from '../api.ts';
import { ConfirmPanel } from '../components/ConfirmPanel.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { SecretOnce } from '../components/SecretOnce.tsx';
import { LoadError, StatusMessage } from '../components/StatusMessage.tsx';
import { formatDateTime, isFuture } from '../format.ts';
import { useLocale } from '../i18n.ts';
import { can, useSession } from '../session.ts';
import { useStatus } from '../status.ts';
import { useLoad } from '../useLoad.ts';
import { UserCreateForm, UserEditForm } from './users/UserForms.tsx';

type UserStatus = 'active' | 'disabled' | 'locked';

function statusOf(user: User): UserStatus {
  if (user.disabled) return 'disabled';
  return isFuture(user.lockedUntil) ? 'locked' : 'active';
}

const STATUS_KEYS = {
  active: 'users.statusActive',
  disabled: 'users.statusDisabled',
  locked: 'users.statusLocked',
} as const;

// Kept as data so the title follows a language switch while the secret is on screen.
interface Secret {
  kind: 'initial' | 'reset';
  username: string;
  value: string;
}

export function UsersPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const writable = can(session, 'users:write');
  const users = useLoad(listUsers, []);
  const status = useStatus();
  const [editing, setEditing] = useState<User | null>(null);
  const [confirmReset, setConfirmReset] = useState<User | null>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const createFormId = useId();
  const createToggle = useRef<HTMLButtonElement>(null);

  function closeCreate(): void {
    setCreating(false);
    createToggle.current?.focus();
  }

  function replace(user: User): void {
    users.setData((previous) =>
      previous ? { items: previous.items.map((item) => (item.id === user.id ? user : item)) } : previous,
    );
    if (user.id === session.user.id) session.updateUser(user);
  }

  async function act(user: User, action: () => Promise<void>): Promise<void> {
    setBusyId(user.id);
    status.clear();
    try {
      await action();
    } catch (error) {
      status.failure(error);
    } finally {
      setBusyId(null);
    }
  }

  const toggleDisabled = (user: User) =>
    act(user, async () => {
      const result = await updateUser(user.id, { disabled: !user.disabled });
      replace(result.user);
      const name = user.username;
      status.success((tr) =>
        result.user.disabled ? tr('users.disabled', { username: name }) : tr('users.enabled', { username: name }),
      );
    });

  const unlock = (user: User) =>
    act(user, async () => {
      const result = await unlockUser(user.id);
      replace(result.user);
      status.success((tr) => tr('users.unlocked', { username: user.username }));
    });

  const reset = (user: User) =>
    act(user, async () => {
      const result = await resetUserPassword(user.id);
      setConfirmReset(null);
      setSecret({ kind: 'reset', username: user.username, value: result.initialPassword });
    });

  return (
    <>
      <div className="page-heading">
        <h1>{t('users.title')}</h1>
        {writable && (
          <button
            type="button"
            ref={createToggle}
            aria-expanded={creating}
            aria-controls={creating ? createFormId : undefined}
            onClick={() => (creating ? closeCreate() : setCreating(true))}
          >
            {t('users.createTitle')}
          </button>
        )}
      </div>
      <p className="page-intro">{t('users.intro')}</p>
      <StatusMessage status={status.status} />
      {secret && (
        <SecretOnce
          title={t(secret.kind === 'reset' ? 'users.passwordReset' : 'users.initialPassword', {
            username: secret.username,
          })}
          secret={secret.value}
          onDismiss={() => setSecret(null)}
        />
      )}
      {confirmReset && (
        <ConfirmPanel
          question={t('users.confirmReset', { username: confirmReset.username })}
          confirmLabel={t('users.confirmResetButton')}
          busy={busyId === confirmReset.id}
          onConfirm={() => void reset(confirmReset)}
          onCancel={() => setConfirmReset(null)}
        />
      )}
      {writable && creating && (
        <UserCreateForm
          id={createFormId}
          onCreated={(user, initialPassword) => {
            users.setData((previous) => (previous ? { items: [...previous.items, user] } : { items: [user] }));
            status.success((tr) => tr('users.created', { username: user.username }));
            // The one-time password takes focus when shown; otherwise focus returns to the button that opened the form.
            if (initialPassword) {
              setCreating(false);
              setSecret({ kind: 'initial', username: user.username, value: initialPassword });
            } else closeCreate();
          }}
          onCancel={closeCreate}
          onError={status.failure}
        />
      )}
      {editing && (
        <UserEditForm
          key={editing.id}
          user={editing}
          onSaved={(user) => {
            replace(user);
            setEditing(null);
            status.success((tr) => tr('users.saved', { username: user.username }));
          }}
          onCancel={() => setEditing(null)}
          onError={status.failure}
        />
      )}
      {users.error !== null && <LoadError error={users.error} />}
      {users.loading && !users.data && <p role="status">{t('common.loading')}</p>}
      {users.data && users.data.items.length === 0 && <EmptyState>{t('users.empty')}</EmptyState>}
      {users.data && users.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('users.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.username')}</th>
                <th scope="col">{t('users.displayName')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('users.department')}</th>
                <th scope="col">{t('users.status')}</th>
                <th scope="col">{t('users.lastLogin')}</th>
                {writable && <th scope="col">{t('users.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => {
                const state = statusOf(user);
                const busy = busyId === user.id;
                return (
                  <tr key={user.id}>
                    <th scope="row">{user.username}</th>
                    <td>{user.displayName ?? t('common.none')}</td>
                    <td>{t(`roles.${user.role}`)}</td>
                    <td>{user.department ?? t('common.none')}</td>
                    <td>
                      <span className={`badge badge-${state}`}>{t(STATUS_KEYS[state])}</span>
                      {state === 'locked' && (
                        <span className="cell-note">
                          {t('errors.lockedUntil', { time: formatDateTime(user.lockedUntil, locale) })}
                        </span>
                      )}
                    </td>
                    <td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt, locale) : t('common.never')}</td>
                    {writable && (
                      <td>
                        <fieldset className="row-actions">
                          <legend className="visually-hidden">
                            {t('users.actionsFor', { username: user.username })}
                          </legend>
                          <button
                            type="button"
                            className="button-small"
                            onClick={() => setEditing(user)}
                            disabled={busy}
                          >
                            {t('users.edit')}
                          </button>
                          {/* Nobody disables their own account from here: it would lock them out mid-session. */}
                          {user.id !== session.user.id && (
                            <button
                              type="button"
                              className="button-small button-secondary"
                              onClick={() => void toggleDisabled(user)}
                              disabled={busy}
                            >
                              {user.disabled ? t('users.enable') : t('users.disable')}
                            </button>
                          )}
                          {state === 'locked' && (
                            <button
                              type="button"
                              className="button-small button-secondary"
                              onClick={() => void unlock(user)}
                              disabled={busy}
                            >
                              {t('users.unlock')}
                            </button>
                          )}
                          <button
                            type="button"
                            className="button-small button-secondary"
                            onClick={() => setConfirmReset(user)}
                            disabled={busy}
                          >
                            {t('users.resetPassword')}
                          </button>
                        </fieldset>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
