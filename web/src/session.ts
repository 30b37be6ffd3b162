// The signed-in person as seen by every page: their user record, permissions and the module list.
import { createContext, useContext } from 'react';
import type { Permission } from '../../src/core/index.ts';
import type { ModuleStatus, Session, User } from './api.ts';

export interface SessionContextValue {
  user: User;
  permissions: readonly Permission[];
  /** Modules declared by the platform (from /api/meta); empty until it answered. */
  modules: readonly ModuleStatus[];
  version: string | null;
  /** Pages call this after changing the current user (e.g. their display name). */
  updateUser: (user: User) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession used outside a signed-in layout');
  return value;
}

export function can(session: Pick<Session, 'permissions'> | SessionContextValue, permission: Permission): boolean {
  return session.permissions.includes(permission);
}

export function displayNameOf(user: User): string {
  return user.displayName?.trim() || user.username;
}
