/**
 * The Guard policy: YAML validated with zod (errors carry the line), versioned by a digest of
 * its content, and `decide`, which turns a scan (findings + injection verdict) into one action
 * for a destination service and a caller, every step explained in French and English.
 */
import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';

/** From the most lenient to the strictest: the order in which "the strictest wins". */
export const GUARD_ACTIONS = ['allow', 'warn', 'pseudonymise', 'redact', 'block'] as const;
export type GuardAction = (typeof GUARD_ACTIONS)[number];

/**
 * Where the text goes. `sanctioned`: approved by the organisation (contract, DPA); `eu_hosted`:
 * processed in the EU but not approved; `blocked`: never; `unknown`: not in the policy.
 */
export const SERVICE_CLASSES = ['sanctioned', 'eu_hosted', 'blocked', 'unknown'] as const;
export type ServiceClass = (typeof SERVICE_CLASSES)[number];

export function actionRank(action: GuardAction): number {
  return GUARD_ACTIONS.indexOf(action);
}

export function stricter(a: GuardAction, b: GuardAction): GuardAction {
  return actionRank(b) > actionRank(a) ? b : a;
}

const action = z.enum(GUARD_ACTIONS);
const nameList = z.array(z.string().min(1).max(100)).min(1).max(200);
/** `pii.email`, `secret.*`, `pii.*`, `*`: a type or a namespace followed by `.*`. */
const typePattern = z
  .string()
  .regex(/^(?:\*|[a-z0-9_-]{1,40}(?:\.(?:\*|[a-z0-9_-]{1,60}))?)$/, 'a finding type such as pii.email, secret.* or *');

const ruleSchema = z
  .object({
    /** Free text shown in reasons. */
    name: z.string().max(200).optional(),
    types: z.array(typePattern).min(1).max(200),
    /** The rule applies only to these services (by name), classes, roles or departments. */
    services: nameList.optional(),
    serviceClasses: z.array(z.enum(SERVICE_CLASSES)).min(1).optional(),
    roles: nameList.optional(),
    departments: nameList.optional(),
    /** Findings scored under this are not matched by the rule. */
    minScore: z.number().min(0).max(1).optional(),
    action,
  })
  .strict();

const injectionSchema = z
  .object({
    /** Score at or above which a text counts as an injection; absent: the model's own threshold. */
    threshold: z.number().min(0).max(1).optional(),
    /** For prompts typed by the caller. */
    action: action.default('block'),
    /** For documents handed to the model (indirect injection). */
    documentAction: action.default('warn'),
  })
  .strict();

export const policySchema = z
  .object({
    version: z.literal(1),
    name: z.string().max(200).optional(),
    /** Destination services by name (the proxy's upstream name, or a catalogue service id). */
    services: z
      .record(
        z.string().min(1).max(100),
        z.object({ class: z.enum(SERVICE_CLASSES), label: z.string().max(200).optional() }).strict(),
      )
      .default({}),
    /** Class of a service the policy does not name. */
    unknownServiceClass: z.enum(SERVICE_CLASSES).default('unknown'),
    /** Rules, first match wins for each finding (like a firewall): put exceptions first. */
    rules: z.array(ruleSchema).max(500).default([]),
    /** Action for a finding no rule matches. */
    fallback: action.default('warn'),
    injection: injectionSchema.default({ action: 'block', documentAction: 'warn' }),
    /** Action when the text was longer than the scan limit (its tail was not scanned). */
    truncated: action.default('warn'),
  })
  .strict();

export type PolicyRule = z.output<typeof ruleSchema>;
export type PolicyDocument = z.output<typeof policySchema>;

/** A validated policy, ready to decide with. */
export interface GuardPolicy {
  readonly document: PolicyDocument;
  /** `sha256:<hex>` of the canonical JSON of the validated document: comments and layout do not change it. */
  readonly version: string;
  /** YAML line of each rule (1-based), for reasons; 0 when built from an object. */
  readonly ruleLines: readonly number[];
  /** Rules compiled once: type patterns as exact names and namespace prefixes. */
  readonly compiled: readonly CompiledRule[];
}

