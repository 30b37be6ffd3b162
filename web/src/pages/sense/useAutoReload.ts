// Reloads a supervision view at a steady pace while it is shown, and re-renders relative times in between.
import { useEffect, useState } from 'react';

export const RELOAD_EVERY_MS = 30_000;

export function useAutoReload(reload: () => void, everyMs: number = RELOAD_EVERY_MS): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => {
      // A hidden tab does not need fresh figures; it catches up on the next tick once visible.
      if (document.visibilityState === 'visible') reload();
      setNow(Date.now());
    }, everyMs);
    return () => window.clearInterval(timer);
  }, [reload, everyMs]);
  return now;
}
