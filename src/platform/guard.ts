/**
 * The Guard service: the organisation's policy (versions kept, one active, rollback by
 * activating an older one, every change audited), scanning text for other tools, decisions
 * recorded with masked values only — each also a core Finding so the posture counts it —, the
 * dashboard's aggregates, the admin's catalogue additions and shadow-AI reports from logs.
 *
 * Clear values never leave this process: the engine masks each finding (`GuardFinding.masked`)
 * and only that, the finding type, the action and the reasons are written.
 */
import {
  type Clock,
  type Evidence,
  type FindingInput,
  newId,
  type Role,
  type Severity,
  VigieError,
} from '../core/index.js';
import {
  type CatalogueService,
  DEFAULT_POLICY_YAML,
  DiscoveryAggregator,
  type DiscoveryReport,
  GUARD_ACTIONS,
  type GuardAction,
  type GuardPolicy,
  type GuardResult,
  guardText,
  type LogFormat,
  LogParser,
  mergeCatalogue,
  PolicyError,
  type PolicyProblem,
  Pseudonymiser,
  parsePolicy,
  reportToCsv,
  SHIPPED_SERVICES,
} from '../guard/index.js';
import type {
  GuardDecisionRecord,
  GuardDiscoveryRecord,
  GuardPolicyRecord,
  GuardStoredFinding,
  GuardStoredReason,
  Store,
} from '../store/index.js';
import { type ActionContext, actorLabel } from './actor.js';
import type { VigieConfig } from './config.js';
import type { createFindings } from './findings.js';

export interface GuardOptions {
  /** Base URL of the OpenAI-compatible service behind the proxy (`https://api.openai.com/v1`). */
  readonly upstreamUrl?: string | undefined;
  /** Its API key, sent as `Authorization: Bearer`; never shown, never logged. */
  readonly upstreamKey?: string | undefined;
  /**
   * How the key is sent: `Authorization: Bearer` (OpenAI, Mistral, vLLM, Ollama...) or an
   * `api-key` header (Azure OpenAI). Default bearer.
   */
  readonly upstreamAuth?: 'bearer' | 'api-key' | undefined;
  /** The upstream's name in the policy's `services` (default `internal-llm`). */
  readonly service?: string | undefined;
  /** How long the upstream may take to answer, or stay silent in a stream (default 120 s). */
  readonly timeoutMs?: number | undefined;
  /** Hosts the organisation trusts in links of answers. */
  readonly knownHosts?: readonly string[] | undefined;
  /** How long an instance trusts its parsed policy before asking the store whether another changed it (default 5 s). */
  readonly policyRecheckMs?: number | undefined;
}

const POLICY_RECHECK_MS = 5_000;

export function guardOptionsFrom(config: VigieConfig): GuardOptions {
  return {
    upstreamUrl: config.VIGIE_GUARD_UPSTREAM_URL,
    upstreamKey: config.VIGIE_GUARD_UPSTREAM_KEY,
    upstreamAuth: config.VIGIE_GUARD_UPSTREAM_AUTH,
    service: config.VIGIE_GUARD_SERVICE,
    timeoutMs: config.VIGIE_GUARD_UPSTREAM_TIMEOUT * 1000,
    knownHosts: (config.VIGIE_GUARD_KNOWN_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h.length > 0),
  };
}

/** Who sends the text: feeds the policy's role and department rules and the records. */
export interface GuardCaller {
  readonly userId: string | null;
  readonly username: string | null;
  readonly role: Role | null;
  readonly department: string | null;
}

export const GUARD_SHIPPED_POLICY_ID = 'shipped';

export interface GuardPolicyView {
  /** `shipped` for the policy Vigie ships with. */
  readonly id: string;
  readonly version: string;
  readonly yaml: string;
  readonly note: string | null;
  readonly author: string | null;
  readonly createdAt: string | null;
  readonly active: boolean;
  readonly shipped: boolean;
  readonly rules: number;
}

export interface GuardPolicyCheck {
  readonly valid: boolean;
  readonly version: string | null;
  readonly rules: number;
  readonly problems: readonly PolicyProblem[];
}

