// Detect's sections as the registry (modules.ts) lists them: incidents (the queue and one incident below it),
// the alert queue, and rules with thresholds.
import { useHashPath } from '../../router.ts';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { AlertsView } from './AlertsView.tsx';
import { INCIDENTS_PATH } from './detectFormat.ts';
import { IncidentsView } from './IncidentsView.tsx';
import { IncidentView } from './IncidentView.tsx';
import { RulesView } from './RulesView.tsx';

type View = { kind: 'list' } | { kind: 'incident'; id: string } | { kind: 'unknown' };

export function incidentsView(path: string): View {
  if (path === INCIDENTS_PATH) return { kind: 'list' };
  const match = /^\/detect\/incidents\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    try {
      return { kind: 'incident', id: decodeURIComponent(match[1]) };
    } catch {
      return { kind: 'unknown' };
    }
  }
  return { kind: 'unknown' };
}

export function DetectIncidentsPage() {
  const view = incidentsView(useHashPath());
  switch (view.kind) {
    case 'list':
      return <IncidentsView />;
    case 'incident':
      // The key drops the previous incident's state (note being typed, statuses) when another one is opened.
      return <IncidentView key={view.id} id={view.id} />;
    case 'unknown':
      return <NotFoundPage kind="notFound" />;
  }
}

export function DetectAlertsPage() {
  return <AlertsView />;
}

export function DetectRulesPage() {
  return <RulesView />;
}
