// Moves keyboard focus to an element when it appears: forms and panels opened on request start where people act.
import { type RefObject, useEffect, useRef } from 'react';

export function useFocusOnMount<T extends HTMLElement>(): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
