// Links between a Learn area's pages: content ↔ templates and landing pages, campaigns ↔ sending profiles.
import { hrefFor, useHashPath } from '../../router.ts';
import { can, useSession } from '../../session.ts';
import { type LearnTextKey, useLearnText } from './learnText.ts';

export const TEMPLATES_PATH = '/learn/content/templates';
export const PROFILES_PATH = '/learn/campaigns/profiles';

const AREAS: Record<'content' | 'campaigns', { path: string; key: LearnTextKey; manage?: boolean }[]> = {
  content: [
    { path: '/learn/content', key: 'subnavContent' },
    { path: TEMPLATES_PATH, key: 'subnavTemplates' },
  ],
  campaigns: [
    { path: '/learn/campaigns', key: 'subnavCampaigns' },
    { path: PROFILES_PATH, key: 'subnavProfiles', manage: true },
  ],
};

export function LearnSubnav({ area }: { area: 'content' | 'campaigns' }) {
  const l = useLearnText();
  const path = useHashPath();
  const manage = can(useSession(), 'learn:manage');
  const links = AREAS[area].filter((link) => !link.manage || manage);
  return (
    <nav className="learn-subnav" aria-label={l(AREAS[area][0]?.key ?? 'subnavContent')}>
      {links.map((link) => (
        <a key={link.path} href={hrefFor(link.path)} aria-current={path === link.path ? 'page' : undefined}>
          {l(link.key)}
        </a>
      ))}
    </nav>
  );
}
