// The cards of the posture dashboard. Each shows only figures the API returned, and explains a zero.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeSeverity, ROLES, SEVERITIES } from '../../../src/core/index.ts';
import type { ModuleStatus, Posture } from '../api.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { useLocale } from '../i18n.ts';
import { hrefFor } from '../router.ts';
import { can, useSession } from '../session.ts';

function Card({ id, title, wide, children }: { id: string; title: string; wide?: boolean; children: ReactNode }) {
  return (
    <section className={wide ? 'card card-wide' : 'card'} aria-labelledby={`card-${id}`}>
      <h2 id={`card-${id}`}>{title}</h2>
      {children}
    </section>
  );
}

/** Headline figures as a description list: each number is read together with what it counts. */
function Stats({ items }: { items: { label: string; value: number; tone?: 'warn' | 'bad' }[] }) {
  const locale = useLocale();
  return (
    <dl className="stats">
      {items.map((item) => (
        <div key={item.label} className={item.tone ? `stat stat-${item.tone}` : 'stat'}>
          <dt>{item.label}</dt>
          <dd>{formatNumber(item.value, locale)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function UsersCard({ users }: { users: Posture['users'] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  return (
    <Card id="users" title={t('home.usersTitle')}>
      <Stats
        items={[
          { label: t('home.usersTotal'), value: users.total },
          { label: t('home.usersDisabled'), value: users.disabled },
          { label: t('home.usersLocked'), value: users.locked, tone: users.locked > 0 ? 'warn' : undefined },
        ]}
      />
      <h3 className="card-subtitle">{t('home.usersByRole')}</h3>
      <ul className="breakdown">
        {ROLES.map((role) => (
          <li key={role}>
            <span>{t(`roles.${role}`)}</span>
            <span className="breakdown-value">{formatNumber(users.byRole[role], locale)}</span>
          </li>
        ))}
      </ul>
      {users.total <= 1 && (
        <EmptyState action={can(session, 'users:read') && <a href={hrefFor('/admin/users')}>{t('home.goUsers')}</a>}>
          {can(session, 'users:write') ? t('home.usersAlone') : t('home.usersAloneNoRights')}
        </EmptyState>
      )}
    </Card>
  );
}

export function TokensCard({ tokens }: { tokens: Posture['tokens'] }) {
  const { t } = useTranslation();
  return (
    <Card id="tokens" title={t('home.tokensTitle')}>
      <Stats
        items={[
          { label: t('home.tokensActive'), value: tokens.active },
          {
            label: t('home.tokensExpiringSoon'),
            value: tokens.expiringSoon,
            tone: tokens.expiringSoon > 0 ? 'warn' : undefined,
          },
        ]}
      />
      {tokens.active === 0 && (
        <EmptyState action={<a href={hrefFor('/admin/tokens')}>{t('home.goTokens')}</a>}>
          {t('home.tokensEmpty')}
        </EmptyState>
      )}
    </Card>
  );
}

export function AuditCard({ audit }: { audit: Posture['audit'] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const { chain } = audit;
  return (
    <Card id="audit" title={t('home.auditTitle')}>
      <Stats
        items={[
          { label: t('home.auditEntries'), value: audit.entries },
          { label: t('home.auditLast24h'), value: audit.last24h },
        ]}
      />
      <h3 className="card-subtitle">{t('home.auditChain')}</h3>
      {chain.ok ? (
        <p className="chain chain-ok">
          <span className="badge badge-ok" aria-hidden="true">
            ✓
          </span>{' '}
          {t('home.chainOk', { checked: formatNumber(chain.checked, locale) })}
        </p>
      ) : (
        <p className="chain chain-bad">
          <span className="badge badge-bad" aria-hidden="true">
            !
          </span>{' '}
          {chain.firstBad
            ? t('home.chainBroken', {
                seq: chain.firstBad.seq,
                reason: chain.firstBad.message[locale],
              })
            : t('home.chainBrokenUnknown')}
        </p>
      )}
      {audit.entries === 0 && <EmptyState>{t('home.auditEmpty')}</EmptyState>}
      {can(session, 'audit:read') && (
        <p className="card-link">
          <a href={hrefFor('/audit')}>{t('home.goAudit')}</a>
        </p>
      )}
    </Card>
  );
}

export function SecurityCard({ security }: { security: Posture['security'] }) {
  const { t } = useTranslation();
  const session = useSession();
  const failed = security.failedLogins24h;
  return (
    <Card id="security" title={t('home.securityTitle')}>
      <Stats items={[{ label: t('home.failedLogins'), value: failed, tone: failed > 0 ? 'warn' : undefined }]} />
      {failed === 0 ? (
        <EmptyState>{t('home.failedLoginsNone')}</EmptyState>
      ) : (
        <p>
          {t('home.failedLoginsSome')}{' '}
          {can(session, 'audit:read') && <a href={hrefFor('/audit')}>{t('home.goAudit')}</a>}
        </p>
      )}
    </Card>
  );
}

function moduleName(id: string, modules: readonly ModuleStatus[], locale: 'fr' | 'en'): string {
  return modules.find((module) => module.id === id)?.name[locale] ?? id;
}

export function FindingsCard({ findings, modules }: { findings: Posture['findings']; modules: ModuleStatus[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (findings.total === 0) {
    return (
      <Card id="findings" title={t('home.findingsTitle')} wide>
        <Stats items={[{ label: t('home.findingsTotal'), value: 0 }]} />
        <EmptyState>{t('home.findingsEmpty')}</EmptyState>
      </Card>
    );
  }
  const byModule = Object.entries(findings.byModule).sort((a, b) => b[1] - a[1]);
  return (
    <Card id="findings" title={t('home.findingsTitle')} wide>
      <Stats items={[{ label: t('home.findingsTotal'), value: findings.total }]} />
      <div className="findings-columns">
        <div>
          <h3 className="card-subtitle">{t('home.findingsBySeverity')}</h3>
          <ul className="breakdown">
            {[...SEVERITIES].reverse().map((severity) => (
              <li key={severity}>
                <span className={`severity severity-${severity}`}>{t(`severities.${severity}`)}</span>
                <span className="breakdown-value">{formatNumber(findings.bySeverity[severity], locale)}</span>
              </li>
            ))}
          </ul>
          <details className="severity-scale">
            <summary>{t('home.severityScale')}</summary>
            <ul>
              {[...SEVERITIES].reverse().map((severity) => (
                <li key={severity}>{describeSeverity(severity)[locale]}</li>
              ))}
            </ul>
          </details>
        </div>
        <div>
          <h3 className="card-subtitle">{t('home.findingsByModule')}</h3>
          <ul className="breakdown">
            {byModule.map(([id, count]) => (
              <li key={id}>
                <span>{moduleName(id, modules, locale)}</span>
                <span className="breakdown-value">{formatNumber(count, locale)}</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
      {findings.recent.length > 0 && (
        <>
          <h3 className="card-subtitle">{t('home.findingsRecent')}</h3>
          <ul className="finding-list">
            {findings.recent.map((finding) => (
              <li key={finding.id}>
                <span className={`severity severity-${finding.severity}`}>{t(`severities.${finding.severity}`)}</span>
                <span className="finding-title">{finding.title[locale]}</span>
                <span className="finding-meta">
                  {moduleName(finding.module, modules, locale)} · {formatDateTime(finding.observedAt, locale)} ·{' '}
                  {t('home.findingScore', {
                    score: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(finding.score),
                  })}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

export function ModulesCard({ modules }: { modules: ModuleStatus[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Card id="modules" title={t('home.modulesTitle')} wide>
      <p className="muted">{t('home.modulesIntro')}</p>
      {modules.length === 0 ? (
        <EmptyState>{t('home.modulesEmpty')}</EmptyState>
      ) : (
        <ul className="module-list">
          {modules.map((module) => (
            <li key={module.id} className={module.enabled ? 'module module-enabled' : 'module'}>
              <span className="module-name">{module.name[locale]}</span>
              <span className={module.enabled ? 'badge badge-ok' : 'badge badge-muted'}>
                {module.enabled ? t('home.moduleEnabled') : t('home.moduleNotInstalled')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
