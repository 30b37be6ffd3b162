// Detect → one incident: who or what it is about, how severe, where it stands in the workflow (and, for
// detect:write, the buttons that move it), the alerts in time order with their reasons in plain language and
// the log records behind them, ATT&CK tactics and techniques, and the verdicts that tune behavioural thresholds.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type DetectAlert,
  type DetectAlertDetail,
  type DetectChange,
  type DetectIncident,
  type DetectIncidentDetail,
  getDetectIncident,
  INCIDENT_RESOLUTIONS,
  type IncidentResolution,
  type IncidentStatus,
  listBehaviourChanges,
  setDetectIncidentStatus,
} from '../../api.ts';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { useLoad } from '../../useLoad.ts';
import { AlertVerdict } from './AlertVerdict.tsx';
import { AttackList, EntityChips, SeverityBadge, StatusBadge } from './DetectParts.tsx';
import {
  actorName,
  behaviourFacts,
  entityKindLabel,
  formatDuration,
  formatInstant,
  incidentsHref,
  kindLabel,
  patternLabel,
  resolutionLabel,
} from './detectFormat.ts';
import { EventList } from './EventList.tsx';

const NOTE_MAX = 4000;

export function IncidentView({ id }: { id: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const detail = useLoad(() => getDetectIncident(id), [id]);
  // Threshold changes are few; the page shows those its alerts caused, and whether they still stand.
  const changes = useLoad(() => listBehaviourChanges(500).then((result) => result.items), []);
  const data = detail.data;

  function replaceIncident(incident: DetectIncident): void {
    detail.setData((previous) => (previous ? { ...previous, ...incident } : previous));
  }

  function replaceAlert(alert: DetectAlert): void {
    detail.setData((previous) =>
      previous
        ? {
            ...previous,
            timeline: previous.timeline.map((item) => (item.id === alert.id ? { ...item, ...alert } : item)),
          }
        : previous,
    );
  }

  function upsertChange(change: DetectChange): void {
    changes.setData((previous) => [change, ...(previous ?? []).filter((item) => item.id !== change.id)]);
  }

  return (
    <>
      <p className="breadcrumb">
        <a href={incidentsHref()}>{t('detect.backToIncidents')}</a>
      </p>
      <div className="page-heading">
        <h1>{data ? data.title[locale] : t('detect.incidentTitle')}</h1>
        <button
          type="button"
          className="button-secondary"
          onClick={() => {
            detail.reload();
            changes.reload();
          }}
          disabled={detail.loading}
        >
          {t('common.refresh')}
        </button>
      </div>
      {detail.error !== null && <LoadError error={detail.error} />}
      {detail.loading && !data && <p role="status">{t('common.loading')}</p>}
      {data && (
        <>
          <IncidentFacts incident={data} />
          <div className="detect-columns">
            <Workflow key={data.id} incident={data} onChanged={replaceIncident} onNoted={detail.reload} />
            <section className="card" aria-labelledby="detect-attack-title">
              <h2 id="detect-attack-title">{t('detect.attackTitle')}</h2>
              <AttackList attack={data.attack} />
              <h3>{t('detect.entitiesTitle')}</h3>
              <EntityChips entities={data.entities} max={50} />
            </section>
          </div>
          <Timeline incident={data} changes={changes.data ?? []} onAlert={replaceAlert} onChange={upsertChange} />
        </>
      )}
    </>
  );
}

function IncidentFacts({ incident }: { incident: DetectIncidentDetail }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <dl className="facts detect-facts" data-testid="incident-facts">
      <div>
        <dt>{t('detect.colEntity')}</dt>
        <dd>
          {entityKindLabel(incident.entity.kind, t)} <code>{incident.entity.value || t('common.none')}</code>
        </dd>
      </div>
      <div>
        <dt>{t('detect.colSeverity')}</dt>
        <dd>
          <SeverityBadge severity={incident.severity} />
        </dd>
      </div>
      <div>
        <dt>{t('detect.colStatus')}</dt>
        <dd>
          <StatusBadge status={incident.status} resolution={incident.resolution} />
        </dd>
      </div>
      <div>
        <dt>{t('detect.assignee')}</dt>
        <dd>{incident.assignee ?? <span className="muted">{t('detect.unassigned')}</span>}</dd>
      </div>
      <div>
        <dt>{t('detect.colSpan')}</dt>
        <dd>
          {t('detect.spanValue', {
            from: formatInstant(incident.firstTime, locale),
            to: formatInstant(incident.lastTime, locale),
          })}
        </dd>
      </div>
      <div>
        <dt>{t('detect.colAlerts')}</dt>
        <dd>{formatNumber(incident.alertCount, locale)}</dd>
      </div>
    </dl>
  );
}

