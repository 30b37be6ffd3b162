// A tiny hash router: the path after '#' names the page, so the server only ever serves index.html.
import { useEffect, useState } from 'react';

/** Current path from the location hash: '#/admin/users' → '/admin/users'; empty → '/'. */
export function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  const path = hash.split('?')[0] ?? '';
  return path.startsWith('/') ? path : '/';
}

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
