// Mail → Triage: the queue ('/mail/triage') and one reported message ('/mail/triage/<id>') under one nav entry.
import { useHashPath } from '../../router.ts';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { TriageDetail } from './TriageDetail.tsx';
import { TriageList } from './TriageList.tsx';

type View = { kind: 'list' } | { kind: 'detail'; id: string } | { kind: 'unknown' };

export function triageView(path: string): View {
  if (path === '/mail/triage') return { kind: 'list' };
  const match = /^\/mail\/triage\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    try {
      return { kind: 'detail', id: decodeURIComponent(match[1]) };
    } catch {
      return { kind: 'unknown' };
    }
  }
  return { kind: 'unknown' };
}

export function MailTriagePage() {
  const view = triageView(useHashPath());
  switch (view.kind) {
    case 'list':
      return <TriageList />;
    case 'detail':
      // The key drops the previous message's state (note being typed, status) when another one is opened.
      return <TriageDetail key={view.id} id={view.id} />;
    case 'unknown':
      return <NotFoundPage kind="notFound" />;
  }
}
