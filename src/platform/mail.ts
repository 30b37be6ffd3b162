/**
 * The Mail service: analyses on demand, the triage queue of messages reported by staff
 * (upload, API, reporting mailbox), analysts' verdicts, the organisation's settings, and the
 * models refined from analysts' verdicts — every change audited in its own transaction.
 *
 * Learning is visible and reversible: `learn` trains a new model version from the shipped
 * one and every labelled message, stores it beside the others and makes it active;
 * `activateModel` goes back to any earlier version, or to the shipped model.
 */
import { createHash } from 'node:crypto';
import { type Clock, type Finding, newId, VigieError } from '../core/index.js';
import {
  analyzeParsed,
  DEFAULT_MAIL_SETTINGS,
  gatherEvidence,
  type MailAnalysis,
  MailInputError,
  type MailModel,
  type MailSettings,
  mailFinding,
  mailModelSchema,
  parseMailSettings,
  parseMessage,
  SHIPPED_MAIL_MODEL,
  scoreExample,
  type TrainingExample,
  trainMailModel,
} from '../mail/index.js';
import type { MailMessageRecord, MailModelRecord, Store } from '../store/index.js';
import { type ActionContext, actorLabel } from './actor.js';
import type { createFindings } from './findings.js';
import { loadQrReader } from './qr-reader.js';

export const MAIL_SOURCES = ['upload', 'api', 'imap'] as const;
export type MailSource = (typeof MAIL_SOURCES)[number];
export const ANALYST_VERDICTS = ['phishing', 'legitimate'] as const;
export type AnalystVerdict = (typeof ANALYST_VERDICTS)[number];

/** Training from analysts' verdicts: a light touch on top of the shipped model. */
const FEEDBACK_TRAINING = {
  iterations: 150,
  learningRate: 0.02,
  // Strong pull towards the shipped weights: a handful of verdicts adjusts, never rewrites.
  l2Words: 0.05,
  l2Scales: 0.5,
  minDocumentFrequency: 1,
  maxFeatures: 20_000,
  minWeight: 0.01,
};
/** Verdicts a learning run reads at most: the newest ones. */
const MAX_FEEDBACK_EXAMPLES = 5000;

export interface MailQueueItem {
  readonly id: string;
  readonly receivedAt: string;
  readonly source: string;
  readonly reporter: string | null;
  readonly subject: string;
  readonly from: string;
  readonly size: number;
  readonly verdict: string;
  readonly score: number;
  readonly modelVersion: string;
  readonly findingId: string | null;
  readonly analystVerdict: AnalystVerdict | null;
  readonly analystId: string | null;
  readonly analystAt: string | null;
  readonly analystNote: string | null;
  /** Who reported it and who judged it, as people read them (name, or the mailbox for IMAP). */
  readonly reporterName: string | null;
  readonly analystName: string | null;
}

export interface MailQueueDetail extends MailQueueItem {
  readonly analysis: MailAnalysis;
}

export interface MailModelInfo {
  readonly version: string;
  readonly createdAt: string | null;
  readonly createdBy: string | null;
  readonly parentVersion: string | null;
  readonly examples: number;
  readonly active: boolean;
  readonly shipped: boolean;
}

export interface LearnResult {
  readonly model: MailModelInfo;
  /** On the labelled messages: how many the previous model and the new one get right. */
  readonly agreementBefore: number;
  readonly agreementAfter: number;
  /** Signal scales and words that moved most, for the analyst to see what was learnt. */
  readonly changes: readonly { readonly name: string; readonly before: number; readonly after: number }[];
}

function toItem(record: MailMessageRecord): MailQueueItem {
  return {
    id: record.id,
    receivedAt: record.receivedAt,
    source: record.source,
    reporter: record.reporter,
    subject: record.subject,
    from: record.fromAddress,
    size: record.size,
    verdict: record.verdict,
    score: record.score,
    modelVersion: record.modelVersion,
    findingId: record.findingId,
    analystVerdict: record.analystVerdict as AnalystVerdict | null,
    analystId: record.analystId,
    analystAt: record.analystAt,
    analystNote: record.analystNote,
    reporterName: null,
    analystName: null,
  };
}

function toModelInfo(record: MailModelRecord): MailModelInfo {
  return {
    version: record.version,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    parentVersion: record.parentVersion,
    examples: record.examples,
    active: record.active,
    shipped: false,
  };
}

/** What the Mail service tells the rest of the platform. */
export interface MailHooks {
  /**
   * An analyst judged a message an employee reported (Learn counts the report and, for a
   * confirmed phishing, assigns the module matching its lure). Advisory: a failure here does
   * not undo the verdict, which is already stored and audited.
   */
  readonly reportJudged?: (
    userId: string,
    judged: { verdict: AnalystVerdict; at: string; traits: readonly string[] },
  ) => Promise<void>;
}