interface CompiledRule {
  readonly index: number;
  readonly rule: PolicyRule;
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
  readonly any: boolean;
  readonly services?: ReadonlySet<string>;
  readonly classes?: ReadonlySet<ServiceClass>;
  readonly roles?: ReadonlySet<string>;
  readonly departments?: ReadonlySet<string>;
}

export interface PolicyProblem {
  readonly line: number;
  readonly path: string;
  readonly message: string;
}

/** Thrown by `parsePolicy`: every problem found, each with its YAML line. */
export class PolicyError extends Error {
  constructor(readonly problems: readonly PolicyProblem[]) {
    super(problems.map((p) => `line ${p.line}${p.path ? ` (${p.path})` : ''}: ${p.message}`).join('; '));
    this.name = 'PolicyError';
  }
}

const MAX_POLICY_CHARS = 1_000_000;

/** Line of the node at `path`, or of the deepest node on the way that exists. */
function lineAt(root: Node | null | undefined, path: readonly PropertyKey[], counter: LineCounter): number {
  let node: unknown = root;
  let line = root?.range ? counter.linePos(root.range[0]).line : 1;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) line = counter.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      const range = (node as { range?: number[] } | undefined)?.range;
      if (range) line = counter.linePos(range[0] ?? 0).line;
    } else break;
  }
  return line;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Builds a policy from an already-parsed object (JSON from the API, a test). Throws `PolicyError`. */
export function policyFromObject(value: unknown, ruleLines: readonly number[] = []): GuardPolicy {
  const parsed = policySchema.safeParse(value);
  if (!parsed.success) {
    throw new PolicyError(parsed.error.issues.map((i) => ({ line: 0, path: i.path.join('.'), message: i.message })));
  }
  return compile(parsed.data, ruleLines);
}

function compile(document: PolicyDocument, ruleLines: readonly number[]): GuardPolicy {
  const compiled = document.rules.map((rule, index): CompiledRule => {
    const exact = new Set<string>();
    const prefixes: string[] = [];
    let any = false;
    for (const t of rule.types) {
      if (t === '*') any = true;
      else if (t.endsWith('.*')) prefixes.push(t.slice(0, -1));
      else exact.add(t);
    }
    return {
      index,
      rule,
      exact,
      prefixes,
      any,
      ...(rule.services ? { services: new Set(rule.services) } : {}),
      ...(rule.serviceClasses ? { classes: new Set(rule.serviceClasses) } : {}),
      ...(rule.roles ? { roles: new Set(rule.roles) } : {}),
      ...(rule.departments ? { departments: new Set(rule.departments) } : {}),
    };
  });
  const version = `sha256:${createHash('sha256')
    .update(JSON.stringify(canonical(document)))
    .digest('hex')}`;
  return { document, version, ruleLines: document.rules.map((_, i) => ruleLines[i] ?? 0), compiled };
}

/** Parses and validates a YAML policy. Throws `PolicyError` listing every problem with its line. */
export function parsePolicy(text: string): GuardPolicy {
  if (text.length > MAX_POLICY_CHARS) {
    throw new PolicyError([{ line: 1, path: '', message: `policy larger than ${MAX_POLICY_CHARS} characters` }]);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? 1, path: '', message: e.message.split('\n')[0] ?? '' })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new PolicyError([{ line: 1, path: '', message: error instanceof Error ? error.message : String(error) }]);
  }
  const parsed = policySchema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new PolicyError(
      parsed.error.issues.map((i) => ({
        line: lineAt(doc.contents, i.path, counter),
        path: i.path.join('.'),
        message: i.message,
      })),
    );
  }
  const lines = parsed.data.rules.map((_, i) => lineAt(doc.contents, ['rules', i], counter));
  return compile(parsed.data, lines);
}

/** Who sends the text, and where to. */
export interface DecisionContext {
  /** Destination service name (as in the policy's `services`). */
  readonly service?: string;
  readonly role?: string;
  readonly department?: string;
  /** `document`: the text is data handed to the model (indirect injection rules apply). */
  readonly mode?: 'prompt' | 'document';
}

