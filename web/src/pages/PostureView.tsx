// The posture dashboard: loads GET /api/posture once and lays out one card per area.
import { useTranslation } from 'react-i18next';
import { getPosture } from '../api.ts';
import { LoadError } from '../components/StatusMessage.tsx';
import { useLoad } from '../useLoad.ts';
import { AuditCard, FindingsCard, ModulesCard, SecurityCard, TokensCard, UsersCard } from './PostureCards.tsx';

export function PostureView() {
  const { t } = useTranslation();
  const posture = useLoad(getPosture, []);
  return (
    <>
      <div className="page-heading">
        <h1>{t('home.title')}</h1>
        <button type="button" className="button-secondary" onClick={posture.reload} disabled={posture.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">{t('home.intro')}</p>
      {posture.error !== null && <LoadError error={posture.error} />}
      {posture.loading && !posture.data && <p role="status">{t('common.loading')}</p>}
      {posture.data && (
        <div className="card-grid">
          <UsersCard users={posture.data.users} />
          <TokensCard tokens={posture.data.tokens} />
          <AuditCard audit={posture.data.audit} />
          <SecurityCard security={posture.data.security} />
          <FindingsCard findings={posture.data.findings} modules={posture.data.modules} />
          <ModulesCard modules={posture.data.modules} />
        </div>
      )}
    </>
  );
}
