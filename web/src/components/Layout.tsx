// The signed-in frame: skip link, header (product, user, language, log out), sidebar nav from the registry, main area.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { navBlocks, type Section, sectionFor, sectionServes, visibleSections } from '../modules.ts';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { hrefFor, useHashPath } from '../router.ts';
import { can, displayNameOf, useSession } from '../session.ts';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';
import { SkipLink } from './SkipLink.tsx';

export function Layout() {
  const { t } = useTranslation();
  const session = useSession();
  const path = useHashPath();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const section = sectionFor(path);
  const allowed = section !== undefined && (!section.permission || can(session, section.permission));

  useEffect(() => {
    const label = section && allowed ? t(section.labelKey) : t('errors.notFound');
    document.title = `${label} — ${t('common.appName')}`;
  }, [section, allowed, t]);

  // After a navigation, move focus to the new content so keyboard and screen-reader users start there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each path change by design.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);

  let content = <NotFoundPage kind="notFound" />;
  if (section && allowed) content = <section.component />;
  else if (section) content = <NotFoundPage kind="forbidden" />;

  return (
    <div className="app-shell">
      <SkipLink />
      <header className="app-header">
        <a className="brand" href={hrefFor('/')}>
          <span className="brand-mark" aria-hidden="true">
            V
          </span>
          <span className="brand-name">{t('common.appName')}</span>
        </a>
        <div className="header-tools">
          <p className="current-user">
            <span className="visually-hidden">{t('header.signedInAs', { name: displayNameOf(session.user) })}</span>
            <span className="current-user-name" aria-hidden="true">
              {displayNameOf(session.user)}
            </span>
            <span className="role-badge">{t(`roles.${session.user.role}`)}</span>
          </p>
          <LanguageSwitcher />
          <button type="button" className="button-secondary" onClick={() => void session.signOut()}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <div className="app-body">
        <nav className="sidebar" aria-label={t('nav.label')}>
          <Nav sections={visibleSections(session.permissions)} current={path} />
          {session.version && <p className="sidebar-version">{t('common.version', { version: session.version })}</p>}
        </nav>
        <main id="main" className="content" tabIndex={-1} ref={main}>
          {content}
        </main>
      </div>
    </div>
  );
}

function Nav({ sections, current }: { sections: Section[]; current: string }) {
  const { t } = useTranslation();
  return (
    <ul className="nav-list">
      {navBlocks(sections).map((block) =>
        block.group ? (
          <li key={block.group} className="nav-group">
            <span className="nav-group-label" id={`nav-group-${block.group}`}>
              {t(block.group)}
            </span>
            <ul aria-labelledby={`nav-group-${block.group}`}>
              {block.sections.map((section) => (
                <NavItem key={section.id} section={section} current={current} />
              ))}
            </ul>
          </li>
        ) : (
          block.sections.map((section) => <NavItem key={section.id} section={section} current={current} />)
        ),
      )}
    </ul>
  );
}

function NavItem({ section, current }: { section: Section; current: string }) {
  const { t } = useTranslation();
  // A page below a nested section (a device of Sense) keeps its entry highlighted, as the current location.
  const exact = section.path === current;
  const within = !exact && sectionServes(section, current);
  return (
    <li>
      <a
        className="nav-link"
        href={hrefFor(section.path)}
        aria-current={exact ? 'page' : within ? 'location' : undefined}
      >
        {t(section.labelKey)}
      </a>
    </li>
  );
}
