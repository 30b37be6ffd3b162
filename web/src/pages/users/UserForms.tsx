// The forms of the Users page: create a user, and edit one (display name, role, department).
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isRole, ROLES, type Role } from '../../../../src/core/index.ts';
import { createUser, type User, type UserChanges, updateUser } from '../../api.ts';
import { FormCard } from '../../components/FormCard.tsx';
import { useFocusOnMount } from '../../useFocusOnMount.ts';

interface CreateProps {
  id: string;
  onCreated: (user: User, initialPassword: string | undefined) => void;
  onCancel: () => void;
  onError: (error: unknown) => void;
}

export function UserCreateForm({ id, onCreated, onCancel, onError }: CreateProps) {
  const { t } = useTranslation();
  // Opened on request by the "Create a user" button: typing starts in the first field.
  const firstField = useFocusOnMount<HTMLInputElement>();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  // The least-privileged role by default: granting more is a deliberate choice.
  const [role, setRole] = useState<Role>('learner');
  const [department, setDepartment] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setBusy(true);
    try {
      const result = await createUser({
        username: username.trim(),
        role,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(department.trim() ? { department: department.trim() } : {}),
        ...(password ? { password } : {}),
      });
      setUsername('');
      setDisplayName('');
      setDepartment('');
      setPassword('');
      setRole('learner');
      onCreated(result.user, result.initialPassword);
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormCard id={id} title={t('users.createTitle')} onSubmit={submit} onCancel={onCancel}>
      <div className="field">
        <label htmlFor={`${id}-username`}>{t('users.username')}</label>
        <input
          id={`${id}-username`}
          ref={firstField}
          required
          autoComplete="off"
          aria-describedby={`${id}-username-hint`}
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <p className="hint" id={`${id}-username-hint`}>
          {t('users.usernameHint')}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-display`}>
          {t('users.displayName')} <span className="muted">{t('common.optional')}</span>
        </label>
        <input id={`${id}-display`} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('users.role')}</label>
        <RoleSelect id={`${id}-role`} value={role} onChange={setRole} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-department`}>
          {t('users.department')} <span className="muted">{t('common.optional')}</span>
        </label>
        <input id={`${id}-department`} value={department} onChange={(event) => setDepartment(event.target.value)} />
      </div>
      <div className="field field-wide">
        <label htmlFor={`${id}-password`}>
          {t('users.password')} <span className="muted">{t('common.optional')}</span>
        </label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="new-password"
          aria-describedby={`${id}-password-hint`}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <p className="hint" id={`${id}-password-hint`}>
          {t('users.passwordHint')}
        </p>
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.saving') : t('users.create')}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </FormCard>
  );
}

interface EditProps {
  user: User;
  onSaved: (user: User) => void;
  onCancel: () => void;
  onError: (error: unknown) => void;
}

export function UserEditForm({ user, onSaved, onCancel, onError }: EditProps) {
  const { t } = useTranslation();
  const id = useId();
  const firstField = useFocusOnMount<HTMLInputElement>();
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const [role, setRole] = useState<Role>(user.role);
  const [department, setDepartment] = useState(user.department ?? '');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    // Send only what changed, so the audit trail records exactly what the administrator did.
    const changes: UserChanges = {};
    if (displayName.trim() !== (user.displayName ?? '')) changes.displayName = displayName.trim() || null;
    if (role !== user.role) changes.role = role;
    if (department.trim() !== (user.department ?? '')) changes.department = department.trim() || null;
    if (Object.keys(changes).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    try {
      const result = await updateUser(user.id, changes);
      onSaved(result.user);
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormCard
      id={id}
      title={t('users.editTitle', { username: user.username })}
      onSubmit={submit}
      onCancel={onCancel}
      className="edit-card"
      anchored={false}
    >
      <div className="field">
        <label htmlFor={`${id}-display`}>{t('users.displayName')}</label>
        <input
          id={`${id}-display`}
          ref={firstField}
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('users.role')}</label>
        <RoleSelect id={`${id}-role`} value={role} onChange={setRole} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-department`}>{t('users.department')}</label>
        <input id={`${id}-department`} value={department} onChange={(event) => setDepartment(event.target.value)} />
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </FormCard>
  );
}

function RoleSelect({ id, value, onChange }: { id: string; value: Role; onChange: (role: Role) => void }) {
  const { t } = useTranslation();
  return (
    <select
      id={id}
      value={value}
      onChange={(event) => {
        if (isRole(event.target.value)) onChange(event.target.value);
      }}
    >
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {t(`roles.${role}`)}
        </option>
      ))}
    </select>
  );
}
