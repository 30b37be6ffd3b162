/**
 * Demo data, loaded only when asked (`vigie serve --demo`): a small team covering every
 * role, so that a new user can sign in as each and see what each may do. No findings are
 * invented; they come from the modules analysing real data.
 */
import type { Role } from '../core/index.js';
import type { ActionContext } from './actor.js';
import type { Identity } from './identity.js';

const DEMO_TEAM: ReadonlyArray<{ username: string; displayName: string; role: Role; department: string }> = [
  { username: 'camille.analyst', displayName: 'Camille Laurent', role: 'analyst', department: 'SOC' },
  { username: 'dominique.audit', displayName: 'Dominique Moreau', role: 'auditor', department: 'Audit interne' },
  { username: 'sacha.finance', displayName: 'Sacha Bernard', role: 'learner', department: 'Finance' },
  { username: 'lou.rh', displayName: 'Lou Garcia', role: 'learner', department: 'RH' },
];

export async function loadDemoData(
  identity: Identity,
  ctx: ActionContext,
): Promise<Array<{ username: string; role: Role; password: string }>> {
  const created: Array<{ username: string; role: Role; password: string }> = [];
  for (const member of DEMO_TEAM) {
    if (await identity.findUserByName(member.username)) continue;
    const { initialPassword } = await identity.createUser(member, ctx);
    if (initialPassword) created.push({ username: member.username, role: member.role, password: initialPassword });
  }
  return created;
}
