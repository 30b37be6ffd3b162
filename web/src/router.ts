// A tiny hash router: the path after '#' names the page, so the server only ever serves index.html.
import { useEffect, useState } from 'react';

/** Current path from the location hash: '#/admin/users' → '/admin/users'; empty → '/'. */
export function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  // Pages outside the app link to real paths (the post-click teaching page names /learn/modules/<id>); the server
  // answers them with the app, which reads the path when no hash says otherwise.
  if (!hash && DEEP_LINKS.some((prefix) => window.location.pathname.startsWith(prefix))) {
    return window.location.pathname;
  }
  const path = hash.split('?')[0] ?? '';
  return path.startsWith('/') ? path : '/';
}

/** Real paths the app serves as if they were its hash routes. */
const DEEP_LINKS: readonly string[] = ['/learn/modules/'];

export function hrefFor(path: string): string {
  return `#${path}`;
}

export function navigate(path: string): void {
  if (currentPath() === path) return;
  window.location.hash = path;
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const onChange = (): void => setPath(currentPath());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}