/** What `decide` needs of a finding. */
export interface DecisionFinding {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly score: number;
}

/** What `decide` needs of an injection verdict. */
export interface DecisionInjection {
  readonly score: number;
  readonly detected: boolean;
}

export interface DecisionReason {
  readonly code: string;
  readonly fr: string;
  readonly en: string;
}

export interface FindingDecision extends DecisionFinding {
  readonly action: GuardAction;
  /** Index of the rule that matched (0-based) and its YAML line; absent when the fallback applied. */
  readonly rule?: { readonly index: number; readonly line: number; readonly name?: string };
}

export interface Decision {
  readonly action: GuardAction;
  readonly serviceClass: ServiceClass;
  readonly perFinding: readonly FindingDecision[];
  readonly reasons: readonly DecisionReason[];
  readonly policyVersion: string;
}

const ACTION_TEXT: Record<GuardAction, { fr: string; en: string }> = {
  allow: { fr: 'autoriser', en: 'allow' },
  warn: { fr: 'avertir', en: 'warn' },
  pseudonymise: { fr: 'pseudonymiser', en: 'pseudonymise' },
  redact: { fr: 'masquer', en: 'redact' },
  block: { fr: 'bloquer', en: 'block' },
};

/** "to a … service", in both languages. */
const CLASS_TEXT: Record<ServiceClass, { fr: string; en: string }> = {
  sanctioned: { fr: 'vers un service approuvé', en: 'to a sanctioned service' },
  eu_hosted: { fr: 'vers un service hébergé dans l’UE', en: 'to an EU-hosted service' },
  blocked: { fr: 'vers un service interdit', en: 'to a blocked service' },
  unknown: { fr: 'vers un service inconnu', en: 'to an unknown service' },
};

export function serviceClassOf(policy: GuardPolicy, service: string | undefined): ServiceClass {
  if (service !== undefined && Object.hasOwn(policy.document.services, service)) {
    return policy.document.services[service]?.class ?? policy.document.unknownServiceClass;
  }
  return policy.document.unknownServiceClass;
}

/** Whether a rule already known to apply to the context matches this finding. */
function ruleMatches(r: CompiledRule, f: DecisionFinding): boolean {
  if (r.rule.minScore !== undefined && f.score < r.rule.minScore) return false;
  if (r.any || r.exact.has(f.type)) return true;
  for (const p of r.prefixes) if (f.type.startsWith(p)) return true;
  return false;
}

/** Rules that cannot match this context are dropped once per decision, not once per finding. */
function applicable(policy: GuardPolicy, ctx: DecisionContext, cls: ServiceClass): CompiledRule[] {
  return policy.compiled.filter(
    (r) =>
      (!r.services || (ctx.service !== undefined && r.services.has(ctx.service))) &&
      (!r.classes || r.classes.has(cls)) &&
      (!r.roles || (ctx.role !== undefined && r.roles.has(ctx.role))) &&
      (!r.departments || (ctx.department !== undefined && r.departments.has(ctx.department))),
  );
}

/**
 * Decides what to do with a text: for each finding, the first rule that matches it (or the
 * fallback); a blocked service, an injection and a truncated scan add their own action; the
 * strictest of all wins, and the reasons say which one and why.
 */
