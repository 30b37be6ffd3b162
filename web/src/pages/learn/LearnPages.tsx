// Learn's sections as the registry (modules.ts) lists them: my training, the modules (and one module below them,
// also reached from the teaching page shown after a simulated phishing), the programme, campaigns (and their sending
// profiles), content (and the organisation's templates and landing pages).
import { useHashPath } from '../../router.ts';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { CampaignsView } from './CampaignsView.tsx';
import { CampaignView } from './CampaignView.tsx';
import { KnowledgePage } from './KnowledgeView.tsx';
import { PROFILES_PATH, TEMPLATES_PATH } from './LearnSubnav.tsx';
import { CAMPAIGNS_PATH, MODULES_PATH } from './learnFormat.ts';
import { ModuleCatalogue, ModuleView } from './ModuleView.tsx';
import { MyLearningPage } from './MyLearning.tsx';
import { ProfilesView } from './ProfilesView.tsx';
import { ProgrammePage } from './ProgrammeView.tsx';
import { TemplatesView } from './TemplatesView.tsx';

type View = { kind: 'list' } | { kind: 'one'; id: string } | { kind: 'unknown' };

/** `/base` is the list, `/base/<id>` one item; anything deeper is unknown. */
export function viewOf(path: string, base: string): View {
  if (path === base) return { kind: 'list' };
  const rest = path.startsWith(`${base}/`) ? path.slice(base.length + 1) : '';
  if (!rest || rest.includes('/')) return { kind: 'unknown' };
  try {
    return { kind: 'one', id: decodeURIComponent(rest) };
  } catch {
    return { kind: 'unknown' };
  }
}

export function LearnMePage() {
  return <MyLearningPage />;
}

export function LearnModulesPage() {
  const view = viewOf(useHashPath(), MODULES_PATH);
  switch (view.kind) {
    case 'list':
      return <ModuleCatalogue />;
    case 'one':
      // The key starts a fresh quiz when another module is opened.
      return <ModuleView key={view.id} id={view.id} />;
    case 'unknown':
      return <NotFoundPage kind="notFound" />;
  }
}

export function LearnProgrammePage() {
  return <ProgrammePage />;
}

export function LearnCampaignsPage() {
  const path = useHashPath();
  if (path === PROFILES_PATH) return <ProfilesView />;
  const view = viewOf(path, CAMPAIGNS_PATH);
  switch (view.kind) {
    case 'list':
      return <CampaignsView />;
    case 'one':
      return <CampaignView key={view.id} id={view.id} />;
    case 'unknown':
      return <NotFoundPage kind="notFound" />;
  }
}

export function LearnContentPage() {
  const path = useHashPath();
  if (path === TEMPLATES_PATH) return <TemplatesView />;
  if (path !== '/learn/content') return <NotFoundPage kind="notFound" />;
  return <KnowledgePage />;
}
