// The section registry: every page of the app and who may see it. A new module adds one entry here.
import type { ComponentType } from 'react';
import type { Permission } from '../../src/core/index.ts';
import type { Translation } from './locales/en.ts';
import { AccountPage } from './pages/AccountPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { DetectAlertsPage, DetectIncidentsPage, DetectRulesPage } from './pages/detect/DetectPages.tsx';
import { GuardDashboardPage, GuardTryPage } from './pages/guard/GuardDashboardPage.tsx';
import { GuardDiscoveryPage } from './pages/guard/GuardDiscoveryPage.tsx';
import { GuardPolicyPage } from './pages/guard/GuardPolicyPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import {
  LearnCampaignsPage,
  LearnContentPage,
  LearnMePage,
  LearnModulesPage,
  LearnProgrammePage,
} from './pages/learn/LearnPages.tsx';
import { MailReportPage } from './pages/mail/MailReportPage.tsx';
import { MailSettingsPage } from './pages/mail/MailSettingsPage.tsx';
import { MailTriagePage } from './pages/mail/MailTriagePage.tsx';
import { SensePage } from './pages/sense/SensePage.tsx';
import { TokensPage } from './pages/TokensPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';

type NavKey = Exclude<keyof Translation['nav'], 'label'>;

export interface Section {
  id: string;
  /** Hash path, e.g. '/admin/users' for '#/admin/users'. */
  path: string;
  labelKey: `nav.${NavKey}`;
  /** Sections sharing a group are listed together under the group's heading. */
  group?: `nav.${NavKey}`;
  /** Hides the section from people without it; the server enforces the same rule on the API. */
  permission?: Permission;
  /** The section also serves the paths below its own ('/sense/devices/x'); the component reads the rest. */
  nested?: boolean;
  component: ComponentType;
}

// Order is display order. API tokens need no permission: everyone manages their own.
export const SECTIONS: readonly Section[] = [
  { id: 'home', path: '/', labelKey: 'nav.home', component: HomePage },
  {
    id: 'users',
    path: '/admin/users',
    labelKey: 'nav.users',
    group: 'nav.administration',
    permission: 'users:read',
    component: UsersPage,
  },
  { id: 'tokens', path: '/admin/tokens', labelKey: 'nav.tokens', group: 'nav.administration', component: TokensPage },
  { id: 'sense', path: '/sense', labelKey: 'nav.sense', permission: 'sense:read', nested: true, component: SensePage },
  // Mail: every employee reports doubtful messages; analysts triage them; settings are read by mail:read.
  {
    id: 'mail-report',
    path: '/mail',
    labelKey: 'nav.mailReport',
    group: 'nav.mail',
    permission: 'mail:report',
    component: MailReportPage,
  },
  {
    id: 'mail-triage',
    path: '/mail/triage',
    labelKey: 'nav.mailTriage',
    group: 'nav.mail',
    permission: 'mail:read',
    nested: true,
    component: MailTriagePage,
  },
  {
    id: 'mail-settings',
    path: '/mail/settings',
    labelKey: 'nav.mailSettings',
    group: 'nav.mail',
    permission: 'mail:read',
    component: MailSettingsPage,
  },
  // Detect: log alerts grouped into incidents; rules and thresholds are read by detect:read, changed by detect:settings.
  {
    id: 'detect-incidents',
    path: '/detect/incidents',
    labelKey: 'nav.detectIncidents',
    group: 'nav.detect',
    permission: 'detect:read',
    nested: true,
    component: DetectIncidentsPage,
  },
  {
    id: 'detect-alerts',
    path: '/detect/alerts',
    labelKey: 'nav.detectAlerts',
    group: 'nav.detect',
    permission: 'detect:read',
    component: DetectAlertsPage,
  },
  {
    id: 'detect-rules',
    path: '/detect/rules',
    labelKey: 'nav.detectRules',
    group: 'nav.detect',
    permission: 'detect:read',
    component: DetectRulesPage,
  },
  // Guard: everyone may try a prompt; the dashboard, policy and shadow-AI reports are read with guard:read.
  {
    id: 'guard-dashboard',
    path: '/guard',
    labelKey: 'nav.guardDashboard',
    group: 'nav.guard',
    permission: 'guard:read',
    component: GuardDashboardPage,
  },
  {
    id: 'guard-try',
    path: '/guard/try',
    labelKey: 'nav.guardTry',
    group: 'nav.guard',
    permission: 'guard:use',
    component: GuardTryPage,
  },
  {
    id: 'guard-policy',
    path: '/guard/policy',
    labelKey: 'nav.guardPolicy',
    group: 'nav.guard',
    permission: 'guard:read',
    component: GuardPolicyPage,
  },
  {
    id: 'guard-discovery',
    path: '/guard/discovery',
    labelKey: 'nav.guardDiscovery',
    group: 'nav.guard',
    permission: 'guard:read',
    component: GuardDiscoveryPage,
  },
  // Learn: every employee trains (learn:self); the programme, campaigns and content are read with learn:read and
  // changed with learn:manage. The module page (/learn/modules/:id) is linked from the post-click teaching page.
  {
    id: 'learn-me',
    path: '/learn',
    labelKey: 'nav.learnMe',
    group: 'nav.learn',
    permission: 'learn:self',
    component: LearnMePage,
  },
  {
    id: 'learn-modules',
    path: '/learn/modules',
    labelKey: 'nav.learnModules',
    group: 'nav.learn',
    permission: 'learn:self',
    nested: true,
    component: LearnModulesPage,
  },
  {
    id: 'learn-programme',
    path: '/learn/programme',
    labelKey: 'nav.learnProgramme',
    group: 'nav.learn',
    permission: 'learn:read',
    component: LearnProgrammePage,
  },
  {
    id: 'learn-campaigns',
    path: '/learn/campaigns',
    labelKey: 'nav.learnCampaigns',
    group: 'nav.learn',
    permission: 'learn:read',
    nested: true,
    component: LearnCampaignsPage,
  },
  {
    id: 'learn-content',
    path: '/learn/content',
    labelKey: 'nav.learnContent',
    group: 'nav.learn',
    permission: 'learn:read',
    // /learn/content/templates: the organisation's templates and landing pages.
    nested: true,
    component: LearnContentPage,
  },
  { id: 'audit', path: '/audit', labelKey: 'nav.audit', permission: 'audit:read', component: AuditPage },
  { id: 'account', path: '/account', labelKey: 'nav.account', component: AccountPage },
];

export function visibleSections(permissions: readonly Permission[]): Section[] {
  return SECTIONS.filter((section) => !section.permission || permissions.includes(section.permission));
}

/** True when `path` is the section's own page, or (for a nested section) one below it. */
export function sectionServes(section: Section, path: string): boolean {
  return section.path === path || (section.nested === true && path.startsWith(`${section.path}/`));
}

export function sectionFor(path: string): Section | undefined {
  return SECTIONS.find((section) => sectionServes(section, path));
}

export interface NavBlock {
  group: Section['group'];
  sections: Section[];
}

/** Consecutive sections of the same group form one block, so the nav keeps the registry's order. */
export function navBlocks(sections: readonly Section[]): NavBlock[] {
  const blocks: NavBlock[] = [];
  for (const section of sections) {
    const last = blocks.at(-1);
    if (last && section.group !== undefined && last.group === section.group) last.sections.push(section);
    else blocks.push({ group: section.group, sections: [section] });
  }
  return blocks;
}
