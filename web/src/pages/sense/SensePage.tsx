// Sense: the section's own little router — device list, one device, alert list — under one nav entry.
import { useTranslation } from 'react-i18next';
import { hrefFor, useHashPath } from '../../router.ts';
import { NotFoundPage } from '../NotFoundPage.tsx';
import { AlertsView } from './AlertsView.tsx';
import { DevicesView } from './DevicesView.tsx';
import { DeviceView } from './DeviceView.tsx';

type View = { kind: 'devices' } | { kind: 'alerts' } | { kind: 'device'; id: string } | { kind: 'unknown' };

export function senseView(path: string): View {
  if (path === '/sense') return { kind: 'devices' };
  if (path === '/sense/alerts') return { kind: 'alerts' };
  const match = /^\/sense\/devices\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    try {
      return { kind: 'device', id: decodeURIComponent(match[1]) };
    } catch {
      return { kind: 'unknown' };
    }
  }
  return { kind: 'unknown' };
}

export function SensePage() {
  const view = senseView(useHashPath());
  switch (view.kind) {
    case 'devices':
      return (
        <>
          <SenseTabs current="devices" />
          <DevicesView />
        </>
      );
    case 'alerts':
      return (
        <>
          <SenseTabs current="alerts" />
          <AlertsView />
        </>
      );
    case 'device':
      // The key drops the previous device's state (charts, open explanation) when another one is opened.
      return (
        <>
          <SenseTabs current="device" />
          <DeviceView key={view.id} id={view.id} />
        </>
      );
    case 'unknown':
      return <NotFoundPage kind="notFound" />;
  }
}

function SenseTabs({ current }: { current: 'devices' | 'alerts' | 'device' }) {
  const { t } = useTranslation();
  const tabs = [
    { id: 'devices', path: '/sense', label: t('sense.tabDevices') },
    { id: 'alerts', path: '/sense/alerts', label: t('sense.tabAlerts') },
  ] as const;
  return (
    <nav className="sub-nav" aria-label={t('sense.views')}>
      <ul>
        {tabs.map((tab) => {
          // A device page belongs to the device list: that tab stays marked, as the location rather than the page.
          const page = tab.id === current;
          const location = current === 'device' && tab.id === 'devices';
          return (
            <li key={tab.id}>
              <a
                className="sub-nav-link"
                href={hrefFor(tab.path)}
                aria-current={page ? 'page' : location ? 'location' : undefined}
              >
                {tab.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
