// Administration → API tokens: the list (everyone's with tokens:read-all, else one's own), create, and revoke.
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiToken, listTokens, revokeToken } from '../api.ts';
import { ConfirmPanel } from '../components/ConfirmPanel.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { SecretOnce } from '../components/SecretOnce.tsx';
import { LoadError, StatusMessage } from '../components/StatusMessage.tsx';
import { formatDateTime, isFuture } from '../format.ts';
import { useLocale } from '../i18n.ts';
import { can, useSession } from '../session.ts';
import { useStatus } from '../status.ts';
import { useLoad } from '../useLoad.ts';
import { TokenCreateForm } from './tokens/TokenCreateForm.tsx';

type TokenStatus = 'active' | 'expired' | 'revoked';

function statusOf(token: ApiToken): TokenStatus {
  if (token.revokedAt) return 'revoked';
  // A token without an expiry date never expires.
  if (token.expiresAt && !isFuture(token.expiresAt)) return 'expired';
  return 'active';
}

const STATUS_KEYS = {
  active: 'tokens.statusActive',
  expired: 'tokens.statusExpired',
  revoked: 'tokens.statusRevoked',
} as const;

export function TokensPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const seeAll = can(session, 'tokens:read-all');
  const tokens = useLoad(() => listTokens(seeAll), [seeAll]);
  const status = useStatus();
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<ApiToken | null>(null);
  const [busy, setBusy] = useState(false);
  const [creating, setCreating] = useState(false);
  const createFormId = useId();
  const createToggle = useRef<HTMLButtonElement>(null);

  function closeCreate(): void {
    setCreating(false);
    createToggle.current?.focus();
  }

  const mayRevoke = (token: ApiToken): boolean =>
    statusOf(token) !== 'revoked' && (token.userId === session.user.id || can(session, 'tokens:write-all'));

  async function revoke(token: ApiToken): Promise<void> {
    setBusy(true);
    status.clear();
    try {
      await revokeToken(token.id);
      setConfirmRevoke(null);
      const revokedAt = new Date().toISOString();
      tokens.setData((previous) =>
        previous
          ? { items: previous.items.map((item) => (item.id === token.id ? { ...item, revokedAt } : item)) }
          : previous,
      );
      status.success((tr) => tr('tokens.revoked', { name: token.name }));
      // Then fetch the server's own record of the revocation time.
      tokens.reload();
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="page-heading">
        <h1>{t('tokens.title')}</h1>
        <button
          type="button"
          ref={createToggle}
          aria-expanded={creating}
          aria-controls={creating ? createFormId : undefined}
          onClick={() => (creating ? closeCreate() : setCreating(true))}
        >
          {t('tokens.createTitle')}
        </button>
      </div>
      <p className="page-intro">
        {t('tokens.intro')} {seeAll ? t('tokens.introAll') : t('tokens.introOwn')}
      </p>
      <StatusMessage status={status.status} />
      {secret && (
        <SecretOnce
          title={t('tokens.secretTitle', { name: secret.name })}
          secret={secret.value}
          onDismiss={() => setSecret(null)}
        />
      )}
      {creating && (
        <TokenCreateForm
          id={createFormId}
          onCreated={(token, value) => {
            tokens.setData((previous) => (previous ? { items: [token, ...previous.items] } : { items: [token] }));
            status.success((tr) => tr('tokens.created', { name: token.name }));
            // The secret panel takes focus as it appears.
            setCreating(false);
            setSecret({ name: token.name, value });
          }}
          onCancel={closeCreate}
          onError={status.failure}
        />
      )}
      {confirmRevoke && (
        <ConfirmPanel
          question={t('tokens.confirmRevoke', { name: confirmRevoke.name })}
          confirmLabel={t('tokens.confirmRevokeButton')}
          busy={busy}
          onConfirm={() => void revoke(confirmRevoke)}
          onCancel={() => setConfirmRevoke(null)}
        />
      )}
      {tokens.error !== null && <LoadError error={tokens.error} />}
      {tokens.loading && !tokens.data && <p role="status">{t('common.loading')}</p>}
      {tokens.data && tokens.data.items.length === 0 && <EmptyState>{t('tokens.empty')}</EmptyState>}
      {tokens.data && tokens.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('tokens.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('tokens.owner')}</th>
                <th scope="col">{t('tokens.prefix')}</th>
                <th scope="col">{t('tokens.scopes')}</th>
                <th scope="col">{t('tokens.createdAt')}</th>
                <th scope="col">{t('tokens.expires')}</th>
                <th scope="col">{t('tokens.lastUsed')}</th>
                <th scope="col">{t('tokens.status')}</th>
                <th scope="col">{t('tokens.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((token) => {
                const state = statusOf(token);
                return (
                  <tr key={token.id}>
                    <th scope="row">{token.name}</th>
                    <td>{token.username}</td>
                    <td>
                      <code>{token.prefix}</code>
                    </td>
                    <td>
                      {token.scopes.length === 0 ? (
                        <span className="muted">{t('tokens.noScopes')}</span>
                      ) : (
                        <ul className="scope-list">
                          {token.scopes.map((scope) => (
                            <li key={scope}>
                              <code title={t(`permissions.${scope}`)}>{scope}</code>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>{formatDateTime(token.createdAt, locale)}</td>
                    <td>{token.expiresAt ? formatDateTime(token.expiresAt, locale) : t('common.never')}</td>
                    <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt, locale) : t('common.never')}</td>
                    <td>
                      <span className={`badge badge-${state}`}>{t(STATUS_KEYS[state])}</span>
                    </td>
                    <td>
                      {mayRevoke(token) && (
                        <button
                          type="button"
                          className="button-small button-danger-outline"
                          aria-label={t('tokens.revokeLabel', { name: token.name })}
                          onClick={() => setConfirmRevoke(token)}
                        >
                          {t('tokens.revoke')}
                        </button>
                      )}
                    </td>
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
