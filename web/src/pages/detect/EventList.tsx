// The log records behind an alert: each one collapsed to its time and first characters, opened to the
// original record (copyable, shown as text, never interpreted) and the normalised fields the rules saw.
import { useTranslation } from 'react-i18next';
import type { DetectEvent } from '../../api.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { useLocale } from '../../i18n.ts';
import { formatInstant, originalText } from './detectFormat.ts';

const PREVIEW = 120;

export function EventList({ events, total }: { events: DetectEvent[]; total: number }) {
  const { t } = useTranslation();
  if (events.length === 0) return <p className="muted">{t('detect.eventsEmpty')}</p>;
  const sorted = [...events].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  return (
    <details className="reason-details detect-events">
      <summary>{t('detect.eventsTitle', { count: events.length })}</summary>
      {total > events.length && <p className="hint">{t('detect.eventsTruncated', { shown: events.length, total })}</p>}
      <ol className="detect-event-list">
        {sorted.map((event) => (
          <li key={event.id}>
            <EventItem event={event} />
          </li>
        ))}
      </ol>
    </details>
  );
}

function EventItem({ event }: { event: DetectEvent }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const text = originalText(event.original);
  const firstLine = text.split('\n', 1)[0] ?? '';
  const preview = firstLine.length > PREVIEW ? `${firstLine.slice(0, PREVIEW)}…` : firstLine;
  const time = formatInstant(event.eventTime, locale);
  return (
    <details className="detect-event">
      <summary>
        <time dateTime={event.eventTime}>{time}</time> <code className="detect-event-preview">{preview}</code>
      </summary>
      <p className="cell-note">{t('detect.eventMeta', { source: event.source, format: event.format })}</p>
      <div className="detect-original">
        <pre>
          <code>{text}</code>
        </pre>
        <CopyButton value={text} label={t('detect.copyOriginal', { time })} />
      </div>
      <details className="reason-details">
        <summary>{t('detect.normalised')}</summary>
        <pre className="detect-normalised">
          <code>{originalText(event.event)}</code>
        </pre>
      </details>
    </details>
  );
}
