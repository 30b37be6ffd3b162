/**
 * Demo data, loaded only when asked (`vigie serve --demo`): a small team covering every
 * role, so that a new user can sign in as each and see what each may do, and a first look at
 * Detect, Guard and Learn. Nothing is written behind the services' backs: every piece goes
 * through their public methods, so it is stored, audited and analysed like real input — the
 * alerts and decisions are what the engines make of realistic logs and prompts.
 *
 * `--demo` may be given at every start: each piece is skipped when already there (the team by
 * user name, Detect by its pack, Guard when any decision exists, Learn by its group), so a
 * restart neither duplicates the demo nor mixes it into a platform already in real use.
 */
import type { Role } from '../core/index.js';
import type { ActionContext } from './actor.js';
import { DEMO_DETECT_PACK, demoAuthLog, demoDetectRules } from './demo-detect.js';
import type { PublicUser } from './identity.js';
import type { Platform } from './platform.js';

const DEMO_TEAM: ReadonlyArray<{ username: string; displayName: string; role: Role; department: string }> = [
  { username: 'camille.analyst', displayName: 'Camille Laurent', role: 'analyst', department: 'SOC' },
  { username: 'dominique.audit', displayName: 'Dominique Moreau', role: 'auditor', department: 'Audit interne' },
  { username: 'sacha.finance', displayName: 'Sacha Bernard', role: 'learner', department: 'Finance' },
  { username: 'lou.rh', displayName: 'Lou Garcia', role: 'learner', department: 'RH' },
];

const DEMO_GROUP = 'Démo — équipe';
const DEMO_DOMAIN = 'demo.vigie.test';

/** Prompts a demo user might paste into a chatbot: a bank account, a secret, and harmless ones (not recorded). */
const DEMO_PROMPTS: ReadonlyArray<{ username: string; text: string }> = [
  {
    username: 'sacha.finance',
    text: 'Rédige un mail au fournisseur pour confirmer le virement de 12 400 € sur l’IBAN FR76 3000 6000 0112 3456 7890 189 avant vendredi.',
  },
  {
    username: 'camille.analyst',
    text: 'Why does this call fail? curl -H "Authorization: token ghp_4f9Qz2LmX8vR1tY6bN3kP0sD7wE5aH2jC9uV" https://api.github.com/user',
  },
  { username: 'lou.rh', text: 'Propose un plan d’accueil sur deux semaines pour une nouvelle assistante RH.' },
  {
    username: 'dominique.audit',
    text: 'Summarise the main requirements of ISO 27001 annex A about access control in five bullet points.',
  },
];

export async function loadDemoData(
  platform: Platform,
  ctx: ActionContext,
): Promise<Array<{ username: string; role: Role; password: string }>> {
  const created: Array<{ username: string; role: Role; password: string }> = [];
  const team: PublicUser[] = [];
  for (const member of DEMO_TEAM) {
    const existing = await platform.identity.findUserByName(member.username);
    if (existing) {
      team.push(existing);
      continue;
    }
    const { user, initialPassword } = await platform.identity.createUser(member, ctx);
    team.push(user);
    if (initialPassword) created.push({ username: member.username, role: member.role, password: initialPassword });
  }
  await loadDemoDetect(platform, ctx);
  await loadDemoGuard(platform, team);
  await loadDemoLearn(platform, team, ctx);
  return created;
}

/** The pack, then the log: the rules must be in force before the lines arrive to match them. */
async function loadDemoDetect(platform: Platform, ctx: ActionContext): Promise<void> {
  const { packs } = await platform.detect.rules();
  if (packs.some((p) => p.name === DEMO_DETECT_PACK)) return;
  await platform.detect.importRules(demoDetectRules(), ctx);
  await platform.detect.ingest({ lines: demoAuthLog(platform.clock().getTime()), source: 'demo' }, ctx);
}

async function loadDemoGuard(platform: Platform, team: readonly PublicUser[]): Promise<void> {
  if ((await platform.guard.decisions({ limit: 1 })).length > 0) return;
  for (const prompt of DEMO_PROMPTS) {
    const user = team.find((u) => u.username === prompt.username);
    if (!user) continue;
    await platform.guard.scan(
      prompt.text,
      { mode: 'prompt' },
      { userId: user.id, username: user.username, role: user.role, department: user.department },
    );
  }
}

/**
 * A target group of the team (matched to their accounts by user name), a draft campaign left
 * for the administrator to review and launch (nothing is ever sent by the demo), and two quiz
 * answers for a learner so the leaderboard and progress pages are not blank.
 */
async function loadDemoLearn(platform: Platform, team: readonly PublicUser[], ctx: ActionContext): Promise<void> {
  if ((await platform.learn.groups()).some((g) => g.name === DEMO_GROUP)) return;
  const csv = [
    'email,first name,last name,department,locale',
    ...team.map((u) => {
      const [first = '', last = ''] = (u.displayName ?? '').split(' ');
      return `${u.username}@${DEMO_DOMAIN},${first},${last},${u.department ?? ''},fr`;
    }),
  ].join('\n');
  const { group } = await platform.learn.importGroup(DEMO_GROUP, csv, ctx);

  const content = await platform.learn.content();
  const template = content.templates[0];
  if (template) {
    const now = platform.clock().getTime();
    await platform.learn.createCampaign(
      {
        name: 'Démo — mot de passe expiré',
        groupId: group.id,
        templates: [template.id],
        schedule: {
          start: new Date(now + 86_400_000).toISOString(),
          end: new Date(now + 15 * 86_400_000).toISOString(),
          window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 },
        },
        sender: { address: `it-support@${DEMO_DOMAIN}`, name: 'Support informatique' },
      },
      ctx,
    );
  }

  const learner = team.find((u) => u.role === 'learner');
  const questions = content.modules.flatMap((m) =>
    m.questions.flatMap((q) =>
      q.kind === 'true-false' ? [{ moduleId: m.id, questionId: q.id, value: q.answer }] : [],
    ),
  );
  if (!learner) return;
  // One right, one wrong: the learner's page then shows a score and a review due.
  for (const [i, q] of questions.slice(0, 2).entries()) {
    await platform.learn.answer(
      { id: learner.id, department: learner.department, locale: learner.locale },
      {
        moduleId: q.moduleId,
        questionId: q.questionId,
        answer: { kind: 'boolean', value: i === 0 ? q.value : !q.value },
      },
    );
  }
}