function Workflow({
  incident,
  onChanged,
  onNoted,
}: {
  incident: DetectIncidentDetail;
  onChanged: (incident: DetectIncident) => void;
  onNoted: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const id = useId();
  const writable = can(session, 'detect:write');
  const [assignee, setAssignee] = useState(incident.assignee ?? '');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const status = useStatus();

  async function move(to: IncidentStatus, resolution?: IncidentResolution): Promise<void> {
    setBusy(true);
    status.clear();
    try {
      const trimmedNote = note.trim();
      const result = await setDetectIncidentStatus(incident.id, {
        status: to,
        expected: incident.status,
        ...(resolution ? { resolution } : {}),
        assignee: assignee.trim() || null,
        ...(trimmedNote ? { note: trimmedNote } : {}),
      });
      onChanged(result.incident);
      setNote('');
      // The note is kept by the server with its author and time: read it back from there.
      if (trimmedNote) onNoted();
      status.success((tr) =>
        to === incident.status
          ? tr('detect.saved')
          : to === 'resolved' && resolution
            ? tr('detect.movedResolved', { resolution: resolutionLabel(resolution, tr) })
            : to === 'investigating'
              ? tr('detect.movedInvestigating')
              : tr('detect.saved'),
      );
    } catch (error) {
      status.failure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('detect.workflowTitle')}</h2>
      <p className="hint">{t('detect.workflowHint')}</p>
      {writable ? (
        <form
          className="form-stack detect-workflow"
          onSubmit={(event) => {
            event.preventDefault();
            void move(incident.status, incident.resolution ?? undefined);
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-assignee`}>
              {t('detect.assignee')} <span className="muted">{t('common.optional')}</span>
            </label>
            <input
              id={`${id}-assignee`}
              value={assignee}
              maxLength={120}
              onChange={(event) => setAssignee(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-note`}>
              {t('detect.note')} <span className="muted">{t('common.optional')}</span>
            </label>
            <textarea
              id={`${id}-note`}
              rows={2}
              maxLength={NOTE_MAX}
              value={note}
              aria-describedby={`${id}-note-hint`}
              onChange={(event) => setNote(event.target.value)}
            />
            <p id={`${id}-note-hint`} className="hint">
              {t('detect.noteHint')}
            </p>
          </div>
          {incident.status === 'new' && (
            <div className="button-row">
              <button type="button" disabled={busy} onClick={() => void move('investigating')}>
                {t('detect.startInvestigating')}
              </button>
            </div>
          )}
          {incident.status !== 'resolved' ? (
            <fieldset className="verdict-actions detect-resolve">
              <legend>{t('detect.resolveAs')}</legend>
              {INCIDENT_RESOLUTIONS.map((resolution) => (
                <button
                  key={resolution}
                  type="button"
                  className={resolution === 'true_positive' ? 'button-danger' : 'button-secondary'}
                  disabled={busy}
                  onClick={() => void move('resolved', resolution)}
                >
                  {t(`detect.resolve.${resolution}`)}
                </button>
              ))}
            </fieldset>
          ) : (
            <div className="button-row">
              <button
                type="button"
                className="button-secondary"
                disabled={busy}
                onClick={() => void move('investigating')}
              >
                {t('detect.reopen')}
              </button>
            </div>
          )}
          <div className="button-row">
            <button type="submit" className="button-secondary" disabled={busy}>
              {t('detect.saveAssigneeNote')}
            </button>
          </div>
        </form>
      ) : (
        <p className="hint">{t('detect.readOnlyWorkflow')}</p>
      )}
      <StatusMessage status={status.status} />
      <h3>{t('detect.notesTitle', { count: incident.notes.length })}</h3>
      {incident.notes.length === 0 ? (
        <p className="muted">{t('detect.notesEmpty')}</p>
      ) : (
        <ol className="detect-notes">
          {incident.notes.map((item) => (
            <li key={item.id}>
              <p className="cell-note">
                {t('detect.noteBy', { name: actorName(item.author), time: formatInstant(item.at, locale) })}
              </p>
              <p className="detect-note-text">{item.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Timeline({
  incident,
  changes,
  onAlert,
  onChange,
}: {
  incident: DetectIncidentDetail;
  changes: DetectChange[];
  onAlert: (alert: DetectAlert) => void;
  onChange: (change: DetectChange) => void;
}) {
  const { t } = useTranslation();
  // Oldest first: a timeline reads in the order things happened.
  const alerts = [...incident.timeline].sort(
    (a, b) => Date.parse(a.firstTime) - Date.parse(b.firstTime) || a.id.localeCompare(b.id),
  );
  return (
    <section className="detect-timeline-section" aria-labelledby="detect-timeline-title">
      <h2 id="detect-timeline-title">{t('detect.timelineTitle', { count: alerts.length })}</h2>
      {incident.timeline.length < incident.alertCount && (
        <p className="hint">{t('detect.timelineTruncated', { count: incident.timeline.length })}</p>
      )}
      <ol className="detect-timeline">
        {alerts.map((alert) => (
          <li key={alert.id}>
            <TimelineAlert
              alert={alert}
              changes={changes.filter((change) => change.alertId === alert.id)}
              onAlert={onAlert}
              onChange={onChange}
            />
          </li>
        ))}
      </ol>
    </section>
  );
}

function TimelineAlert({
  alert,
  changes,
  onAlert,
  onChange,
}: {
  alert: DetectAlertDetail;
  changes: DetectChange[];
  onAlert: (alert: DetectAlert) => void;
  onChange: (change: DetectChange) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const reasons = [...alert.reasons].sort((a, b) => b.weight - a.weight);
  const sameTime = alert.firstTime === alert.lastTime;
  return (
    <article className="card detect-alert" aria-labelledby={`${id}-title`} data-testid="timeline-alert">
      <header className="detect-alert-head">
        <p className="detect-alert-time">
          <time dateTime={alert.firstTime}>{formatInstant(alert.firstTime, locale)}</time>
          {!sameTime && (
            <>
              {' → '}
              <time dateTime={alert.lastTime}>{formatInstant(alert.lastTime, locale)}</time>
            </>
          )}
        </p>
        <h3 id={`${id}-title`}>
          <SeverityBadge severity={alert.severity} /> {alert.title[locale]}
        </h3>
        <p className="cell-note">
          {kindLabel(alert.kind, t)} · <code>{alert.ruleId}</code>
          {alert.level && ` · ${t('detect.level', { level: alert.level })}`}
        </p>
      </header>
      <h4>{t('detect.reasonsTitle')}</h4>
      <ul className="evidence-list detect-reasons">
        {reasons.map((reason, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an alert may carry one code twice; the order is fixed.
          <li key={`${reason.code}-${index}`}>{reason.message[locale]}</li>
        ))}
      </ul>
      <BehaviourFacts alert={alert} />
      {(alert.attack.techniques.length > 0 || alert.attack.tactics.length > 0) && (
        <details className="reason-details">
          <summary>{t('detect.alertAttack')}</summary>
          <AttackList attack={alert.attack} />
        </details>
      )}
      <EventList events={alert.events} total={alert.eventIds.length} />
      <AlertVerdict alert={alert} changes={changes} onAlert={onAlert} onChange={onChange} />
    </article>
  );
}

function BehaviourFacts({ alert }: { alert: DetectAlert }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const facts = behaviourFacts(alert);
  if (!facts) return null;
  return (
    <dl className="facts detect-behaviour" data-testid="behaviour-facts">
      <div>
        <dt>{t('detect.pattern')}</dt>
        <dd>{patternLabel(facts.pattern, t)}</dd>
      </div>
      {facts.entity && (
        <div>
          <dt>{t('detect.colEntity')}</dt>
          <dd>
            {entityKindLabel(facts.entity.kind, t)} <code>{facts.entity.value}</code>
          </dd>
        </div>
      )}
      <div>
        <dt>{t('detect.observed')}</dt>
        <dd>
          {t('detect.observedValue', {
            observed: formatNumber(facts.observed, locale),
            threshold: formatNumber(facts.threshold, locale),
          })}
        </dd>
      </div>
      <div>
        <dt>{t('detect.window')}</dt>
        <dd>{facts.windowMs === null ? t('common.none') : formatDuration(facts.windowMs, locale)}</dd>
      </div>
      {facts.counts.length > 0 && (
        <div>
          <dt>{t('detect.counts')}</dt>
          <dd>
            <ul className="chip-list">
              {facts.counts.map(([key, value]) => (
                <li key={key}>
                  <code className="chip">
                    {key} = {formatNumber(value, locale)}
                  </code>
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
      {facts.baseline.length > 0 && (
        <div>
          <dt>{t('detect.baseline')}</dt>
          <dd>
            <ul className="chip-list">
              {facts.baseline.map(([key, value]) => (
                <li key={key}>
                  <code className="chip">
                    {key} = {formatNumber(value, locale)}
                  </code>
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  );
}
