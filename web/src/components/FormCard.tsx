// A card holding one form: titled for screen readers, closed with Escape.
import type { FormEvent, ReactNode } from 'react';

interface FormCardProps {
  readonly id: string;
  readonly title: string;
  readonly onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  readonly onCancel: () => void;
  /** Extra class for the card (e.g. the inline edit card). */
  readonly className?: string;
  /** Anchor the card by id (create forms are linked to from the page's button). */
  readonly anchored?: boolean;
  readonly children: ReactNode;
}

export function FormCard({ id, title, onSubmit, onCancel, className, anchored = true, children }: FormCardProps) {
  return (
    <section
      className={`card form-card${className ? ` ${className}` : ''}`}
      id={anchored ? id : undefined}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <form
        onSubmit={onSubmit}
        className="form-grid"
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
        }}
      >
        {children}
      </form>
    </section>
  );
}
