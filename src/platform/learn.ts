/**
 * The Learn service: content (shipped + organisation), the learner's path, adaptive quizzes
 * and gamification, recommendations from signals, target groups, phishing-simulation campaigns,
 * their sending, tracking and results, and the programme's metrics.
 *
 * Sending is at-most-once: a send is claimed in the store (status `sending`, token digest,
 * attempt count) before the SMTP conversation and marked `sent` or `failed` after it. A crash
 * in between leaves it `sending`; at the next start it becomes `interrupted` (delivery unknown)
 * and is never retried silently — a duplicate lure would skew the results and annoy people.
 *
 * Admins' actions (groups, campaigns, content) are audited. Learners' answers and tracking
 * events are observations with their own provenance, like findings, and are not audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Clock, type Locale, newId, VigieError } from '../core/index.js';
import {
  type Answer,
  asQuestion,
  audienceOf,
  badgesOf,
  buildQuiz,
  type CampaignResults,
  type ClassifierConfig,
  type CompiledConfig,
  type ContentFile,
  type ContentOrigin,
  type ContentProblem,
  type CustomLanding,
  type CustomProblem,
  type CustomTemplate,
  campaignResults,
  campaignSchema,
  challengeProgress,
  checkCustomLanding,
  checkCustomTemplate,
  classifyClick,
  compileClassifier,
  completeModule,
  digestOf,
  EMPTY_LEARNER,
  fromGophishPlaceholders,
  type GameEvent,
  type GeneratedQuestion,
  generateQuestions,
  gradeAnswer,
  knowledgeByTopic,
  type LearnContent,
  type LearnerState,
  type LearnModule,
  type LearnSignal,
  type LoadedLanding,
  type LoadedTemplate,
  learnerStats,
  loadContent,
  median,
  nextStep,
  outcomesCsv,
  parseTargets,
  pathProgress,
  planSends,
  pointsFor,
  type Question,
  rankTeams,
  recommend,
  recordAnswer,
  redactSubmission,
  renderCustomLanding,
  renderCustomTemplate,
  renderTemplate,
  resultsCsv,
  sanitiseHtml,
  type Target,
  type TeamTotal,
  type TrackingEvent,
} from '../learn/index.js';
import { parseMessage } from '../mail/index.js';
import type {
  LearnCampaignRecord,
  LearnEventRecord,
  LearnSendRecord,
  LearnTargetRecord,
  Repositories,
  Store,
} from '../store/index.js';
import { type ActionContext, actorLabel } from './actor.js';
import { readContentDir, SHIPPED_CONTENT_DIR } from './learn-content.js';
import { createProfiles, ENV_PROFILE_ID, type SmtpSettings, type VerifiableTransport } from './learn-profiles.js';
import { programmeReflexes } from './learn-reflexes.js';
import type { LearnTransport } from './learn-sender.js';

export interface LearnOptions {
  /** Content files given as they are (tests); otherwise the shipped folder and `contentDir` are read. */
  readonly files?: readonly ContentFile[];
  /** The organisation's own content folder (VIGIE_LEARN_CONTENT_DIR), over the shipped content. */
  readonly contentDir?: string | undefined;
  /** Base of tracking links, e.g. https://vigie.example.org (no trailing slash). */
  readonly publicUrl?: string;
  /** The SMTP transport; without one, launching works but nothing is sent. */
  readonly transport?: LearnTransport | undefined;
  readonly classifier?: ClassifierConfig;
  /** The `{{company}}` merge field. */
  readonly company?: string;
  /** Leaderboards under stable pseudonyms derived with this secret (none: real team names). */
  readonly pseudonymSecret?: string | undefined;
  /**
   * The server secret sending-profile passwords are encrypted under (HKDF → AES-256-GCM). None
   * is configured today: without it they are stored as typed, marked `plain:` (see learn-profiles.ts).
   */
  readonly secretKey?: string | undefined;
  /** Builds the transport of a stored sending profile (tests hand in their own). */
  readonly transportFor?: ((settings: SmtpSettings) => VerifiableTransport) | undefined;
}

/** A heartbeat credits this many seconds at most; a learner at most DAY_MAX_SECONDS a day. */
export const HEARTBEAT_MAX_SECONDS = 60;
export const DAY_MAX_SECONDS = 8 * 3600;

/** What the editor sends for an organisation template or landing page (validated by the engine). */
export type CustomKind = 'template' | 'landing';

interface CustomIndex {
  readonly templates: Map<string, { value: CustomTemplate; deleted: boolean; version: string }>;
  readonly landings: Map<string, { value: CustomLanding; deleted: boolean; version: string }>;
}

/** Who is learning: the signed-in user's id, team (department) and language. */
export interface Learner {
  readonly id: string;
  readonly department: string | null;
  readonly locale: Locale | null;
}

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Tracking tokens: 128 random bits, base64url (22 characters). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** Events kept per send at most: a link opened in a loop must not fill the database. */
const MAX_EVENTS_PER_SEND = 100;
const NO_TEAM = '—';

/** A team's points and active members, summed by the database instead of from every event. */
export const tokenDigest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** A question as a learner sees it: without the right answer. */
export interface PublicQuestion {
  readonly moduleId: string;
  readonly id: string;
  readonly kind: Question['kind'];
  readonly difficulty: 1 | 2 | 3;
  readonly prompt: { fr: string; en: string };
  readonly choices?: { id: string; fr: string; en: string }[];
  readonly text?: { fr: string; en: string };
  readonly why?: 'review' | 'level' | 'fill';
}

function publicQuestion(moduleId: string, q: Question, order?: readonly string[]): PublicQuestion {
  const base = { moduleId, id: q.id, kind: q.kind, difficulty: q.difficulty, prompt: q.prompt };
  if (q.kind === 'single' || q.kind === 'multiple') {
    const byId = new Map(q.choices.map((c) => [c.id, c]));
    const ids = order ?? q.choices.map((c) => c.id);
    const choices = ids.flatMap((id) => {
      const c = byId.get(id);
      return c ? [{ id: c.id, fr: c.fr, en: c.en }] : [];
    });
    return { ...base, choices };
  }
  if (q.kind === 'cloze') return { ...base, text: q.text };
  return base;
}

/** What a right answer was, for the learner after answering, in the language they answered in. */
function rightAnswer(q: Question, locale: Locale): Answer {
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return { kind: 'choices', ids: q.choices.filter((c) => c.correct).map((c) => c.id) };
    case 'true-false':
      return { kind: 'boolean', value: q.answer };
    case 'cloze':
      return { kind: 'text', value: q.accept[locale][0] ?? '' };
  }
}

function toTrackingEvent(e: LearnEventRecord): TrackingEvent {
  return {
    campaignId: e.campaignId,
    email: e.email,
    type: e.type as TrackingEvent['type'],
    at: e.at,
    ...(e.linkId ? { linkId: e.linkId } : {}),
    ...(e.ip ? { ip: e.ip } : {}),
    ...(e.userAgent ? { userAgent: e.userAgent } : {}),
    ...(e.method ? { method: e.method as NonNullable<TrackingEvent['method']> } : {}),
    ...(e.via ? { via: e.via as NonNullable<TrackingEvent['via']> } : {}),
  };
}

function gameEventOf(r: { userId: string; team: string; type: string; at: string; data: Record<string, unknown> }) {
  return { ...r.data, type: r.type, learner: r.userId, team: r.team, at: r.at } as GameEvent;
}

export interface CampaignInput {
  readonly name: string;
  readonly groupId: string;
  readonly templates: readonly string[];
  readonly departments?: readonly string[];
  readonly schedule: unknown;
  /** Envelope sender; the profile's From address when left out. */
  readonly sender?: { readonly address: string; readonly name?: string | undefined } | undefined;
  /** A stored sending profile, or `env` (the configuration's, the default). */
  readonly profileId?: string | undefined;
  readonly reportLink?: boolean;
}