export interface GuardDecisionInput {
  readonly source: 'proxy' | 'api';
  readonly direction: 'request' | 'response';
  readonly caller: GuardCaller;
  readonly service: string;
  readonly model?: string | null | undefined;
  readonly result: Pick<GuardResult, 'action' | 'serviceClass' | 'findings' | 'reasons' | 'policyVersion'> & {
    readonly injection?: GuardResult['injection'];
  };
}

export interface GuardDecisionView extends Omit<GuardDecisionRecord, 'findings' | 'reasons'> {
  readonly findings: readonly GuardStoredFinding[];
  readonly reasons: readonly GuardStoredReason[];
}

/** Counts per action for one key (a finding type, a department, a service or a day). */
export type GuardActionCounts = { readonly key: string; readonly total: number } & Readonly<
  Record<GuardAction, number>
>;

export interface GuardDashboard {
  readonly since: string;
  readonly days: number;
  readonly totals: GuardActionCounts;
  readonly byType: readonly GuardActionCounts[];
  readonly byDepartment: readonly GuardActionCounts[];
  readonly byService: readonly GuardActionCounts[];
  readonly trend: readonly GuardActionCounts[];
  readonly latest: readonly GuardDecisionView[];
}

export interface GuardScanView {
  readonly action: GuardAction;
  readonly serviceClass: string;
  readonly service: string;
  readonly policyVersion: string;
  readonly findings: readonly {
    readonly type: string;
    readonly start: number;
    readonly end: number;
    readonly score: number;
    readonly action: GuardAction;
    readonly masked: string;
    readonly detector: string;
  }[];
  readonly injection: { readonly score: number; readonly detected: boolean; readonly kind: string | null };
  readonly reasons: readonly GuardStoredReason[];
  /** The text as it would be forwarded, when the policy rewrote it (tokens or marks, never clear values). */
  readonly rewritten: string | null;
  readonly replacements: readonly { readonly type: string; readonly action: string; readonly replacement: string }[];
  readonly decisionId: string | null;
}

export interface GuardCatalogueEntry extends CatalogueService {
  /** Shipped with Vigie (possibly changed by the admin). */
  readonly shipped: boolean;
  /** Added or changed by the admin. */
  readonly custom: boolean;
}

export interface GuardDiscoveryView extends GuardDiscoveryRecord {
  readonly report: DiscoveryReport;
}

/** Versions listed at most (the history is kept whole in the store). */
const MAX_VERSIONS = 200;
/** Invalid lines of an imported log named in its report (the count is always kept). */
const MAX_PROBLEMS = 20;
/** Masked values kept per decision: enough to investigate, bounded for a prompt with 10,000 e-mails. */
const MAX_STORED_FINDINGS = 200;

const SEVERITY: Record<GuardAction, Severity> = {
  allow: 'low',
  warn: 'low',
  pseudonymise: 'medium',
  redact: 'medium',
  block: 'high',
};

const ACTION_TITLE: Record<GuardAction, { fr: string; en: string }> = {
  allow: { fr: 'autorisé', en: 'allowed' },
  warn: { fr: 'signalé', en: 'flagged' },
  pseudonymise: { fr: 'pseudonymisé', en: 'pseudonymised' },
  redact: { fr: 'masqué', en: 'redacted' },
  block: { fr: 'bloqué', en: 'blocked' },
};

function emptyCounts(key: string): Record<GuardAction, number> & { key: string; total: number } {
  return { key, total: 0, allow: 0, warn: 0, pseudonymise: 0, redact: 0, block: 0 };
}

function isAction(value: string): value is GuardAction {
  return (GUARD_ACTIONS as readonly string[]).includes(value);
}