/** The lure's kind, from the engine's reasons, as Learn names it. */
function lureTraits(analysis: string): string[] {
  let codes: string[] = [];
  try {
    const parsed = JSON.parse(analysis) as { reasons?: Array<{ code?: unknown }> };
    codes = (parsed.reasons ?? []).map((r) => String(r.code ?? ''));
  } catch {
    return [];
  }
  const traits = new Set<string>();
  for (const code of codes) {
    if (code.startsWith('mail.qr.')) traits.add('qr');
    if (/^mail\.intent\.(payment_change|gift_cards|invoice_lure|delivery_fee)$/.test(code)) traits.add('payment');
  }
  return [...traits];
}

export function createMailService(
  store: Store,
  clock: Clock,
  findings: ReturnType<typeof createFindings>,
  hooks: MailHooks = {},
) {
  // The active model is read once and kept until a learning run or an activation changes it.
  let activeModel: MailModel | undefined;

  /** Fills in reporter and analyst names (user ids → display names; other values as they are). */
  async function withNames<T extends MailQueueItem>(items: T[]): Promise<T[]> {
    const names = new Map<string, string>();
    const nameOf = async (id: string | null): Promise<string | null> => {
      if (!id) return null;
      const known = names.get(id);
      if (known !== undefined) return known;
      const user = await store.users.findById(id);
      const name = user ? (user.displayName ?? user.username) : id;
      names.set(id, name);
      return name;
    };
    const named: T[] = [];
    for (const item of items) {
      named.push({ ...item, reporterName: await nameOf(item.reporter), analystName: await nameOf(item.analystId) });
    }
    return named;
  }

  async function withName<T extends MailQueueItem>(item: T): Promise<T> {
    const [named] = await withNames([item]);
    return named ?? item;
  }

  async function currentModel(): Promise<MailModel> {
    if (activeModel) return activeModel;
    const record = await store.mail.activeModel();
    activeModel = record ? mailModelSchema.parse(JSON.parse(record.model)) : SHIPPED_MAIL_MODEL;
    return activeModel;
  }

  async function currentSettings(): Promise<MailSettings> {
    const stored = await store.settings.get('mail');
    return stored ? parseMailSettings(stored.value) : DEFAULT_MAIL_SETTINGS;
  }

  async function analyzeBytes(raw: Uint8Array): Promise<MailAnalysis> {
    try {
      const message = await parseMessage(raw);
      return await analyzeParsed(message, {
        settings: await currentSettings(),
        model: await currentModel(),
        qrReader: await loadQrReader(),
      });
    } catch (error) {
      // The reason's code goes along, for a client to say it in the reader's language.
      if (error instanceof MailInputError)
        throw new VigieError('VIGIE_ERR_VALIDATION', error.message, { reason: error.code });
      throw error;
    }
  }

  return {
    /** Analyses a message without keeping it (the "drop a message" box, other tools). */
    analyze: analyzeBytes,

    async settings(): Promise<{ settings: MailSettings; updatedAt: string | null; updatedBy: string | null }> {
      const stored = await store.settings.get('mail');
      return stored
        ? { settings: parseMailSettings(stored.value), updatedAt: stored.updatedAt, updatedBy: stored.updatedBy }
        : { settings: DEFAULT_MAIL_SETTINGS, updatedAt: null, updatedBy: null };
    },

    async updateSettings(input: unknown, context: ActionContext): Promise<MailSettings> {
      let settings: MailSettings;
      try {
        settings = parseMailSettings(input);
      } catch (error) {
        throw new VigieError('VIGIE_ERR_VALIDATION', 'Invalid mail settings', {
          issues: (error as { issues?: unknown }).issues,
        });
      }
      const at = clock().toISOString();
      const actor = actorLabel(context.actor);
      await store.transaction(async (tx) => {
        await tx.settings.set('mail', settings, at, actor);
        await tx.audit.append({
          at,
          actor,
          action: 'mail.settings.update',
          target: 'mail',
          requestId: context.requestId,
          details: {
            organisationDomains: settings.organisationDomains.length,
            vipNames: settings.vipNames.length,
            extraBrands: settings.extraBrands.length,
            allowedSenderDomains: settings.allowedSenderDomains.length,
            allowedLinkDomains: settings.allowedLinkDomains.length,
          },
        });
      });
      return settings;
    },

    /**
     * Puts a reported message in the triage queue with its analysis, and a finding when it is
     * not clean. The same bytes reported twice are one item: the first report is returned.
     */
    async report(
      raw: Uint8Array,
      origin: { source: MailSource; reporter: string | null },
      context: ActionContext,
    ): Promise<{ item: MailQueueItem; duplicate: boolean }> {
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const existing = await store.mail.findBySha256(sha256);
      if (existing) return { item: await withName(toItem(existing)), duplicate: true };
      const analysis = await analyzeBytes(raw);
      const at = clock().toISOString();
      let finding: Finding | undefined;
      if (analysis.verdict !== 'clean') {
        finding = findings.build(
          mailFinding(analysis, { observedAt: at, ...(origin.reporter ? { user: origin.reporter } : {}) }),
        );
      }
      const record: MailMessageRecord = {
        id: newId(),
        receivedAt: at,
        source: origin.source,
        reporter: origin.reporter,
        rawSha256: sha256,
        size: raw.byteLength,
        subject: analysis.summary.subject,
        fromAddress: analysis.summary.from,
        verdict: analysis.verdict,
        score: analysis.score,
        analysis: JSON.stringify(analysis),
        modelVersion: analysis.modelVersion,
        findingId: finding?.id ?? null,
        analystVerdict: null,
        analystId: null,
        analystAt: null,
        analystNote: null,
      };
      try {
        await store.transaction(async (tx) => {
          if (finding) await tx.findings.insert(finding);
          await tx.mail.insertMessage(record, raw);
          await tx.audit.append({
            at,
            actor: actorLabel(context.actor),
            action: 'mail.report',
            target: record.id,
            requestId: context.requestId,
            details: { source: origin.source, verdict: analysis.verdict, score: analysis.score, sha256 },
          });
        });
      } catch (error) {
        // The same bytes reported at the same instant by someone else: theirs is the item.
        const winner = await store.mail.findBySha256(sha256);
        if (winner) return { item: await withName(toItem(winner)), duplicate: true };
        throw error;
      }
      return { item: await withName(toItem(record)), duplicate: false };
    },

    async list(query: {
      verdict?: string | undefined;
      status?: 'open' | 'triaged' | undefined;
      limit: number;
      before?: string | undefined;
    }): Promise<MailQueueItem[]> {
      const before = query.before ? await store.mail.get(query.before) : undefined;
      if (query.before && !before) throw new VigieError('VIGIE_ERR_VALIDATION', 'Unknown paging cursor');
      const records = await store.mail.list({
        verdict: query.verdict,
        status: query.status,
        limit: query.limit,
        before: before ? { receivedAt: before.receivedAt, id: before.id } : undefined,
      });
      return withNames(records.map(toItem));
    },

    counts: () => store.mail.counts(),

    async get(id: string): Promise<MailQueueDetail> {
      const record = await store.mail.get(id);
      if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such message');
      return withName({ ...toItem(record), analysis: JSON.parse(record.analysis) as MailAnalysis });
    },

    async raw(id: string): Promise<Uint8Array> {
      const raw = await store.mail.raw(id);
      if (!raw) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such message');
      return raw;
    },

    /** An analyst's verdict (or `null` to withdraw it), audited with the engine's verdict beside it. */
    async setVerdict(
      id: string,
      verdict: AnalystVerdict | null,
      note: string | null,
      context: ActionContext,
    ): Promise<MailQueueItem> {
      const record = await store.mail.get(id);
      if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such message');
      const at = clock().toISOString();
      const analystId = context.actor.kind === 'user' ? context.actor.id : actorLabel(context.actor);
      const change = verdict
        ? { verdict, analystId, at, note }
        : { verdict: null, analystId: null, at: null, note: null };
      await store.transaction(async (tx) => {
        await tx.mail.setAnalystVerdict(id, change);
        await tx.audit.append({
          at,
          actor: actorLabel(context.actor),
          action: verdict ? 'mail.verdict' : 'mail.verdict.withdraw',
          target: id,
          requestId: context.requestId,
          details: {
            verdict,
            engineVerdict: record.verdict,
            engineScore: record.score,
            previous: record.analystVerdict,
          },
        });
      });
      // A new judgement of an employee's report (the mailbox reports carry an address, not a user).
      if (verdict && verdict !== record.analystVerdict && record.reporter && record.source !== 'imap') {
        const reporter = await store.users.findById(record.reporter);
        if (reporter && hooks.reportJudged) {
          await hooks
            .reportJudged(reporter.id, { verdict, at, traits: lureTraits(record.analysis) })
            .catch(() => undefined);
        }
      }
      return withName(
        toItem({
          ...record,
          analystVerdict: change.verdict,
          analystId: change.analystId,
          analystAt: change.at,
          analystNote: change.note,
        }),
      );
    },

    async models(): Promise<MailModelInfo[]> {
      const records = await store.mail.models();
      const shippedActive = !records.some((r) => r.active);
      return [
        ...records.map(toModelInfo),
        {
          version: SHIPPED_MAIL_MODEL.version,
          createdAt: null,
          createdBy: null,
          parentVersion: null,
          examples: SHIPPED_MAIL_MODEL.training.messages,
          active: shippedActive,
          shipped: true,
        },
      ];
    },

    /** Trains a new model version from the shipped one and every analyst verdict, and activates it. */
    async learn(context: ActionContext): Promise<LearnResult> {
      const labelled = await store.mail.labelled(MAX_FEEDBACK_EXAMPLES);
      if (labelled.length === 0) {
        throw new VigieError('VIGIE_ERR_CONFLICT', 'No analyst verdict yet: there is nothing to learn from');
      }
      const settings = await currentSettings();
      const previous = await currentModel();
      const examples: TrainingExample[] = [];
      for (const item of labelled) {
        const evidence = await gatherEvidence(await parseMessage(item.raw), settings, await loadQrReader());
        examples.push({
          features: evidence.features,
          reasons: evidence.reasons,
          phishing: item.verdict === 'phishing',
        });
      }
      const digest = createHash('sha256')
        .update(labelled.map((l) => `${l.id}:${l.verdict}`).join('\n'))
        .digest('hex');
      const at = clock().toISOString();
      const model = trainMailModel(
        examples,
        {
          version: `${SHIPPED_MAIL_MODEL.version}+${at.slice(0, 10).replace(/-/g, '')}.${digest.slice(0, 8)}`,
          corpusDigest: digest,
          thresholds: SHIPPED_MAIL_MODEL.thresholds,
          feedback: examples.length,
          prior: SHIPPED_MAIL_MODEL,
        },
        FEEDBACK_TRAINING,
      );
      const agreement = (m: MailModel) =>
        examples.filter((e) => scoreExample(m, e) >= m.thresholds.suspicious === e.phishing).length;
      const record: MailModelRecord = {
        version: model.version,
        createdAt: at,
        createdBy: actorLabel(context.actor),
        parentVersion: SHIPPED_MAIL_MODEL.version,
        examples: examples.length,
        model: JSON.stringify(model),
        active: true,
      };
      await store.transaction(async (tx) => {
        // The same verdicts give the same version: learning twice re-activates it.
        const existing = (await tx.mail.models()).some((m) => m.version === model.version);
        if (!existing) await tx.mail.insertModel({ ...record, active: false });
        await tx.mail.activateModel(model.version);
        await tx.audit.append({
          at,
          actor: actorLabel(context.actor),
          action: 'mail.model.learn',
          target: model.version,
          requestId: context.requestId,
          details: { examples: examples.length, previous: previous.version },
        });
      });
      activeModel = model;
      return {
        model: toModelInfo(record),
        agreementBefore: agreement(previous),
        agreementAfter: agreement(model),
        changes: modelChanges(SHIPPED_MAIL_MODEL, model),
      };
    },

    /** Makes an earlier learnt version active again, or the shipped model with `null`. */
    async activateModel(version: string | null, context: ActionContext): Promise<void> {
      if (version !== null && version !== SHIPPED_MAIL_MODEL.version) {
        const known = (await store.mail.models()).some((m) => m.version === version);
        if (!known) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such model version');
      }
      const target = version === SHIPPED_MAIL_MODEL.version ? null : version;
      const at = clock().toISOString();
      await store.transaction(async (tx) => {
        await tx.mail.activateModel(target);
        await tx.audit.append({
          at,
          actor: actorLabel(context.actor),
          action: 'mail.model.activate',
          target: target ?? SHIPPED_MAIL_MODEL.version,
          requestId: context.requestId,
        });
      });
      activeModel = undefined;
    },
  };
}

/** What a learning run changed most: signal scales first, then words. */
function modelChanges(before: MailModel, after: MailModel): LearnResult['changes'] {
  const scales = Object.keys(after.signalScales).map((name) => ({
    name,
    before: before.signalScales[name] ?? 1,
    after: after.signalScales[name] ?? 1,
  }));
  const words = Object.keys(after.features).map((name) => ({
    name,
    before: before.features[name] ?? 0,
    after: after.features[name] ?? 0,
  }));
  const moved = (c: { before: number; after: number }) => Math.abs(c.after - c.before);
  return [...scales, ...words]
    .filter((c) => moved(c) >= 0.01)
    .sort((a, b) => moved(b) - moved(a))
    .slice(0, 20);
}

export type MailService = ReturnType<typeof createMailService>;
