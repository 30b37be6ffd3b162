// An explanation shown instead of a zero or an empty table: what it means and what to do next.
import type { ReactNode } from 'react';

export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      <p>{children}</p>
      {action && <p className="empty-state-action">{action}</p>}
    </div>
  );
}