export interface CampaignView {
  readonly id: string;
  readonly name: string;
  readonly groupId: string;
  readonly status: string;
  readonly templates: readonly string[];
  readonly departments: readonly string[];
  readonly schedule: unknown;
  readonly sender: { readonly address: string; readonly name?: string | undefined };
  readonly profileId: string;
  readonly reportLink: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly launchedAt: string | null;
  readonly unscheduled: readonly { readonly email: string; readonly reason: string }[];
  readonly sends: Readonly<Record<string, number>>;
}

/** What a tracked visit resolves to: the send, its lure and landing, and the module to take. */
export interface TrackedVisit {
  readonly send: LearnSendRecord;
  readonly template: LoadedTemplate | undefined;
  readonly landing: LoadedLanding | undefined;
  /** The organisation's own landing page (HTML), when the lure points at one. */
  readonly customLanding?: CustomLanding | undefined;
  readonly module: LearnModule | undefined;
}

function problemsError(problems: readonly CustomProblem[]): VigieError {
  return new VigieError(
    'VIGIE_ERR_VALIDATION',
    problems
      .map((p) => `${p.path}: ${p.en}`)
      .join(' ')
      .slice(0, 1000),
    {
      problems,
    },
  );
}

function asLoadedTemplate(id: string, t: CustomTemplate, version: string): LoadedTemplate {
  return {
    id,
    audiences: [...t.audiences],
    difficulty: t.difficulty,
    topic: t.topic,
    sender_name: t.senderName,
    subject: t.subject,
    body: t.text,
    link_text: { fr: '', en: '' },
    landing: t.landing,
    cues: t.cues.map((c) => ({ ...c })),
    origin: 'organisation',
    file: `store:templates/${id}`,
    version,
  };
}

function asLoadedLanding(id: string, l: CustomLanding, version: string): LoadedLanding {
  return {
    id,
    title: l.title,
    fields: l.fields.map((f) => ({ name: f.name, type: f.type, label: { fr: f.name, en: f.name } })),
    teaching: l.teaching ?? {
      fr: '## C’était un exercice de phishing\nRassurez-vous : rien de ce que vous avez saisi n’a été enregistré ni transmis.',
      en: '## This was a phishing exercise\nDon’t worry: nothing you typed was recorded or sent anywhere.',
    },
    origin: 'organisation',
    file: `store:landings/${id}`,
    version,
  };
}

