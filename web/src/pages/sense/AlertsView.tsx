// Sense alerts: the findings raised on readings and device behaviour, newest first.
import { useTranslation } from 'react-i18next';
import { listSenseAlerts } from '../../api.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError } from '../../components/StatusMessage.tsx';
import { useLoad } from '../../useLoad.ts';
import { AlertList } from './AlertList.tsx';
import { useAutoReload } from './useAutoReload.ts';

const LIMIT = 100;

export function AlertsView() {
  const { t } = useTranslation();
  const alerts = useLoad(() => listSenseAlerts(LIMIT), []);
  useAutoReload(alerts.reload);
  return (
    <>
      <div className="page-heading">
        <h1>{t('sense.alertsTitle')}</h1>
        <button type="button" className="button-secondary" onClick={alerts.reload} disabled={alerts.loading}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="page-intro">{t('sense.alertsIntro')}</p>
      {alerts.error !== null && <LoadError error={alerts.error} />}
      {alerts.loading && !alerts.data && <p role="status">{t('common.loading')}</p>}
      {alerts.data && alerts.data.items.length === 0 && <EmptyState>{t('sense.alertsEmpty')}</EmptyState>}
      {alerts.data && alerts.data.items.length > 0 && (
        <AlertList alerts={alerts.data.items} caption={t('sense.alertsCaption')} showDevice />
      )}
    </>
  );
}
