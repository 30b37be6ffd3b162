// A Detect list read newest first and paged backwards with the server's `before` cursor, with its status line
// (live message, load error, first-load notice), empty state and "older" button. Alerts and Incidents share it.
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError, StatusMessage } from '../../components/StatusMessage.tsx';
import { type StatusControls, useStatus } from '../../status.ts';
import { type Loaded, useLoad } from '../../useLoad.ts';
import { Pager } from './DetectParts.tsx';

interface Page<T> {
  items: T[];
  next: string | null;
}

export interface CursorPages<T> {
  page: Loaded<Page<T>>;
  status: StatusControls;
  loadingOlder: boolean;
  loadOlder: () => Promise<void>;
}

/** `fetch` is called again for each older page (with the cursor), so it sees the filters of the latest render. */
export function useCursorPages<T>(
  fetch: (before: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  deps: readonly unknown[],
): CursorPages<T> {
  const page = useLoad<Page<T>>(
    () => fetch(undefined).then((result) => ({ items: result.items, next: result.nextCursor })),
    deps,
  );
  const status = useStatus();
  const [loadingOlder, setLoadingOlder] = useState(false);

  async function loadOlder(): Promise<void> {
    const cursor = page.data?.next;
    if (!cursor) return;
    setLoadingOlder(true);
    status.clear();
    try {
      const older = await fetch(cursor);
      // Appended below, so the rows already read stay where they were.
      page.setData((previous) => ({ items: [...(previous?.items ?? []), ...older.items], next: older.nextCursor }));
    } catch (error) {
      status.failure(error);
    } finally {
      setLoadingOlder(false);
    }
  }

  return { page, status, loadingOlder, loadOlder };
}

export function CursorResults<T>({
  pages,
  empty,
  children,
}: {
  pages: CursorPages<T>;
  /** Shown when the (filtered) list has no rows. */
  empty: ReactNode;
  /** The rows read so far, drawn as the page's table. */
  children: (items: T[]) => ReactNode;
}) {
  const { t } = useTranslation();
  const { page, status, loadingOlder, loadOlder } = pages;
  return (
    <>
      <StatusMessage status={status.status} />
      {page.error !== null && <LoadError error={page.error} />}
      {page.loading && !page.data && <p role="status">{t('common.loading')}</p>}
      {page.data && page.data.items.length === 0 && empty}
      {page.data && page.data.items.length > 0 && (
        <>
          {children(page.data.items)}
          <Pager
            more={page.data.next !== null}
            loading={loadingOlder}
            count={page.data.items.length}
            onMore={() => void loadOlder()}
          />
        </>
      )}
    </>
  );
}
