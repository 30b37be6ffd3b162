// The state behind a page's live message: one success or error at a time, rendered in the current language.
import type { TFunction } from 'i18next';
import { useCallback, useState } from 'react';

/** Kept as data, not as a sentence, so that switching language re-renders the message in the new language. */
export type Status = { kind: 'success'; text: (t: TFunction) => string } | { kind: 'error'; error: unknown };

export interface StatusControls {
  status: Status | null;
  success: (text: (t: TFunction) => string) => void;
  failure: (error: unknown) => void;
  clear: () => void;
}

export function useStatus(): StatusControls {
  const [status, setStatus] = useState<Status | null>(null);
  const success = useCallback((text: (t: TFunction) => string) => setStatus({ kind: 'success', text }), []);
  const failure = useCallback((error: unknown) => setStatus({ kind: 'error', error }), []);
  const clear = useCallback(() => setStatus(null), []);
  return { status, success, failure, clear };
}