/** Rows of (key, action, count) → one entry per key with a count per action, biggest first. */
function pivot(rows: readonly { key: string; action: string; count: number }[]): GuardActionCounts[] {
  const byKey = new Map<string, ReturnType<typeof emptyCounts>>();
  for (const r of rows) {
    let entry = byKey.get(r.key);
    if (!entry) {
      entry = emptyCounts(r.key);
      byKey.set(r.key, entry);
    }
    if (isAction(r.action)) entry[r.action] += r.count;
    entry.total += r.count;
  }
  return [...byKey.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

/** Evidence codes follow the core pattern; engine codes already do, this only guards the shape. */
function evidenceCode(code: string): string {
  const safe = code
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '_')
    .slice(0, 80);
  return safe.length > 0 ? safe : 'guard.reason';
}

function policyView(record: GuardPolicyRecord | undefined, policy: GuardPolicy, active: boolean): GuardPolicyView {
  return record
    ? {
        id: record.id,
        version: record.version,
        yaml: record.yaml,
        note: record.note,
        author: record.author,
        createdAt: record.createdAt,
        active,
        shipped: false,
        rules: policy.document.rules.length,
      }
    : {
        id: GUARD_SHIPPED_POLICY_ID,
        version: policy.version,
        yaml: DEFAULT_POLICY_YAML,
        note: null,
        author: null,
        createdAt: null,
        active,
        shipped: true,
        rules: policy.document.rules.length,
      };
}

/** What the Guard service tells the rest of the platform. */
export interface GuardHooks {
  /**
   * Guard warned about or blocked an employee's prompt on its way to an AI service (Learn
   * assigns the matching module). Advisory: a failure here changes nothing of the decision.
   */
  readonly promptDecided?: (
    userId: string,
    decided: { action: 'warn' | 'block'; at: string; findingTypes: readonly string[] },
  ) => Promise<void>;
}

export function createGuardService(
  store: Store,
  clock: Clock,
  findings: ReturnType<typeof createFindings>,
  options: GuardOptions = {},
  hooks: GuardHooks = {},
) {
  const shippedPolicy = parsePolicy(DEFAULT_POLICY_YAML);
  // The active policy is parsed once and kept until a save or an activation changes it here;
  // another instance's change (same database) is seen within POLICY_RECHECK_MS.
  let active: { policy: GuardPolicy; record: GuardPolicyRecord | undefined; storedId: string | undefined } | undefined;
  let checkedAt = 0;
  const service = options.service ?? 'internal-llm';
  const recheckMs = options.policyRecheckMs ?? POLICY_RECHECK_MS;

  async function current(): Promise<{ policy: GuardPolicy; record: GuardPolicyRecord | undefined }> {
    if (active && performance.now() - checkedAt < recheckMs) return active;
    const record = await store.guard.activePolicy();
    checkedAt = performance.now();
    if (active && active.storedId === record?.id) return active;
    // A stored version was valid when saved; the engine's schema may have moved since: say so, keep working.
    let policy = shippedPolicy;
    if (record) {
      try {
        policy = parsePolicy(record.yaml);
      } catch {
        policy = shippedPolicy;
      }
    }
    active = { policy, record: policy === shippedPolicy ? undefined : record, storedId: record?.id };
    return active;
  }

  function check(yaml: string): GuardPolicyCheck {
    try {
      const policy = parsePolicy(yaml);
      return { valid: true, version: policy.version, rules: policy.document.rules.length, problems: [] };
    } catch (error) {
      if (error instanceof PolicyError) return { valid: false, version: null, rules: 0, problems: error.problems };
      throw error;
    }
  }

  /** Builds the decision record and its core Finding (when the policy did more than allow). */
  function buildDecision(
    input: GuardDecisionInput,
    at: string,
  ): { record: GuardDecisionRecord; finding?: FindingInput } {
    const { result, caller } = input;
    const stored: GuardStoredFinding[] = result.findings.slice(0, MAX_STORED_FINDINGS).map((f) => ({
      type: f.type,
      action: f.action,
      masked: f.masked,
      score: f.score,
    }));
    const reasons: GuardStoredReason[] = [
      ...result.reasons.map((r) => ({ code: r.code, fr: r.fr, en: r.en })),
      ...(result.injection?.detected
        ? result.injection.reasons.map((r) => ({ code: r.code, fr: r.fr, en: r.en }))
        : []),
    ].slice(0, 100);
    const id = newId();
    let finding: FindingInput | undefined;
    if (result.action !== 'allow') {
      const counts = new Map<string, number>();
      for (const f of result.findings) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
      const summary = [...counts].map(([t, n]) => `${n} × ${t}`).join(', ');
      const what = input.direction === 'request' ? { fr: 'Requête', en: 'Prompt' } : { fr: 'Réponse', en: 'Answer' };
      const tail = summary || (result.injection?.detected ? 'injection' : input.service);
      const evidence: Evidence[] = reasons.slice(0, 50).map((r, i) => ({
        code: evidenceCode(r.code),
        weight: i === 0 ? 1 : 0.5,
        message: { fr: r.fr.slice(0, 2000) || r.code, en: r.en.slice(0, 2000) || r.code },
        ...(i === 0
          ? {
              data: {
                decisionId: id,
                service: input.service,
                types: Object.fromEntries(counts),
                findings: stored.slice(0, 20),
              },
            }
          : {}),
      }));
      const score = Math.max(
        result.injection?.detected ? result.injection.score : 0,
        ...result.findings.map((f) => f.score),
        0,
      );
      finding = {
        module: 'guard',
        kind: `guard.${input.direction}.${result.action}`,
        severity: SEVERITY[result.action],
        score: Math.min(1, Math.max(0, score)),
        title: {
          fr: `Guard : ${what.fr} ${ACTION_TITLE[result.action].fr} (${tail})`.slice(0, 2000),
          en: `Guard: ${what.en} ${ACTION_TITLE[result.action].en} (${tail})`.slice(0, 2000),
        },
        evidence,
        entities: caller.username ? { users: [caller.username.slice(0, 256)] } : {},
        observedAt: at,
      };
    }
    const record: GuardDecisionRecord = {
      id,
      at,
      source: input.source,
      direction: input.direction,
      userId: caller.userId,
      username: caller.username,
      role: caller.role,
      department: caller.department,
      service: input.service,
      serviceClass: result.serviceClass,
      model: input.model ?? null,
      action: result.action,
      findings: stored,
      reasons,
      injectionScore: result.injection ? result.injection.score : null,
      injectionDetected: result.injection?.detected ?? false,
      policyVersion: result.policyVersion,
      findingId: null,
    };
    return { record, ...(finding ? { finding } : {}) };
  }

  /**
   * Records a decision when there is something to record (a finding or an injection): the
   * decision row, its per-type rows and its core Finding, in one transaction. Clean, allowed
   * texts are not recorded (nothing to investigate, and no trace of what people ask).
   */
  /** An employee's own prompt, warned about or blocked: a signal for their training. */
  function signalPrompt(input: GuardDecisionInput, at: string): Promise<void> {
    const { action } = input.result;
    const userId = input.caller.userId;
    if (!hooks.promptDecided || !userId || input.source !== 'proxy' || input.direction !== 'request') {
      return Promise.resolve();
    }
    if (action !== 'warn' && action !== 'block') return Promise.resolve();
    const findingTypes = [
      ...input.result.findings.map((f) => f.type),
      ...(input.result.injection?.detected ? ['injection.prompt'] : []),
    ];
    return hooks.promptDecided(userId, { action, at, findingTypes }).catch(() => undefined);
  }

  async function record(input: GuardDecisionInput): Promise<string | null> {
    if (input.result.findings.length === 0 && !input.result.injection?.detected && input.result.action === 'allow') {
      return null;
    }
    const at = clock().toISOString();
    const { record: decision, finding } = buildDecision(input, at);
    const built = finding ? findings.build(finding) : undefined;
    await store.transaction(async (tx) => {
      if (built) await tx.findings.insert(built);
      await tx.guard.insertDecision({ ...decision, findingId: built?.id ?? null });
    });
    await signalPrompt(input, at);
    return decision.id;
  }

  // Decisions the proxy records while it answers: tracked so shutdown and tests can wait for them.
  const pending = new Set<Promise<unknown>>();

  /**
   * Like `record`, without holding the caller up: the decision's id is known at once and the
   * write happens behind the answer (a failure goes to `onError`, never lost silently).
   */
  function recordLater(input: GuardDecisionInput, onError: (error: unknown) => void): string | null {
    if (input.result.findings.length === 0 && !input.result.injection?.detected && input.result.action === 'allow') {
      return null;
    }
    const at = clock().toISOString();
    const { record: decision, finding } = buildDecision(input, at);
    let built: ReturnType<typeof findings.build> | undefined;
    try {
      built = finding ? findings.build(finding) : undefined;
    } catch (error) {
      onError(error);
      return null;
    }
    const write = store
      .transaction(async (tx) => {
        if (built) await tx.findings.insert(built);
        await tx.guard.insertDecision({ ...decision, findingId: built?.id ?? null });
      })
      .then(() => signalPrompt(input, at))
      .catch(onError)
      .finally(() => pending.delete(write));
    pending.add(write);
    return decision.id;
  }

  async function catalogueEntries(): Promise<{ entries: GuardCatalogueEntry[]; custom: Set<string> }> {
    const stored = await store.guard.catalogue();
    const custom = new Set(stored.map((s) => s.id));
    const shipped = new Set(SHIPPED_SERVICES.map((s) => s.id));
    let merged: readonly CatalogueService[];
    try {
      merged = mergeCatalogue({ services: stored.map((s) => s.definition) }).services;
    } catch {
      // An entry stored under an older schema must not take discovery down: shipped list only.
      merged = SHIPPED_SERVICES;
    }
    return {
      entries: merged.map((s) => ({ ...s, shipped: shipped.has(s.id), custom: custom.has(s.id) })),
      custom,
    };
  }

  return {
    /** The upstream's name in the policy, the proxy's configuration (without the key). */
    service,
    options,

    /** The policy decisions are taken with. */
    policy: async (): Promise<GuardPolicy> => (await current()).policy,

    async activePolicy(): Promise<GuardPolicyView> {
      const { policy, record } = await current();
      return policyView(record, policy, true);
    },

    /** Every stored version, newest first, then the shipped policy. */
    async policyVersions(): Promise<GuardPolicyView[]> {
      const records = await store.guard.policies(MAX_VERSIONS);
      const { record: activeRecord } = await current();
      const views = records.map((r) => {
        const c = check(r.yaml);
        return {
          ...policyView(r, shippedPolicy, activeRecord?.id === r.id),
          rules: c.rules,
        };
      });
      return [...views, policyView(undefined, shippedPolicy, activeRecord === undefined)];
    },

    checkPolicy: check,

    /** Validates, stores as a new version and activates it; problems carry their YAML line. */
    async savePolicy(yaml: string, note: string | null, context: ActionContext): Promise<GuardPolicyView> {
      const result = check(yaml);
      if (!result.valid) {
        const first = result.problems[0];
        throw new VigieError(
          'VIGIE_ERR_VALIDATION',
          `Invalid policy: ${first ? `line ${first.line}${first.path ? ` (${first.path})` : ''}: ${first.message}` : 'unreadable'}`,
          { problems: result.problems },
        );
      }
      const policy = parsePolicy(yaml);
      const previous = (await current()).policy.version;
      const at = clock().toISOString();
      const actor = actorLabel(context.actor);
      const record: GuardPolicyRecord = {
        id: newId(),
        version: policy.version,
        yaml,
        note,
        author: actor,
        createdAt: at,
        active: true,
      };
      await store.transaction(async (tx) => {
        await tx.guard.insertPolicy({ ...record, active: false });
        await tx.guard.activatePolicy(record.id);
        await tx.audit.append({
          at,
          actor,
          action: 'guard.policy.update',
          target: record.id,
          requestId: context.requestId,
          details: { version: policy.version, previous, rules: policy.document.rules.length, note },
        });
      });
      active = { policy, record, storedId: record.id };
      checkedAt = performance.now();
      return policyView(record, policy, true);
    },

    /** Rollback: makes an earlier version (or the shipped policy, id `shipped`) active again. */
    async activatePolicy(id: string, context: ActionContext): Promise<GuardPolicyView> {
      let record: GuardPolicyRecord | undefined;
      let policy = shippedPolicy;
      if (id !== GUARD_SHIPPED_POLICY_ID) {
        record = await store.guard.policy(id);
        if (!record) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such policy version');
        try {
          policy = parsePolicy(record.yaml);
        } catch (error) {
          if (error instanceof PolicyError) {
            throw new VigieError('VIGIE_ERR_CONFLICT', `This version no longer validates: ${error.message}`, {
              problems: error.problems,
            });
          }
          throw error;
        }
      }
      const previous = (await current()).policy.version;
      const at = clock().toISOString();
      await store.transaction(async (tx) => {
        await tx.guard.activatePolicy(record ? record.id : null);
        await tx.audit.append({
          at,
          actor: actorLabel(context.actor),
          action: 'guard.policy.activate',
          target: record ? record.id : GUARD_SHIPPED_POLICY_ID,
          requestId: context.requestId,
          details: { version: policy.version, previous },
        });
      });
      active = { policy, record, storedId: record?.id };
      checkedAt = performance.now();
      return policyView(record, policy, true);
    },

    record,
    recordLater,

    /** Resolves when every decision recorded behind an answer is written. */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    /** Scans a text for another tool (or the "try a prompt" box) and records what it found. */
    async scan(
      text: string,
      input: { mode?: 'prompt' | 'document' | undefined; service?: string | undefined },
      caller: GuardCaller,
    ): Promise<GuardScanView> {
      const { policy } = await current();
      const target = input.service ?? service;
      const result = guardText(text, {
        policy,
        context: {
          service: target,
          mode: input.mode ?? 'prompt',
          ...(caller.role ? { role: caller.role } : {}),
          ...(caller.department ? { department: caller.department } : {}),
        },
        pseudonymiser: new Pseudonymiser(),
      });
      const decisionId = await record({ source: 'api', direction: 'request', caller, service: target, result });
      return {
        action: result.action,
        serviceClass: result.serviceClass,
        service: target,
        policyVersion: result.policyVersion,
        findings: result.findings.map((f) => ({
          type: f.type,
          start: f.start,
          end: f.end,
          score: f.score,
          action: f.action,
          masked: f.masked,
          detector: f.detector,
        })),
        injection: result.injection
          ? { score: result.injection.score, detected: result.injection.detected, kind: result.injection.kind ?? null }
          : { score: 0, detected: false, kind: null },
        reasons: [...result.reasons, ...(result.injection?.detected ? result.injection.reasons : [])].map((r) => ({
          code: r.code,
          fr: r.fr,
          en: r.en,
        })),
        rewritten: result.replacements.length > 0 && result.text !== undefined ? result.text : null,
        replacements: result.replacements.map((r) => ({ type: r.type, action: r.action, replacement: r.replacement })),
        decisionId,
      };
    },

    async decisions(query: {
      limit: number;
      before?: string | undefined;
      action?: GuardAction | undefined;
    }): Promise<GuardDecisionView[]> {
      const before = query.before ? await store.guard.decision(query.before) : undefined;
      if (query.before && !before) throw new VigieError('VIGIE_ERR_VALIDATION', 'Unknown paging cursor');
      return store.guard.decisions({
        limit: query.limit,
        action: query.action,
        before: before ? { at: before.at, id: before.id } : undefined,
      });
    },

    async dashboard(days: number): Promise<GuardDashboard> {
      const now = clock();
      const start = new Date(now.getTime() - (days - 1) * 86_400_000);
      const since = `${start.toISOString().slice(0, 10)}T00:00:00.000Z`;
      const [rows, latest] = await Promise.all([store.guard.dashboard(since), store.guard.decisions({ limit: 10 })]);
      const totals = pivot(rows.byAction.map((r) => ({ ...r, key: 'all' })))[0] ?? emptyCounts('all');
      // Every day of the window, empty ones included, so the chart's axis is time.
      const perDay = new Map(pivot(rows.byDay).map((d) => [d.key, d]));
      const trend: GuardActionCounts[] = [];
      for (let i = 0; i < days; i++) {
        const day = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
        trend.push(perDay.get(day) ?? emptyCounts(day));
      }
      return {
        since,
        days,
        totals,
        byType: pivot(rows.byType),
        byDepartment: pivot(rows.byDepartment.map((r) => ({ ...r, key: r.key || '(none)' }))),
        byService: pivot(rows.byService),
        trend,
        latest,
      };
    },

    async catalogue(): Promise<GuardCatalogueEntry[]> {
      return (await catalogueEntries()).entries;
    },

    /**
     * Adds a service, or changes a shipped one (e.g. marks it sanctioned); domains given are
     * added to the shipped ones. Validated by merging with the catalogue before it is stored.
     */
    async setCatalogueService(id: string, definition: Record<string, unknown>, context: ActionContext) {
      const stored = await store.guard.catalogue();
      const entry = { ...definition, id };
      try {
        mergeCatalogue({ services: [...stored.filter((s) => s.id !== id).map((s) => s.definition), entry] });
      } catch (error) {
        const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
        const message = issues
          ? issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : error instanceof Error
            ? error.message
            : String(error);
        throw new VigieError('VIGIE_ERR_VALIDATION', `Invalid catalogue service: ${message}`);
      }
      const at = clock().toISOString();
      const actor = actorLabel(context.actor);
      await store.transaction(async (tx) => {
        await tx.guard.setCatalogueEntry({ id, definition: entry, updatedAt: at, updatedBy: actor });
        await tx.audit.append({
          at,
          actor,
          action: 'guard.catalogue.set',
          target: id,
          requestId: context.requestId,
          details: { fields: Object.keys(definition).sort() },
        });
      });
      const merged = await catalogueEntries();
      const found = merged.entries.find((s) => s.id === id);
      if (!found) throw new VigieError('VIGIE_ERR_INTERNAL');
      return found;
    },

    /** Drops the admin's entry: an added service disappears, a changed shipped one is as shipped again. */
    async removeCatalogueService(id: string, context: ActionContext): Promise<void> {
      const at = clock().toISOString();
      await store.transaction(async (tx) => {
        if (!(await tx.guard.deleteCatalogueEntry(id))) {
          throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No catalogue entry of this organisation with this id');
        }
        await tx.audit.append({
          at,
          actor: actorLabel(context.actor),
          action: 'guard.catalogue.remove',
          target: id,
          requestId: context.requestId,
        });
      });
    },

    /**
     * Reads a proxy or DNS log, matches it against the catalogue, aggregates per user and
     * department (departments from Vigie's accounts, by user name) and stores the report.
     * Unreadable lines are counted and the first ones named, never dropped silently.
     */
    async importDiscovery(
      text: string,
      input: { filename: string; format: LogFormat; year?: number | undefined },
      context: ActionContext,
    ): Promise<GuardDiscoveryView> {
      const catalogue = mergeCatalogue({ services: (await store.guard.catalogue()).map((s) => s.definition) });
      const users = await store.users.list();
      const departments = new Map<string, string>();
      for (const u of users) if (u.department) departments.set(u.username, u.department);
      const aggregator = new DiscoveryAggregator(catalogue, (key) => departments.get(key));
      const parser = new LogParser({ format: input.format, year: input.year ?? clock().getUTCFullYear() });
      const problems: { line: number; reason: string }[] = [];
      let lines = 0;
      let invalid = 0;
      let records = 0;
      let from = 0;
      while (from <= text.length) {
        const nl = text.indexOf('\n', from);
        const end = nl < 0 ? text.length : nl;
        const line = text.slice(from, end);
        from = end + 1;
        if (nl < 0 && line.length === 0) break;
        lines++;
        const result = parser.line(line);
        if (result.kind === 'record') {
          records++;
          aggregator.add(result.record);
        } else if (result.kind === 'invalid') {
          invalid++;
          if (problems.length < MAX_PROBLEMS) problems.push({ line: lines, reason: result.reason });
        }
      }
      if (records === 0 && invalid > 0) {
        throw new VigieError(
          'VIGIE_ERR_VALIDATION',
          `No line of this file could be read as a ${input.format === 'auto' ? 'known' : input.format} log (${invalid} invalid)`,
          { problems },
        );
      }
      const report = aggregator.report();
      const at = clock().toISOString();
      const actor = actorLabel(context.actor);
      const record: GuardDiscoveryRecord = {
        id: newId(),
        createdAt: at,
        createdBy: actor,
        filename: input.filename,
        format: input.format,
        lines,
        records,
        matched: report.totals.matched,
        invalid,
        unsanctioned: report.totals.unsanctionedRequests,
        problems,
      };
      await store.transaction(async (tx) => {
        await tx.guard.insertDiscovery(record, report);
        await tx.audit.append({
          at,
          actor,
          action: 'guard.discovery.import',
          target: record.id,
          requestId: context.requestId,
          details: {
            filename: input.filename,
            format: input.format,
            lines,
            records,
            matched: report.totals.matched,
            invalid,
            users: report.users.length,
          },
        });
      });
      return { ...record, report };
    },

    discoveries: () => store.guard.discoveries(MAX_VERSIONS),

    async discovery(id: string): Promise<GuardDiscoveryView> {
      const found = await store.guard.discovery(id);
      if (!found) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such discovery report');
      return { ...found.record, report: found.report as DiscoveryReport };
    },

    async discoveryCsv(id: string): Promise<string> {
      const found = await store.guard.discovery(id);
      if (!found) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such discovery report');
      return reportToCsv(found.report as DiscoveryReport);
    },
  };
}

export type GuardService = ReturnType<typeof createGuardService>;