export function decide(
  policy: GuardPolicy,
  context: DecisionContext,
  scan: { readonly spans: readonly DecisionFinding[]; readonly truncated?: unknown },
  injection?: DecisionInjection,
): Decision {
  const doc = policy.document;
  const cls = serviceClassOf(policy, context.service);
  const rules = applicable(policy, context, cls);
  const reasons: DecisionReason[] = [];
  let final: GuardAction = 'allow';
  const serviceName = context.service ?? '?';

  if (cls === 'blocked') {
    final = 'block';
    reasons.push({
      code: 'guard.service.blocked',
      fr: `Le service « ${serviceName} » est interdit par la politique.`,
      en: `The service "${serviceName}" is blocked by the policy.`,
    });
  }

  const perFinding: FindingDecision[] = [];
  // Per (type, action, rule) group, so a text with 200 e-mail addresses gives one reason.
  const groups = new Map<
    string,
    { type: string; action: GuardAction; count: number; rule?: FindingDecision['rule'] }
  >();
  for (const f of scan.spans) {
    const rule = rules.find((r) => ruleMatches(r, f));
    const act = rule ? rule.rule.action : doc.fallback;
    const ref = rule
      ? {
          index: rule.index,
          line: policy.ruleLines[rule.index] ?? 0,
          ...(rule.rule.name ? { name: rule.rule.name } : {}),
        }
      : undefined;
    perFinding.push({
      type: f.type,
      start: f.start,
      end: f.end,
      score: f.score,
      action: act,
      ...(ref ? { rule: ref } : {}),
    });
    final = stricter(final, act);
    const key = `${f.type}\u0000${act}\u0000${ref?.index ?? -1}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { type: f.type, action: act, count: 1, ...(ref ? { rule: ref } : {}) });
  }
  for (const g of groups.values()) {
    if (g.action === 'allow') continue;
    const where = g.rule
      ? {
          fr: `règle ${g.rule.index + 1}${g.rule.line ? ` (ligne ${g.rule.line})` : ''}${g.rule.name ? ` « ${g.rule.name} »` : ''}`,
          en: `rule ${g.rule.index + 1}${g.rule.line ? ` (line ${g.rule.line})` : ''}${g.rule.name ? ` "${g.rule.name}"` : ''}`,
        }
      : { fr: 'action par défaut', en: 'fallback action' };
    reasons.push({
      code: `guard.finding.${g.action}`,
      fr: `${g.count} × ${g.type} ${CLASS_TEXT[cls].fr} : ${ACTION_TEXT[g.action].fr} (${where.fr}).`,
      en: `${g.count} × ${g.type} ${CLASS_TEXT[cls].en}: ${ACTION_TEXT[g.action].en} (${where.en}).`,
    });
  }

  if (injection) {
    const threshold = doc.injection.threshold;
    const detected = threshold !== undefined ? injection.score >= threshold : injection.detected;
    if (detected) {
      const act = context.mode === 'document' ? doc.injection.documentAction : doc.injection.action;
      final = stricter(final, act);
      const score = injection.score.toFixed(2);
      reasons.push(
        context.mode === 'document'
          ? {
              code: `guard.injection.indirect.${act}`,
              fr: `Injection indirecte probable dans un document (score ${score}) : ${ACTION_TEXT[act].fr}.`,
              en: `Likely indirect injection in a document (score ${score}): ${ACTION_TEXT[act].en}.`,
            }
          : {
              code: `guard.injection.${act}`,
              fr: `Injection de prompt probable (score ${score}) : ${ACTION_TEXT[act].fr}.`,
              en: `Likely prompt injection (score ${score}): ${ACTION_TEXT[act].en}.`,
            },
      );
    }
  }

  if (scan.truncated) {
    final = stricter(final, doc.truncated);
    reasons.push({
      code: `guard.truncated.${doc.truncated}`,
      fr: `Texte trop long : la fin n’a pas été analysée (${ACTION_TEXT[doc.truncated].fr}).`,
      en: `Text too long: its end was not scanned (${ACTION_TEXT[doc.truncated].en}).`,
    });
  }

  const contributing = reasons.length;
  reasons.unshift(
    contributing === 0
      ? {
          code: 'guard.decision.allow',
          fr: 'Rien à signaler : texte autorisé.',
          en: 'Nothing to report: text allowed.',
        }
      : {
          code: `guard.decision.${final}`,
          fr: `Décision : ${ACTION_TEXT[final].fr} — l’action la plus stricte parmi ${contributing} motif(s).`,
          en: `Decision: ${ACTION_TEXT[final].en} — the strictest action among ${contributing} reason(s).`,
        },
  );
  return { action: final, serviceClass: cls, perFinding, reasons, policyVersion: policy.version };
}
