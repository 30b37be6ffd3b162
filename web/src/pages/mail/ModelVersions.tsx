// The model versions behind mail verdicts: the one shipped with Vigie and those learnt from analysts' verdicts.
// Learning makes a new version active; any earlier one (the shipped one included) can be made active again.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  activateMailModel,
  learnMailModel,
  listMailModels,
  type MailLearnResult,
  type MailModelInfo,
} from '../../api.ts';
import { ConfirmPanel } from '../../components/ConfirmPanel.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { formatDecimal } from './mailFormat.ts';

/** Changes listed after a learning run: the ones that moved most. */
const TOP_CHANGES = 10;

export function ModelVersions() {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const id = useId();
  const manage = can(session, 'mail:settings');
  const models = useLoad(listMailModels, []);
  const status = useStatus();
  const [learning, setLearning] = useState(false);
  const [learnt, setLearnt] = useState<MailLearnResult | null>(null);
  const [confirm, setConfirm] = useState<MailModelInfo | null>(null);
  const [activating, setActivating] = useState(false);

  async function learn(): Promise<void> {
    setLearning(true);
    setLearnt(null);
    status.clear();
    try {
      const result = await learnMailModel();
      setLearnt(result);
      models.reload();
    } catch (error) {
      status.failure(error);
    } finally {
      setLearning(false);
    }
  }

  async function activate(model: MailModelInfo): Promise<void> {
    setActivating(true);
    status.clear();
    try {
      const result = await activateMailModel(model.version);
      models.setData(() => result);
      setConfirm(null);
      setLearnt(null);
      status.success((tr) =>
        model.shipped ? tr('mail.activatedShipped') : tr('mail.activated', { version: model.version }),
      );
    } catch (error) {
      status.failure(error);
    } finally {
      setActivating(false);
    }
  }

  return (
    <section className="card models-card" aria-labelledby={`${id}-title`}>
      <div className="card-heading">
        <h2 id={`${id}-title`}>{t('mail.modelsTitle')}</h2>
        {manage && (
          <button type="button" onClick={() => void learn()} disabled={learning}>
            {learning ? t('mail.learning') : t('mail.learn')}
          </button>
        )}
      </div>
      <p className="hint models-intro">{t('mail.modelsIntro')}</p>
      <StatusMessage status={status.status} />
      {learnt && <LearnResult result={learnt} />}
      {confirm && (
        <ConfirmPanel
          question={
            confirm.shipped ? t('mail.confirmShipped') : t('mail.confirmActivate', { version: confirm.version })
          }
          confirmLabel={t('mail.makeActive')}
          busy={activating}
          onConfirm={() => void activate(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
      {models.error !== null && <LoadError error={models.error} />}
      {models.loading && !models.data && <p role="status">{t('common.loading')}</p>}
      {models.data && models.data.items.length === 0 && <EmptyState>{t('mail.modelsEmpty')}</EmptyState>}
      {models.data && models.data.items.length > 0 && (
        <div className="table-wrap table-flat">
          <table className="models-table">
            <caption className="visually-hidden">{t('mail.modelsTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('mail.modelVersionCol')}</th>
                <th scope="col">{t('mail.modelState')}</th>
                <th scope="col">{t('mail.modelCreated')}</th>
                <th scope="col" className="cell-number">
                  {t('mail.modelExamples')}
                </th>
                {manage && <th scope="col">{t('mail.modelActions')}</th>}
              </tr>
            </thead>
            <tbody>
              {models.data.items.map((model) => (
                <tr key={model.version} className={model.active ? 'row-active' : undefined}>
                  <th scope="row" className="cell-break-any">
                    <code>{model.version}</code>
                  </th>
                  <td>
                    <span className="badge-row">
                      {model.active && <span className="badge badge-ok">{t('mail.modelActive')}</span>}
                      {model.shipped && <span className="badge badge-muted">{t('mail.modelShipped')}</span>}
                      {!model.active && !model.shipped && <span className="muted">{t('mail.modelInactive')}</span>}
                    </span>
                  </td>
                  <td>
                    {model.shipped ? (
                      <span className="muted">{t('mail.modelShippedWith')}</span>
                    ) : (
                      <>
                        {formatDateTime(model.createdAt, locale)}
                        {model.createdBy && <span className="cell-note">{model.createdBy}</span>}
                      </>
                    )}
                  </td>
                  <td className="cell-number">
                    {formatNumber(model.examples, locale)}
                    <span className="cell-note">
                      {model.shipped ? t('mail.examplesCorpus') : t('mail.examplesVerdicts')}
                    </span>
                  </td>
                  {manage && (
                    <td>
                      {!model.active && (
                        <button
                          type="button"
                          className="button-secondary button-small"
                          aria-label={t('mail.makeActiveLabel', { version: model.version })}
                          disabled={activating}
                          onClick={() => setConfirm(model)}
                        >
                          {t('mail.makeActive')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {manage && <p className="hint">{t('mail.undoHint')}</p>}
    </section>
  );
}

function LearnResult({ result }: { result: MailLearnResult }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const total = result.model.examples;
  const changes = result.changes.slice(0, TOP_CHANGES);
  return (
    <div className="notice notice-success learn-result" data-testid="learn-result">
      <p>
        <strong>{t('mail.learnt', { version: result.model.version })}</strong>
      </p>
      <p>
        {t('mail.agreement', {
          before: formatNumber(result.agreementBefore, locale),
          after: formatNumber(result.agreementAfter, locale),
          total: formatNumber(total, locale),
        })}
      </p>
      {changes.length === 0 ? (
        <p>{t('mail.noChanges')}</p>
      ) : (
        <div className="table-wrap table-flat">
          <table>
            <caption>{t('mail.changesCaption', { count: changes.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('mail.changeName')}</th>
                <th scope="col" className="cell-number">
                  {t('mail.changeBefore')}
                </th>
                <th scope="col" className="cell-number">
                  {t('mail.changeAfter')}
                </th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change) => (
                <tr key={change.name}>
                  <th scope="row" className="cell-break-any">
                    <code>{change.name}</code>
                  </th>
                  <td className="cell-number">{formatDecimal(change.before, locale)}</td>
                  <td className="cell-number">
                    {formatDecimal(change.after, locale)}{' '}
                    <span className={change.after > change.before ? 'delta delta-up' : 'delta delta-down'}>
                      <span aria-hidden="true">{change.after > change.before ? '▲' : '▼'}</span>
                      <span className="visually-hidden">
                        {change.after > change.before ? t('mail.changeUp') : t('mail.changeDown')}
                      </span>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
