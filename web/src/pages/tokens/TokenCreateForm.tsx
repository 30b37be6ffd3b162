// The form that creates an API token; scopes offered are only the permissions the current user holds.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Permission } from '../../../../src/core/index.ts';
import { type ApiToken, createToken } from '../../api.ts';
import { FormCard } from '../../components/FormCard.tsx';
import { useSession } from '../../session.ts';
import { useFocusOnMount } from '../../useFocusOnMount.ts';

interface Props {
  id: string;
  onCreated: (token: ApiToken, secret: string) => void;
  onCancel: () => void;
  onError: (error: unknown) => void;
}

const DEFAULT_DAYS = 90;

export function TokenCreateForm({ id, onCreated, onCancel, onError }: Props) {
  const { t } = useTranslation();
  const session = useSession();
  // Opened on request by the "Create a token" button: typing starts in the first field.
  const firstField = useFocusOnMount<HTMLInputElement>();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Permission[]>([]);
  const [days, setDays] = useState(String(DEFAULT_DAYS));
  const [busy, setBusy] = useState(false);

  function toggle(permission: Permission, checked: boolean): void {
    setScopes((previous) => (checked ? [...previous, permission] : previous.filter((p) => p !== permission)));
  }

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setBusy(true);
    try {
      // Keep the registry's order, whatever order the boxes were ticked in.
      const ordered = session.permissions.filter((p) => scopes.includes(p));
      const result = await createToken(name.trim(), ordered, Number(days));
      setName('');
      setScopes([]);
      setDays(String(DEFAULT_DAYS));
      onCreated(result.token, result.secret);
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormCard id={id} title={t('tokens.createTitle')} onSubmit={submit} onCancel={onCancel}>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('tokens.name')}</label>
        <input
          id={`${id}-name`}
          ref={firstField}
          required
          maxLength={100}
          autoComplete="off"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-days`}>{t('tokens.expiresInDays')}</label>
        <input
          id={`${id}-days`}
          type="number"
          inputMode="numeric"
          min={1}
          max={365}
          step={1}
          required
          value={days}
          onChange={(event) => setDays(event.target.value)}
        />
      </div>
      <fieldset className="field-wide scopes">
        <legend>{t('tokens.scopesLegend')}</legend>
        {session.permissions.length === 0 ? (
          <p className="muted">{t('tokens.noPermissionToDelegate')}</p>
        ) : (
          <div className="checkbox-grid">
            {session.permissions.map((permission) => (
              <label key={permission} className="checkbox">
                <input
                  type="checkbox"
                  value={permission}
                  checked={scopes.includes(permission)}
                  onChange={(event) => toggle(permission, event.target.checked)}
                />
                <span>
                  <code>{permission}</code> <span className="muted">{t(`permissions.${permission}`)}</span>
                </span>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.saving') : t('tokens.create')}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </FormCard>
  );
}
