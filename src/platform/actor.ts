/** Who did something: a signed-in user, the CLI on this machine, or Vigie itself. */
export type Actor =
  | { readonly kind: 'user'; readonly id: string; readonly username: string }
  | { readonly kind: 'cli'; readonly name: string }
  | { readonly kind: 'system' };

/** The stable text form written in the audit trail. */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `user:${actor.username}`;
    case 'cli':
      return `cli:${actor.name}`;
    case 'system':
      return 'system';
  }
}

/** What every state-changing call receives, so its audit entry names the request. */
export interface ActionContext {
  readonly actor: Actor;
  readonly requestId?: string | undefined;
}