export function createLearnService(store: Store, clock: Clock, options: LearnOptions = {}) {
  let cached: LearnContent | undefined;
  let customIndex: CustomIndex = { templates: new Map(), landings: new Map() };
  const profiles = createProfiles(store, clock, {
    secretKey: options.secretKey,
    envTransport: options.transport,
    transportFor: options.transportFor,
  });
  let classifier: CompiledConfig = compileClassifier(options.classifier);
  const publicUrl = (options.publicUrl ?? 'http://localhost:8080').replace(/\/+$/, '');

  async function content(): Promise<LearnContent> {
    if (cached) return cached;
    const stored = await store.learn.activeContent();
    const read = { files: [] as ContentFile[], problems: [] as ContentProblem[] };
    if (options.files) read.files.push(...options.files);
    else {
      const dirs: [string, ContentOrigin][] = [[SHIPPED_CONTENT_DIR, 'shipped']];
      if (options.contentDir) dirs.push([options.contentDir, 'organisation']);
      for (const [dir, origin] of dirs) {
        const got = readContentDir(dir, origin);
        read.files.push(...got.files);
        read.problems.push(...got.problems);
      }
    }
    const files: ContentFile[] = [
      ...read.files,
      ...stored.map((c) => ({ path: `store:${c.path}`, text: c.text, origin: 'organisation' as const })),
    ];
    const loaded = loadContent(files);
    const kb = await kbModule();
    customIndex = await loadCustom();
    const live = <T>(m: Map<string, { value: T; deleted: boolean; version: string }>) =>
      [...m].filter(([, c]) => !c.deleted);
    cached = {
      ...loaded,
      modules: kb ? [...loaded.modules, kb] : loaded.modules,
      templates: [
        ...loaded.templates,
        ...live(customIndex.templates).map(([id, c]) => asLoadedTemplate(id, c.value, c.version)),
      ],
      landings: [
        ...loaded.landings,
        ...live(customIndex.landings).map(([id, c]) => asLoadedLanding(id, c.value, c.version)),
      ],
      problems: [...read.problems, ...loaded.problems],
    };
    return cached;
  }

  /** The organisation's templates and landing pages, deleted ones kept for the campaigns that used them. */
  async function loadCustom(): Promise<CustomIndex> {
    const index: CustomIndex = { templates: new Map(), landings: new Map() };
    for (const r of await store.learn.customItems()) {
      const version = digestOf(r.data, 12);
      if (r.kind === 'template') {
        index.templates.set(r.id, { value: JSON.parse(r.data) as CustomTemplate, deleted: !!r.deletedAt, version });
      } else {
        index.landings.set(r.id, { value: JSON.parse(r.data) as CustomLanding, deleted: !!r.deletedAt, version });
      }
    }
    return index;
  }

  /** A template by id: loaded content first, then deleted organisation templates (older campaigns). */
  async function templateById(id: string): Promise<LoadedTemplate | undefined> {
    const found = (await content()).templates.find((t) => t.id === id);
    if (found) return found;
    const custom = customIndex.templates.get(id);
    return custom ? asLoadedTemplate(id, custom.value, custom.version) : undefined;
  }

  async function landingById(id: string): Promise<LoadedLanding | undefined> {
    const found = (await content()).landings.find((l) => l.id === id);
    if (found) return found;
    const custom = customIndex.landings.get(id);
    return custom ? asLoadedLanding(id, custom.value, custom.version) : undefined;
  }

  /** The knowledge base's generated questions, as one module of topic `organisation`. */
  async function kbModule(): Promise<LearnModule | undefined> {
    const questions = (await store.learn.kbQuestions()).map((q) => JSON.parse(q) as GeneratedQuestion);
    if (questions.length === 0) return undefined;
    const docs = await store.learn.kbDocs();
    const titles = docs.map((d) => `- ${d.title}`).join('\n');
    const seen = new Set<string>();
    const unique = questions.filter((q) => !seen.has(q.id) && seen.add(q.id)).slice(0, 60);
    return {
      id: 'organisation-policies',
      topic: 'organisation',
      minutes: 10,
      micro: false,
      title: { fr: 'Nos politiques internes', en: 'Our internal policies' },
      summary: {
        fr: 'Questions tirées des documents de l’organisation.',
        en: 'Questions drawn from the organisation’s documents.',
      },
      lessons: [
        {
          id: 'sources',
          title: { fr: 'Documents sources', en: 'Source documents' },
          body: { fr: titles, en: titles },
        },
      ],
      questions: unique.map(asQuestion),
      origin: 'organisation',
      file: 'store:knowledge-base',
      version: digestOf(unique.map((q) => q.id)),
    };
  }

  const moduleOf = async (id: string) => (await content()).modules.find((m) => m.id === id);

  async function stateOf(userId: string): Promise<LearnerState> {
    const text = await store.learn.learnerState(userId);
    return text ? (JSON.parse(text) as LearnerState) : EMPTY_LEARNER;
  }

  async function pathFor(learner: Learner) {
    const { paths } = await content();
    const audience = audienceOf('', learner.department ?? '');
    return paths.find((p) => p.audience === audience) ?? paths.find((p) => p.audience === 'all-staff') ?? paths[0];
  }

  /** One learner's game events (their stats and challenge need nothing else). */
  async function gameEventsOf(userId: string) {
    return (await store.learn.gameEvents({ userId })).map(gameEventOf);
  }

  /** Team totals from the grouped game events: the database sends one row per distinct event. */
  async function teamTotals(): Promise<TeamTotal[]> {
    const teams = new Map<string, { points: number; members: Set<string> }>();
    for (const g of await store.learn.gameEventGroups()) {
      const event = gameEventOf({ ...g, at: '' });
      const team = teams.get(g.team) ?? { points: 0, members: new Set<string>() };
      team.points += pointsFor(event) * g.count;
      team.members.add(g.userId);
      teams.set(g.team, team);
    }
    return [...teams].map(([team, t]) => ({ team, points: t.points, members: t.members.size }));
  }

  async function addGameEvent(
    repos: Repositories,
    userId: string,
    team: string | null,
    type: GameEvent['type'],
    at: string,
    data: object,
  ) {
    await repos.learn.insertGameEvent({
      id: newId(),
      userId,
      team: team || NO_TEAM,
      type,
      at,
      data: data as Record<string, unknown>,
    });
  }

  /**
   * Stores a signal and the assignments it gives (recommend() over the learner's signals), with
   * `repos` (a transaction's). The modules are read before: inside a SQLite transaction, a query
   * outside it would wait for the transaction that waits for it.
   */
  async function recordSignalIn(
    repos: Repositories,
    modules: readonly LearnModule[],
    userId: string,
    signal: LearnSignal,
  ): Promise<number> {
    await repos.learn.insertSignal({ id: newId(), userId, type: signal.type, at: signal.at, data: signal });
    const signals = (await repos.learn.signals(userId)) as LearnSignal[];
    const known = new Set((await repos.learn.assignments(userId)).map((a) => `${a.moduleId}|${a.assignedAt}`));
    let added = 0;
    for (const a of recommend(signals, modules)) {
      if (known.has(`${a.moduleId}|${a.assignedAt}`)) continue;
      await repos.learn.insertAssignment({ id: newId(), userId, ...a });
      added++;
    }
    return added;
  }

  /** Stores a signal and the assignments it gives, in one transaction. */
  async function recordSignal(userId: string, signal: LearnSignal): Promise<number> {
    const { modules } = await content();
    return store.transaction((tx) => recordSignalIn(tx, modules, userId, signal));
  }

  async function campaignRecord(id: string): Promise<LearnCampaignRecord> {
    const record = await store.learn.campaign(id);
    if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such campaign');
    return record;
  }

  async function campaignView(record: LearnCampaignRecord): Promise<CampaignView> {
    const def = JSON.parse(record.definition) as { templates: string[]; departments: string[]; schedule: unknown };
    const counts: Record<string, number> = {};
    for (const s of await store.learn.sends(record.id)) counts[s.status] = (counts[s.status] ?? 0) + 1;
    return {
      id: record.id,
      name: record.name,
      groupId: record.groupId,
      status: record.status,
      templates: def.templates,
      departments: def.departments,
      schedule: def.schedule,
      sender: record.sender,
      profileId: record.profileId ?? ENV_PROFILE_ID,
      reportLink: record.reportLink,
      createdAt: record.createdAt,
      createdBy: record.createdBy,
      launchedAt: record.launchedAt,
      unscheduled: record.unscheduled,
      sends: counts,
    };
  }

  async function audited(
    context: ActionContext,
    action: string,
    target: string,
    details: object,
    work: (tx: Repositories) => Promise<void>,
  ) {
    const at = clock().toISOString();
    await store.transaction(async (tx) => {
      await work(tx);
      await tx.audit.append({
        at,
        actor: actorLabel(context.actor),
        action,
        target,
        requestId: context.requestId,
        details: details as Record<string, unknown>,
      });
    });
  }

  async function setStatus(id: string, from: readonly string[], to: CampaignStatus, context: ActionContext) {
    const record = await campaignRecord(id);
    if (!from.includes(record.status)) {
      throw new VigieError('VIGIE_ERR_CONFLICT', `Campaign is ${record.status}: cannot move it to ${to}`);
    }
    const at = clock().toISOString();
    await store.transaction(async (tx) => {
      // The status may have changed since it was read: the update only applies from `record.status`.
      if (!(await tx.learn.updateCampaign(id, { status: to, updatedAt: at }, [record.status]))) {
        throw new VigieError('VIGIE_ERR_CONFLICT', `Campaign changed meanwhile: cannot move it to ${to}`);
      }
      if (to === 'cancelled') await tx.learn.cancelPending(id);
      await tx.audit.append({
        at,
        actor: actorLabel(context.actor),
        action: `learn.campaign.${to === 'running' ? 'resume' : to === 'paused' ? 'pause' : 'cancel'}`,
        target: id,
        requestId: context.requestId,
        details: { from: record.status },
      });
    });
    return campaignView(await campaignRecord(id));
  }

  /** Events of every campaign (or one) with the targets they were sent to, for the results engine. */
  async function resultsOf(campaignId?: string): Promise<CampaignResults> {
    const campaigns = campaignId ? [await campaignRecord(campaignId)] : await store.learn.campaigns();
    const targets: Target[] = [];
    for (const c of campaigns) {
      for (const s of await store.learn.sends(c.id)) {
        targets.push({
          email: s.email,
          firstName: '',
          lastName: '',
          department: s.department,
          role: s.role,
          locale: s.locale,
        });
      }
    }
    const events = (await store.learn.events(campaignId)).map(toTrackingEvent);
    return campaignResults(targets, events, classifier);
  }

  /** The send a token stands for, with its lure, landing page and the module that trains it. */
  async function lookup(token: string): Promise<TrackedVisit | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const send = await store.learn.sendByTokenHash(tokenDigest(token));
    if (!send) return undefined;
    const c = await content();
    const template = await templateById(send.templateId);
    const landing = template ? await landingById(template.landing) : undefined;
    const customLanding = template ? customIndex.landings.get(template.landing)?.value : undefined;
    const micro = template
      ? [...c.modules]
          .filter((m) => m.topic === template.topic)
          .sort((a, b) => Number(b.micro) - Number(a.micro) || (a.id < b.id ? -1 : 1))[0]
      : undefined;
    return { send, template, landing, customLanding, module: micro };
  }

  /** Records a tracking event for a token; undefined when the token is unknown. */
  async function track(
    token: string,
    event: {
      type: 'opened' | 'clicked' | 'submitted' | 'reported';
      ip?: string | undefined;
      userAgent?: string | undefined;
      method?: string | undefined;
      via?: 'button' | 'mailbox' | 'api';
      form?: Readonly<Record<string, unknown>>;
    },
  ): Promise<TrackedVisit | undefined> {
    const visit = await lookup(token);
    if (!visit) return undefined;
    const { send, landing, template } = visit;
    const { modules } = await content();
    const user = send.userId ? await store.users.findById(send.userId) : undefined;
    const at = clock().toISOString();
    const method =
      event.method === 'GET' || event.method === 'HEAD' || event.method === 'POST' ? event.method : 'OTHER';
    // Only the names of filled fields leave this function; the values are dropped here.
    const fields =
      event.type === 'submitted' ? (landing && event.form ? redactSubmission(landing, event.form).filled : []) : null;
    const record: LearnEventRecord = {
      id: newId(),
      campaignId: send.campaignId,
      sendId: send.id,
      email: send.email,
      type: event.type,
      at,
      ip: event.ip?.slice(0, 64) ?? null,
      userAgent: event.userAgent?.slice(0, 1000) ?? null,
      method: event.type === 'reported' ? null : method,
      linkId: event.type === 'clicked' ? 'main' : null,
      via: event.type === 'reported' ? (event.via ?? 'api') : null,
      verdict: null,
      botScore: null,
      reasons: null,
      fields,
    };
    // One transaction from the checks to the last write, on the send's locked row: two reports at
    // the same moment (the button and the mailbox, a double click) see each other, so the report
    // is recorded and rewarded once, and the per-send cap holds. The event, its signal and its
    // points land together or not at all.
    await store.transaction(async (tx) => {
      if (!(await tx.learn.lockSend(send.id))) return;
      const previous = await tx.learn.eventsOfSend(send.id);
      if (previous.length >= MAX_EVENTS_PER_SEND) return;
      // A send is reported once: a second report (both routes, twice the button) adds nothing.
      if (event.type === 'reported' && previous.some((e) => e.type === 'reported')) return;
      const verdict =
        event.type === 'clicked'
          ? classifyClick(toTrackingEvent(record), previous.map(toTrackingEvent), classifier)
          : undefined;
      await tx.learn.insertEvent(
        verdict
          ? {
              ...record,
              verdict: verdict.verdict,
              botScore: verdict.botScore,
              reasons: JSON.stringify(verdict.reasons),
            }
          : record,
      );
      if (!send.userId) return;
      const human = event.type === 'submitted' || (event.type === 'clicked' && verdict?.verdict !== 'bot');
      if (human && (event.type === 'clicked' || event.type === 'submitted')) {
        await recordSignalIn(tx, modules, send.userId, {
          type: event.type === 'clicked' ? 'simulation.clicked' : 'simulation.submitted',
          at,
          campaignId: send.campaignId,
          ...(template ? { topic: template.topic } : {}),
        });
      }
      if (event.type === 'reported') {
        const delivered = previous.find((e) => e.type === 'sent')?.at ?? send.sentAt;
        await addGameEvent(tx, send.userId, user?.department ?? null, 'phishing.reported', at, {
          kind: 'simulation',
          ...(delivered ? { secondsAfterDelivery: Math.max(0, (Date.parse(at) - Date.parse(delivered)) / 1000) } : {}),
        });
        await recordSignalIn(tx, modules, send.userId, { type: 'report.made', at });
      }
    });
    return visit;
  }

  /** Tokens a reported message carries: our header, or a tracking link in its body. */
  function tokensIn(raw: Uint8Array): string[] {
    // Quoted-printable soft line breaks may split a link: joined before searching.
    const text = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 4 * 1024 * 1024))
      .toString('latin1')
      .replace(/=\r?\n/g, '');
    const found = new Set<string>();
    for (const m of text.matchAll(/X-Vigie-Simulation:[ \t]{0,10}([A-Za-z0-9_-]{22})/gi)) found.add(m[1] as string);
    for (const m of text.matchAll(/\/learn\/t\/([A-Za-z0-9_-]{22})/g)) found.add(m[1] as string);
    return [...found].slice(0, 10);
  }

  function sampleValues(locale: Locale) {
    return {
      first_name: 'Camille',
      last_name: 'Martin',
      email: 'camille.martin@example.org',
      department: locale === 'fr' ? 'Finance' : 'Finance',
      role: locale === 'fr' ? 'Comptable' : 'Accountant',
      company: options.company || 'ACME',
      executive_name: 'Dominique Bernard',
      supplier_name: 'Fournitures Durand',
      date: clock().toISOString().slice(0, 10),
      link: `${publicUrl}/learn/t/preview`,
    };
  }

  async function unknownLanding(id: string): Promise<CustomProblem[]> {
    const known = (await content()).landings.some((l) => l.id === id);
    return known
      ? []
      : [
          {
            path: 'landing',
            fr: `Page d’atterrissage inconnue : ${id}.`,
            en: `Unknown landing page: ${id}.`,
          },
        ];
  }

  /** Validated, sanitised JSON for the store, or a validation error listing every problem. */
  async function checkedCustom(kind: CustomKind, input: unknown): Promise<{ name: string; data: string }> {
    if (kind === 'landing') {
      const checked = checkCustomLanding(input);
      if (!checked.ok) throw problemsError(checked.problems);
      return { name: checked.value.name, data: JSON.stringify(checked.value) };
    }
    const checked = checkCustomTemplate(input);
    if (!checked.ok) throw problemsError(checked.problems);
    const landing = await unknownLanding(checked.value.landing);
    if (landing.length > 0) throw problemsError(landing);
    return { name: checked.value.name, data: JSON.stringify(checked.value) };
  }

  async function customRecord(kind: CustomKind, id: string) {
    const r = (await store.learn.customItems()).find((x) => x.id === id && x.kind === kind && !x.deletedAt);
    if (!r) throw new VigieError('VIGIE_ERR_NOT_FOUND', `No such ${kind}`);
    return r;
  }

  /** Seconds per kind and module, from the store's totals. */
  function timeSummary(rows: readonly { moduleId: string; kind: string; seconds: number }[]) {
    let lesson = 0;
    let quiz = 0;
    const modules = new Map<string, number>();
    for (const r of rows) {
      if (r.kind === 'quiz') quiz += r.seconds;
      else lesson += r.seconds;
      modules.set(r.moduleId, (modules.get(r.moduleId) ?? 0) + r.seconds);
    }
    return {
      seconds: lesson + quiz,
      lessonSeconds: lesson,
      quizSeconds: quiz,
      modules: [...modules].map(([moduleId, seconds]) => ({ moduleId, seconds })).sort((a, b) => b.seconds - a.seconds),
    };
  }

  return {
    content,
    /** Forgets the loaded content (after the organisation's content changed). */
    reload() {
      cached = undefined;
    },
    setClassifier(config: ClassifierConfig) {
      classifier = compileClassifier(config);
    },
    recordSignal,

    /**
     * An analyst judged a message an employee reported (Mail triage). The report earns points
     * (a confirmed phishing more than a false alarm); a confirmed phishing also reached their
     * mailbox, so the module matching its lure is assigned, with that reason.
     */
    async reportJudged(
      userId: string,
      judged: { verdict: 'phishing' | 'legitimate'; at: string; traits: readonly string[] },
    ): Promise<void> {
      const user = await store.users.findById(userId);
      if (!user) return;
      const { modules } = await content();
      await store.transaction(async (tx) => {
        await addGameEvent(tx, userId, user.department ?? null, 'phishing.reported', judged.at, {
          kind: judged.verdict === 'phishing' ? 'real' : 'false-alarm',
        });
        if (judged.verdict !== 'phishing') return;
        await recordSignalIn(tx, modules, userId, { type: 'report.made', at: judged.at });
        await recordSignalIn(tx, modules, userId, {
          type: 'mail.phishing-delivered',
          at: judged.at,
          traits: [...judged.traits],
        });
      });
    },

    /** Guard warned about or blocked one of the employee's prompts: one signal per kind of finding. */
    async guardDecided(
      userId: string,
      decided: { action: 'warn' | 'block'; at: string; findingTypes: readonly string[] },
    ): Promise<void> {
      for (const findingType of new Set(decided.findingTypes)) {
        await recordSignal(userId, {
          type: decided.action === 'block' ? 'guard.block' : 'guard.warning',
          at: decided.at,
          findingType,
        });
      }
    },

    // Learner ---------------------------------------------------------------------------------
    async me(learner: Learner) {
      const c = await content();
      const path = await pathFor(learner);
      const state = await stateOf(learner.id);
      const assignments = await store.learn.assignments(learner.id);
      const now = clock();
      const next = nextStep(
        path,
        c.modules,
        state,
        assignments.map((a) => ({ ...a, signal: a.signal as LearnSignal['type'] })),
        now,
      );
      const mine = await gameEventsOf(learner.id);
      const stats = learnerStats(mine, now);
      const totals = await teamTotals();
      const board = rankTeams(totals, options.pseudonymSecret ? { pseudonymSecret: options.pseudonymSecret } : {});
      const team = learner.department || NO_TEAM;
      const teamBoard = rankTeams(totals, { minMembers: 1 });
      const teamRank = teamBoard.find((e) => e.team === team)?.rank ?? null;
      return {
        path: path
          ? {
              id: path.id,
              title: path.title,
              summary: path.summary,
              modules: path.modules,
              ...pathProgress(path.modules, state),
            }
          : null,
        next: next ?? null,
        assignments: assignments.map((a) => ({
          moduleId: a.moduleId,
          topic: a.topic,
          priority: a.priority,
          signal: a.signal,
          reason: a.reason,
          assignedAt: a.assignedAt,
          done: state.completions.some((x) => x.moduleId === a.moduleId && x.passed && x.at >= a.assignedAt),
        })),
        stats: {
          points: stats.points,
          modulesPassed: stats.modulesPassed,
          correctAnswers: stats.correctAnswers,
          topicsMastered: stats.topicsMastered,
          reports: stats.reports,
          streak: stats.streak,
          badges: badgesOf(stats, path?.modules ?? []),
        },
        team: { name: team, rank: teamRank, teams: teamBoard.length },
        leaderboard: board,
        challenge: challengeProgress(mine, now.toISOString().slice(0, 7)),
        knowledge: knowledgeByTopic(state),
        timeSpent: timeSummary(await store.learn.timeTotals(learner.id)),
        contentVersion: c.version,
      };
    },

    async modules() {
      return (await content()).modules.map((m) => ({
        id: m.id,
        topic: m.topic,
        minutes: m.minutes,
        micro: m.micro,
        title: m.title,
        summary: m.summary,
        origin: m.origin,
        version: m.version,
        questions: m.questions.length,
      }));
    },

    async module(id: string) {
      const m = await moduleOf(id);
      if (!m) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such module');
      return {
        id: m.id,
        topic: m.topic,
        minutes: m.minutes,
        micro: m.micro,
        title: m.title,
        summary: m.summary,
        version: m.version,
        lessons: m.lessons,
        questions: m.questions.length,
      };
    },

    /** The next quiz: due reviews, then questions at the learner's level (no answers inside). */
    async quiz(learner: Learner, request: { moduleId?: string | undefined; size?: number | undefined }) {
      const c = await content();
      let modules: LearnModule[];
      if (request.moduleId) {
        const m = c.modules.find((x) => x.id === request.moduleId);
        if (!m) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such module');
        modules = [m];
      } else {
        const path = await pathFor(learner);
        const ids = new Set([
          ...(path?.modules ?? []),
          ...(await store.learn.assignments(learner.id)).map((a) => a.moduleId),
        ]);
        modules = c.modules.filter((m) => ids.has(m.id));
      }
      const state = await stateOf(learner.id);
      const items = buildQuiz(modules, state, {
        now: clock(),
        seed: `${learner.id}|${state.answers.length}`,
        size: request.size ?? 5,
      });
      return items.flatMap((item) => {
        const m = modules.find((x) => x.id === item.moduleId);
        const q = m?.questions.find((x) => x.id === item.questionId);
        return m && q ? [{ ...publicQuestion(m.id, q, item.choiceOrder), why: item.why }] : [];
      });
    },

    /**
     * Grades one answer. A fill-in-the-blank is graded in `locale`, the language the learner saw
     * the question in (the interface's, sent by the client), else the account's, else French:
     * someone with a French account reading the English interface types the English word. Only
     * that language's answers count — accepting both would take a word the learner never saw.
     */
    async answer(
      learner: Learner,
      input: { moduleId: string; questionId: string; answer: Answer; locale?: Locale | undefined },
    ) {
      const m = await moduleOf(input.moduleId);
      const q = m?.questions.find((x) => x.id === input.questionId);
      if (!m || !q) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such question');
      const locale = input.locale ?? learner.locale ?? 'fr';
      const grade = gradeAnswer(q, input.answer, locale);
      const now = clock();
      const at = now.toISOString();
      const state = recordAnswer(await stateOf(learner.id), m, q, grade, now);
      await store.transaction(async (tx) => {
        await tx.learn.saveLearnerState(learner.id, JSON.stringify(state), at);
        await tx.learn.insertGameEvent({
          id: newId(),
          userId: learner.id,
          team: learner.department || NO_TEAM,
          type: 'quiz.answered',
          at,
          data: { topic: m.topic, correct: grade.correct, difficulty: q.difficulty },
        });
      });
      return {
        correct: grade.correct,
        score: grade.score,
        explanation: q.explanation,
        expected: rightAnswer(q, locale),
        nextReview: state.reviews[`${m.id}/${q.id}`]?.due ?? null,
      };
    },

    /** Ends a module: the score is the share of its questions answered right since the last attempt. */
    async complete(learner: Learner, moduleId: string) {
      const m = await moduleOf(moduleId);
      if (!m) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such module');
      const state = await stateOf(learner.id);
      const since = [...state.completions].reverse().find((c) => c.moduleId === moduleId)?.at ?? '';
      const latest = new Map<string, number>();
      for (const a of state.answers) if (a.moduleId === moduleId && a.at > since) latest.set(a.questionId, a.score);
      const needed = Math.min(3, m.questions.length);
      if (latest.size < needed) {
        throw new VigieError('VIGIE_ERR_CONFLICT', `Answer at least ${needed} question(s) of this module first`);
      }
      const score = [...latest.values()].reduce((s, x) => s + x, 0) / latest.size;
      const now = clock();
      const next = completeModule(state, m, score, now);
      const completion = next.completions[next.completions.length - 1];
      await store.transaction(async (tx) => {
        await tx.learn.saveLearnerState(learner.id, JSON.stringify(next), now.toISOString());
        if (completion?.passed) {
          await tx.learn.insertGameEvent({
            id: newId(),
            userId: learner.id,
            team: learner.department || NO_TEAM,
            type: 'module.passed',
            at: now.toISOString(),
            data: { moduleId, score: completion.score },
          });
        }
      });
      return completion as NonNullable<typeof completion>;
    },

    async leaderboard() {
      return rankTeams(await teamTotals(), options.pseudonymSecret ? { pseudonymSecret: options.pseudonymSecret } : {});
    },

    // Content and knowledge base ----------------------------------------------------------------
    async contentSummary() {
      const c = await content();
      return {
        version: c.version,
        modules: c.modules.map((m) => ({
          id: m.id,
          topic: m.topic,
          origin: m.origin,
          version: m.version,
          title: m.title,
        })),
        paths: c.paths.map((p) => ({ id: p.id, audience: p.audience, modules: p.modules, title: p.title })),
        templates: c.templates.map((t) => ({
          id: t.id,
          audiences: t.audiences,
          difficulty: t.difficulty,
          topic: t.topic,
          landing: t.landing,
          subject: t.subject,
          origin: t.origin,
        })),
        landings: c.landings.map((l) => ({ id: l.id, title: l.title, origin: l.origin })),
        problems: c.problems,
      };
    },

    /** Adds or replaces one organisation content file (YAML); refused when it does not load. */
    async addContent(path: string, text: string, context: ActionContext) {
      const check = loadContent([{ path, text, origin: 'organisation' }]);
      const errors = check.problems.filter((p) => p.level === 'error');
      if (errors.length > 0) {
        throw new VigieError('VIGIE_ERR_VALIDATION', 'The content file does not load', { problems: errors });
      }
      const digest = createHash('sha256').update(text, 'utf8').digest('hex');
      const at = clock().toISOString();
      await audited(context, 'learn.content.add', path, { digest }, (tx) =>
        tx.learn.insertContent({
          id: newId(),
          path,
          text,
          digest,
          createdAt: at,
          createdBy: actorLabel(context.actor),
          active: true,
        }),
      );
      cached = undefined;
      return { path, digest, version: (await content()).version, problems: check.problems };
    },

    /** Imports a policy (Markdown, HTML or text) and stores the questions generated from it. */
    async addKbDocument(
      doc: { title: string; format: 'markdown' | 'html' | 'text'; locale: 'fr' | 'en'; text: string },
      context: ActionContext,
    ) {
      const id = newId();
      const result = generateQuestions([{ id, ...doc }], { seed: id });
      const digest = createHash('sha256').update(doc.text, 'utf8').digest('hex');
      const at = clock().toISOString();
      await store.transaction(async (tx) => {
        await tx.learn.insertKbDoc(
          {
            id,
            title: doc.title,
            format: doc.format,
            locale: doc.locale,
            text: doc.text,
            digest,
            questions: result.questions.length,
            createdAt: at,
            createdBy: actorLabel(context.actor),
          },
          result.questions.map((q) => ({ id: q.id, json: JSON.stringify(q) })),
        );
        await tx.audit.append({
          at,
          actor: actorLabel(context.actor),
          action: 'learn.kb.add',
          target: id,
          requestId: context.requestId,
          details: { title: doc.title, digest, questions: result.questions.length },
        });
      });
      cached = undefined;
      return {
        id,
        title: doc.title,
        questions: result.questions.length,
        paragraphs: result.paragraphs,
        skipped: result.skipped,
        sample: result.questions.slice(0, 5),
      };
    },

    kbDocuments: () => store.learn.kbDocs(),

    // Groups ------------------------------------------------------------------------------------
    async importGroup(name: string, csv: string, context: ActionContext) {
      const parsed = parseTargets(csv);
      if (parsed.targets.length === 0) {
        throw new VigieError('VIGIE_ERR_VALIDATION', 'No target could be read from the CSV', {
          problems: parsed.problems.slice(0, 50),
        });
      }
      const targets: LearnTargetRecord[] = [];
      for (const t of parsed.targets) {
        // An account is matched when its user name is the address or its local part.
        const user =
          (await store.users.findByUsername(t.email)) ??
          (await store.users.findByUsername(t.email.split('@')[0] ?? ''));
        targets.push({ ...t, userId: user?.id ?? null });
      }
      const id = newId();
      const at = clock().toISOString();
      const group = { id, name, targets: targets.length, createdAt: at, createdBy: actorLabel(context.actor) };
      await store.transaction(async (tx) => {
        await tx.learn.insertGroup(group, targets);
        await tx.audit.append({
          at,
          actor: group.createdBy,
          action: 'learn.group.import',
          target: id,
          requestId: context.requestId,
          details: { name, targets: targets.length, problems: parsed.problems.length },
        });
      });
      return {
        group,
        matchedAccounts: targets.filter((t) => t.userId).length,
        problems: parsed.problems.slice(0, 200),
      };
    },
    groups: () => store.learn.groups(),
    async group(id: string) {
      const group = await store.learn.group(id);
      if (!group) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such group');
      return { ...group, members: await store.learn.targets(id) };
    },

    // Campaigns ---------------------------------------------------------------------------------
    async createCampaign(input: CampaignInput, context: ActionContext): Promise<CampaignView> {
      const group = await store.learn.group(input.groupId);
      if (!group) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such group');
      const id = newId();
      const parsed = campaignSchema.safeParse({
        id: `c${createHash('sha256').update(id).digest('hex').slice(0, 20)}`,
        name: input.name,
        templates: input.templates,
        departments: input.departments ?? [],
        schedule: input.schedule,
      });
      if (!parsed.success) {
        throw new VigieError('VIGIE_ERR_VALIDATION', 'Invalid campaign', { issues: parsed.error.issues });
      }
      const known = new Set((await content()).templates.map((t) => t.id));
      const unknown = parsed.data.templates.filter((t) => !known.has(t));
      if (unknown.length > 0)
        throw new VigieError('VIGIE_ERR_VALIDATION', `Unknown template(s): ${unknown.join(', ')}`);
      const profileId = input.profileId && input.profileId !== ENV_PROFILE_ID ? input.profileId : null;
      const profile = profileId ? await profiles.forCampaign(profileId) : undefined;
      if (profile?.deletedAt) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such sending profile');
      const sender =
        input.sender ??
        (profile
          ? { address: profile.fromAddress, ...(profile.fromName ? { name: profile.fromName } : {}) }
          : undefined);
      if (!sender) {
        throw new VigieError(
          'VIGIE_ERR_VALIDATION',
          'sender: give a sender address, or a sending profile that has one',
        );
      }
      const at = clock().toISOString();
      const record: LearnCampaignRecord = {
        id,
        name: input.name,
        groupId: input.groupId,
        definition: JSON.stringify(parsed.data),
        sender,
        profileId,
        reportLink: input.reportLink ?? true,
        status: 'draft',
        seed: randomBytes(8).toString('hex'),
        unscheduled: [],
        createdAt: at,
        createdBy: actorLabel(context.actor),
        updatedAt: at,
        launchedAt: null,
      };
      await audited(context, 'learn.campaign.create', id, { name: input.name, group: input.groupId, profileId }, (tx) =>
        tx.learn.insertCampaign(record),
      );
      return campaignView(record);
    },

    async campaigns(): Promise<CampaignView[]> {
      const out: CampaignView[] = [];
      for (const r of await store.learn.campaigns()) out.push(await campaignView(r));
      return out;
    },
    async campaign(id: string) {
      const view = await campaignView(await campaignRecord(id));
      const results = await resultsOf(id);
      return { ...view, results: { overall: results.overall, departments: results.departments } };
    },

    /** Plans the sends of a draft campaign (who gets which lure when) and starts it. */
    async launch(id: string, context: ActionContext): Promise<CampaignView> {
      const record = await campaignRecord(id);
      if (record.status !== 'draft')
        throw new VigieError('VIGIE_ERR_CONFLICT', `Campaign is ${record.status}, not a draft`);
      const campaign = campaignSchema.parse(JSON.parse(record.definition));
      const targets = await store.learn.targets(record.groupId);
      const templates = (await content()).templates;
      const plan = planSends(campaign, targets, templates, record.seed);
      const byEmail = new Map(targets.map((t) => [t.email, t]));
      const sends: LearnSendRecord[] = plan.sends.flatMap((p) => {
        const t = byEmail.get(p.email);
        return t
          ? [
              {
                id: newId(),
                campaignId: id,
                email: t.email,
                firstName: t.firstName,
                lastName: t.lastName,
                department: t.department,
                role: t.role,
                locale: t.locale,
                userId: t.userId,
                templateId: p.templateId,
                scheduledAt: p.at,
                status: 'pending' as const,
                tokenHash: null,
                attempts: 0,
                sentAt: null,
                error: null,
                messageId: null,
              },
            ]
          : [];
      });
      if (sends.length === 0) {
        throw new VigieError('VIGIE_ERR_VALIDATION', 'No target could be scheduled', { unscheduled: plan.unscheduled });
      }
      const at = clock().toISOString();
      await store.transaction(async (tx) => {
        // Compare-and-set first: of two launches at once (a double click), only one plans sends —
        // the other must not give every target a second lure.
        const launched = await tx.learn.updateCampaign(
          id,
          { status: 'running', updatedAt: at, launchedAt: at, unscheduled: plan.unscheduled },
          ['draft'],
        );
        if (!launched) throw new VigieError('VIGIE_ERR_CONFLICT', 'Campaign is no longer a draft');
        await tx.learn.insertSends(sends);
        await tx.audit.append({
          at,
          actor: actorLabel(context.actor),
          action: 'learn.campaign.launch',
          target: id,
          requestId: context.requestId,
          details: { sends: sends.length, unscheduled: plan.unscheduled.length },
        });
      });
      return campaignView(await campaignRecord(id));
    },
    pause: (id: string, context: ActionContext) => setStatus(id, ['running'], 'paused', context),
    resume: (id: string, context: ActionContext) => setStatus(id, ['paused'], 'running', context),
    cancel: (id: string, context: ActionContext) => setStatus(id, ['draft', 'running', 'paused'], 'cancelled', context),

    /** Per-department results (`summary`) or one line per target (`outcomes`) as CSV. */
    async resultsCsv(id: string, kind: 'summary' | 'outcomes', locale: Locale): Promise<string> {
      await campaignRecord(id);
      const results = await resultsOf(id);
      return kind === 'summary' ? resultsCsv(results, locale) : outcomesCsv(results);
    },

    /**
     * Clicks with their classification and reasons, judged with everything known now (a later
     * submission from the same browser vouches for a click that looked too fast at the time).
     */
    async clicks(id: string) {
      await campaignRecord(id);
      return (await resultsOf(id)).clicks.map(({ event, verdict }) => ({
        email: event.email,
        at: event.at,
        ip: event.ip ?? null,
        userAgent: event.userAgent ?? null,
        method: event.method ?? null,
        verdict: verdict.verdict,
        botScore: verdict.botScore,
        reasons: verdict.reasons,
      }));
    },

    // Sending -----------------------------------------------------------------------------------
    /** At start-up: sends a crash left in `sending` become `interrupted` (never re-sent silently). */
    async recoverInterrupted(): Promise<number> {
      return (await store.learn.interruptSending(clock().toISOString())).length;
    },

    /** Sends what is due in running campaigns, at most `perMinute` per campaign in any minute. */
    async sendDue(): Promise<{ sent: number; failed: number; throttled: number; problems: string[] }> {
      const result = { sent: 0, failed: 0, throttled: 0, problems: [] as string[] };
      await content();
      // One transport per profile for this tick; stored profiles' are closed at the end of it.
      const transports = new Map<string, { transport: LearnTransport | undefined; headers: Record<string, string> }>();
      const transportFor = async (profileId: string | null | undefined) => {
        const key = profileId || ENV_PROFILE_ID;
        let entry = transports.get(key);
        if (!entry) {
          try {
            const profile = await profiles.forCampaign(key);
            entry = {
              transport: profiles.transportOf(profile),
              headers: Object.fromEntries((profile?.headers ?? []).map((h) => [h.name, h.value])),
            };
          } catch (error) {
            result.problems.push(`profile ${key}: ${error instanceof Error ? error.message : String(error)}`);
            entry = { transport: undefined, headers: {} };
          }
          transports.set(key, entry);
        }
        return entry;
      };
      try {
        for (const campaign of await store.learn.campaigns('running')) {
          const { transport, headers: profileHeaders } = await transportFor(campaign.profileId);
          // No server for this campaign's profile: its sends wait (the env profile may be unset).
          if (!transport) continue;
          const def = campaignSchema.parse(JSON.parse(campaign.definition));
          const now = clock();
          const started = await store.learn.startedSince(campaign.id, new Date(now.getTime() - 60_000).toISOString());
          const budget = def.schedule.perMinute - started;
          const due = budget > 0 ? await store.learn.dueSends(campaign.id, now.toISOString(), budget + 1) : [];
          if (due.length > budget) result.throttled += due.length - Math.max(0, budget);
          for (const send of due.slice(0, Math.max(0, budget))) {
            const template = await templateById(send.templateId);
            const custom = customIndex.templates.get(send.templateId)?.value;
            const token = randomBytes(16).toString('base64url');
            const at = clock().toISOString();
            if (!(await store.learn.claimSend(send.id, tokenDigest(token), at))) continue;
            if (!template) {
              await store.learn.finishSend(send.id, { status: 'failed', at, error: 'template no longer exists' });
              result.failed++;
              continue;
            }
            const link = `${publicUrl}/learn/t/${token}`;
            const values = {
              first_name: send.firstName,
              last_name: send.lastName,
              email: send.email,
              department: send.department,
              role: send.role,
              company: options.company ?? '',
              date: now.toISOString().slice(0, 10),
              link,
            };
            const rendered = custom
              ? renderCustomTemplate(custom, send.locale, values)
              : renderTemplate(template, send.locale, values);
            const footer = campaign.reportLink
              ? {
                  text: `\n\n--\n${send.locale === 'fr' ? 'Message douteux ? Signalez-le' : 'Suspicious message? Report it'}: ${link}/report`,
                  html: `<p style="font-size:11px;color:#666"><a href="${link}/report">${send.locale === 'fr' ? 'Message douteux ? Signalez-le' : 'Suspicious message? Report it'}</a></p>`,
                }
              : { text: '', html: '' };
            const senderName = campaign.sender.name ?? rendered.senderName;
            try {
              const info = await transport.send({
                from: `"${senderName.replace(/["\\]/g, '')}" <${campaign.sender.address}>`,
                to: send.email,
                subject: rendered.subject,
                text: rendered.text + footer.text,
                html: `${rendered.html}\n${footer.html}\n<img src="${link}/o.gif" width="1" height="1" alt="">`,
                headers: { ...profileHeaders, 'X-Vigie-Simulation': token },
              });
              const done = clock().toISOString();
              await store.transaction(async (tx) => {
                await tx.learn.finishSend(send.id, { status: 'sent', at: done, messageId: info.messageId });
                await tx.learn.insertEvent({
                  id: newId(),
                  campaignId: campaign.id,
                  sendId: send.id,
                  email: send.email,
                  type: 'sent',
                  at: done,
                  ip: null,
                  userAgent: null,
                  method: null,
                  linkId: null,
                  via: null,
                  verdict: null,
                  botScore: null,
                  reasons: null,
                  fields: null,
                });
              });
              result.sent++;
            } catch (error) {
              const reason = error instanceof Error ? error.message : String(error);
              await store.learn.finishSend(send.id, {
                status: 'failed',
                at: clock().toISOString(),
                error: reason.slice(0, 500),
              });
              result.failed++;
            }
          }
          if ((await store.learn.pendingCount(campaign.id)) === 0) {
            await store.learn.updateCampaign(campaign.id, { status: 'completed', updatedAt: clock().toISOString() });
          }
        }
      } finally {
        for (const [key, entry] of transports) if (key !== ENV_PROFILE_ID) entry.transport?.close?.();
      }
      return result;
    },

    // Tracking ----------------------------------------------------------------------------------
    track,
    lookup,

    // Sending profiles ----------------------------------------------------------------------------
    profiles: () => profiles.list(),
    profile: (id: string) => profiles.get(id),
    createProfile: profiles.create,
    updateProfile: profiles.update,
    deleteProfile: profiles.remove,
    testProfile: profiles.test,

    // Organisation templates and landing pages ----------------------------------------------------
    /** The organisation's templates and landing pages (not deleted), with their validated content. */
    async customItems(kind?: CustomKind) {
      return (await store.learn.customItems())
        .filter((r) => !r.deletedAt && (!kind || r.kind === kind))
        .map((r) => ({
          id: r.id,
          kind: r.kind,
          name: r.name,
          createdAt: r.createdAt,
          createdBy: r.createdBy,
          updatedAt: r.updatedAt,
          data: JSON.parse(r.data) as Record<string, unknown>,
        }));
    },

    /** Validates and renders a draft without saving it: the editor's preview and its problems. */
    async previewCustom(kind: CustomKind, input: unknown, locale: Locale) {
      if (kind === 'landing') {
        const checked = checkCustomLanding(input);
        if (!checked.ok) return { ok: false as const, problems: checked.problems };
        return {
          ok: true as const,
          problems: [],
          html: renderCustomLanding(checked.value, locale, '/learn/preview'),
          fields: checked.value.fields,
        };
      }
      const checked = checkCustomTemplate(input);
      if (!checked.ok) return { ok: false as const, problems: checked.problems };
      const landingProblem = await unknownLanding(checked.value.landing);
      const rendered = renderCustomTemplate(checked.value, locale, sampleValues(locale));
      return {
        ok: landingProblem.length === 0,
        problems: landingProblem,
        html: rendered.html,
        text: rendered.text,
        subject: rendered.subject,
        senderName: rendered.senderName,
      };
    },

    async createCustom(kind: CustomKind, input: unknown, context: ActionContext) {
      const { name, data } = await checkedCustom(kind, input);
      const id = `org-${randomBytes(5).toString('hex')}`;
      const at = clock().toISOString();
      const createdBy = actorLabel(context.actor);
      await audited(context, `learn.${kind}.create`, id, { name, digest: digestOf(data, 16) }, (tx) =>
        tx.learn.insertCustom({ id, kind, name, data, createdAt: at, createdBy, updatedAt: at, deletedAt: null }),
      );
      cached = undefined;
      return {
        id,
        kind,
        name,
        createdAt: at,
        createdBy,
        updatedAt: at,
        data: JSON.parse(data) as Record<string, unknown>,
      };
    },

    async updateCustom(kind: CustomKind, id: string, input: unknown, context: ActionContext) {
      await customRecord(kind, id);
      const { name, data } = await checkedCustom(kind, input);
      const at = clock().toISOString();
      await audited(context, `learn.${kind}.update`, id, { name, digest: digestOf(data, 16) }, async (tx) => {
        if (!(await tx.learn.updateCustom(id, { name, data, updatedAt: at }))) {
          throw new VigieError('VIGIE_ERR_NOT_FOUND', `No such ${kind}`);
        }
      });
      cached = undefined;
      const r = await customRecord(kind, id);
      return { ...r, data: JSON.parse(r.data) as Record<string, unknown> };
    },

    /** Deletes an organisation template or landing page; campaigns that used it still show it. */
    async deleteCustom(kind: CustomKind, id: string, context: ActionContext) {
      const r = await customRecord(kind, id);
      if (kind === 'landing') {
        const users = [...customIndex.templates]
          .filter(([, t]) => !t.deleted && t.value.landing === id)
          .map(([tid]) => tid);
        if (users.length > 0) {
          throw new VigieError('VIGIE_ERR_CONFLICT', `Templates still lead to this landing page: ${users.join(', ')}`);
        }
      } else {
        const active = (await store.learn.campaigns()).filter(
          (c) => ['draft', 'running', 'paused'].includes(c.status) && c.definition.includes(`"${id}"`),
        );
        if (active.length > 0) {
          throw new VigieError(
            'VIGIE_ERR_CONFLICT',
            `Campaigns not finished use this template: ${active.map((c) => c.name).join(', ')}`,
          );
        }
      }
      const at = clock().toISOString();
      await audited(context, `learn.${kind}.delete`, id, { name: r.name }, async (tx) => {
        await tx.learn.updateCustom(id, { updatedAt: at, deletedAt: at });
      });
      cached = undefined;
    },

    /**
     * A raw e-mail (.eml) as a template draft, like GoPhish's import: subject, sender name, HTML
     * and text bodies, GoPhish placeholders turned into ours and, when asked, every link pointed
     * at the tracked link. Nothing is saved: the editor shows the draft to finish and save.
     */
    async importEmail(raw: string, linksToTracked: boolean) {
      let parsed: Awaited<ReturnType<typeof parseMessage>>;
      try {
        parsed = await parseMessage(Buffer.from(raw, 'utf8'));
      } catch (error) {
        throw new VigieError(
          'VIGIE_ERR_VALIDATION',
          `The message cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const html = parsed.html
        ? parsed.html
        : parsed.text
            .split(/\n[ \t]*\n/)
            .map(
              (p) =>
                `<p>${p.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;')).replace(/\n/g, '<br>')}</p>`,
            )
            .join('\n');
      const body = fromGophishPlaceholders(sanitiseHtml(fromGophishPlaceholders(html), 'email', { linksToTracked }));
      const text = fromGophishPlaceholders(parsed.text);
      const subject = fromGophishPlaceholders(parsed.subject).slice(0, 500);
      const senderName = (parsed.from?.name || parsed.from?.address || '').slice(0, 200);
      const draft = {
        name: subject.slice(0, 200) || 'Imported e-mail',
        subject: { fr: subject, en: subject },
        senderName: { fr: senderName, en: senderName },
        html: { fr: body, en: body },
        text: { fr: text, en: text },
      };
      return { draft, fromAddress: parsed.from?.address ?? null };
    },

    // Time spent ------------------------------------------------------------------------------------
    /**
     * A heartbeat from the learner's page: `seconds` spent on a module's lessons or quiz since the
     * last one. The server credits at most HEARTBEAT_MAX_SECONDS, never more than the time since
     * the learner's previous heartbeat (two tabs cannot double the clock), and at most
     * DAY_MAX_SECONDS a day.
     */
    async recordTime(learner: Learner, input: { moduleId: string; kind: 'lesson' | 'quiz'; seconds: number }) {
      if (!(await moduleOf(input.moduleId))) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such module');
      const now = clock();
      const at = now.toISOString();
      const day = at.slice(0, 10);
      return store.transaction(async (tx) => {
        const last = await tx.learn.lastTimeAt(learner.id);
        let credit = Math.min(Math.max(0, Math.floor(input.seconds)), HEARTBEAT_MAX_SECONDS);
        if (last) {
          const since = Math.round((now.getTime() - Date.parse(last)) / 1000);
          if (since < HEARTBEAT_MAX_SECONDS) credit = Math.min(credit, Math.max(0, since));
        }
        credit = Math.min(credit, Math.max(0, DAY_MAX_SECONDS - (await tx.learn.secondsOnDay(learner.id, day))));
        if (credit > 0) {
          await tx.learn.addTime({
            userId: learner.id,
            day,
            moduleId: input.moduleId,
            kind: input.kind,
            seconds: credit,
            lastAt: at,
          });
        }
        return { credited: credit };
      });
    },

    /**
     * A message from the reporting mailbox: when it is (or forwards) one of our simulations,
     * the report is counted for its target and true is returned.
     */
    async claimMailboxReport(raw: Uint8Array): Promise<boolean> {
      for (const token of tokensIn(raw)) {
        if (await track(token, { type: 'reported', via: 'mailbox' })) return true;
      }
      return false;
    },

    // Programme ---------------------------------------------------------------------------------
    async programme() {
      const c = await content();
      const all = await resultsOf();
      const campaigns = [];
      for (const r of await store.learn.campaigns()) {
        if (!r.launchedAt) continue;
        const one = await resultsOf(r.id);
        campaigns.push({ id: r.id, name: r.name, launchedAt: r.launchedAt, status: r.status, ...one.overall });
      }
      campaigns.sort((a, b) => (a.launchedAt < b.launchedAt ? -1 : 1));
      const states = await store.learn.learnerStates();
      const users = new Map((await store.users.list()).map((u) => [u.id, u]));
      const allStaff = c.paths.find((p) => p.audience === 'all-staff') ?? c.paths[0];
      const topics = new Map<string, { sum: number; n: number }>();
      const departments = new Map<string, { sum: number; n: number }>();
      let completionSum = 0;
      let minutes = 0;
      for (const { userId, state } of states) {
        const s = JSON.parse(state) as LearnerState;
        const department = users.get(userId)?.department ?? null;
        const audience = audienceOf('', department ?? '');
        const path = c.paths.find((p) => p.audience === audience) ?? allStaff;
        const ratio = path ? pathProgress(path.modules, s).ratio : 0;
        completionSum += ratio;
        const d = departments.get(department || NO_TEAM) ?? { sum: 0, n: 0 };
        departments.set(department || NO_TEAM, { sum: d.sum + ratio, n: d.n + 1 });
        for (const [topic, k] of Object.entries(knowledgeByTopic(s))) {
          const t = topics.get(topic) ?? { sum: 0, n: 0 };
          topics.set(topic, { sum: t.sum + k.score, n: t.n + 1 });
        }
        for (const done of new Set(s.completions.filter((x) => x.passed).map((x) => x.moduleId))) {
          minutes += c.modules.find((m) => m.id === done)?.minutes ?? 0;
        }
      }
      const round = (x: number) => Math.round(x * 1000) / 1000;
      const perLearner = new Map<string, number>();
      const timeRows = await store.learn.timeTotals();
      for (const r of timeRows) perLearner.set(r.userId, (perLearner.get(r.userId) ?? 0) + r.seconds);
      const timeByDepartment = new Map<string, { seconds: number; learners: number }>();
      for (const [userId, seconds] of perLearner) {
        const department = users.get(userId)?.department || NO_TEAM;
        const d = timeByDepartment.get(department) ?? { seconds: 0, learners: 0 };
        timeByDepartment.set(department, { seconds: d.seconds + seconds, learners: d.learners + 1 });
      }
      const sortedTimes = [...perLearner.values()].sort((a, b) => a - b);
      const total = timeSummary(timeRows);
      return {
        overall: all.overall,
        departments: all.departments,
        campaigns,
        training: {
          learners: states.length,
          completion: states.length === 0 ? 0 : round(completionSum / states.length),
          byDepartment: [...departments].map(([department, d]) => ({
            department,
            learners: d.n,
            completion: round(d.sum / d.n),
          })),
          estimatedMinutes: minutes,
          timeSpent: {
            seconds: total.seconds,
            lessonSeconds: total.lessonSeconds,
            quizSeconds: total.quizSeconds,
            learners: perLearner.size,
            medianSecondsPerLearner: sortedTimes.length === 0 ? null : median(sortedTimes),
            byDepartment: [...timeByDepartment]
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([department, d]) => ({ department, seconds: d.seconds, learners: d.learners })),
          },
        },
        knowledge: [...topics]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([topic, t]) => ({ topic, learners: t.n, score: Math.round(t.sum / t.n) })),
        reflexes: await programmeReflexes(store),
      };
    },
  };
}

export type LearnService = ReturnType<typeof createLearnService>;
