// Small pieces the Detect pages share: severity, entities, ATT&CK ids with their names, paging.
import { useTranslation } from 'react-i18next';
import type { Severity } from '../../../../src/core/index.ts';
import type { DetectAttack, DetectEntities, IncidentResolution, IncidentStatus } from '../../api.ts';
import { attackHref, entityList, resolutionLabel, STATUS_BADGE, statusLabel } from './detectFormat.ts';
import './detect.css';

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return <span className={`severity severity-${severity}`}>{t(`severities.${severity}`)}</span>;
}

export function StatusBadge({ status, resolution }: { status: IncidentStatus; resolution: IncidentResolution | null }) {
  const { t } = useTranslation();
  return (
    <span className={STATUS_BADGE[status]}>
      {statusLabel(status, t)}
      {status === 'resolved' && resolution && ` — ${resolutionLabel(resolution, t)}`}
    </span>
  );
}

/** Entities as chips, the kind said in words for screen readers and shown as a short tag. */
export function EntityChips({ entities, max = 6 }: { entities: DetectEntities; max?: number }) {
  const { t } = useTranslation();
  const all = entityList(entities);
  if (all.length === 0) return <span className="muted">{t('common.none')}</span>;
  const shown = all.slice(0, max);
  return (
    <ul className="chip-list detect-entities">
      {shown.map((entity) => (
        <li key={`${entity.kind}:${entity.value}`}>
          <span className="detect-entity">
            <span className="detect-entity-kind">{t(`detect.entityKinds.${entity.kind}`)}</span>
            <code>{entity.value}</code>
          </span>
        </li>
      ))}
      {all.length > max && <li className="muted">{t('detect.moreEntities', { count: all.length - max })}</li>}
    </ul>
  );
}

/**
 * Technique ids, each with its name as a tooltip for the eye and as hidden text for screen readers
 * (a tooltip alone is out of reach of keyboards and readers).
 */
export function TechniqueIds({ attack }: { attack: DetectAttack }) {
  const { t } = useTranslation();
  if (attack.techniques.length === 0) return <span className="muted">{t('common.none')}</span>;
  return (
    <ul className="chip-list">
      {attack.techniques.map((technique) => (
        <li key={technique.id}>
          <code className="detect-technique" title={technique.name ?? undefined}>
            {technique.id}
          </code>
          {technique.name && <span className="visually-hidden"> {technique.name}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Tactics and techniques with their names, each linked to its MITRE ATT&CK page. */
export function AttackList({ attack }: { attack: DetectAttack }) {
  const { t } = useTranslation();
  if (attack.techniques.length === 0 && attack.tactics.length === 0) {
    return <p className="muted">{t('detect.attackEmpty')}</p>;
  }
  return (
    <dl className="facts detect-attack">
      <div>
        <dt>{t('detect.tactics')}</dt>
        <dd>
          <AttackItems items={attack.tactics} />
        </dd>
      </div>
      <div>
        <dt>{t('detect.techniques')}</dt>
        <dd>
          <AttackItems items={attack.techniques} />
        </dd>
      </div>
    </dl>
  );
}

function AttackItems({ items }: { items: readonly { id: string; name: string | null }[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return <span className="muted">{t('common.none')}</span>;
  return (
    <ul className="detect-attack-list">
      {items.map((item) => {
        const href = attackHref(item.id);
        const label = (
          <>
            <code>{item.id}</code> {item.name ?? <span className="muted">{t('detect.unnamedTechnique')}</span>}
          </>
        );
        return (
          <li key={item.id}>
            {href ? (
              <a href={href} target="_blank" rel="noopener noreferrer">
                {label}
                <span className="visually-hidden"> {t('detect.opensNewTab')}</span>
              </a>
            ) : (
              label
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** "Load older" under a table, or the sentence saying everything is shown. */
export function Pager({
  more,
  loading,
  count,
  onMore,
}: {
  more: boolean;
  loading: boolean;
  count: number;
  onMore: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="pager">
      {more ? (
        <button type="button" className="button-secondary" disabled={loading} onClick={onMore}>
          {loading ? t('common.loading') : t('detect.older')}
        </button>
      ) : (
        <p className="muted">{t('detect.noMore', { count })}</p>
      )}
    </div>
  );
}
