/**
 * The Guard proxy's work apart from HTTP: the policy applied to a chat request's messages
 * (block, or rewrite them with redactions and a conversation's pseudonyms), the call to the
 * OpenAI-compatible upstream (time-out, client abort, bounded reads, errors mapped to catalog
 * codes), and the answer scanned and its pseudonyms restored — whole, or chunk by chunk in a
 * server-sent-events stream where a token may be split across chunks.
 */
import { type ErrorCode, VigieError } from '../core/index.js';
import {
  applyActions,
  type DecisionContext,
  type GuardAction,
  type GuardFinding,
  type GuardInjection,
  type GuardOutputResult,
  type GuardPolicy,
  guardOutput,
  guardText,
  Pseudonymiser,
  type ServiceClass,
  StreamRestorer,
  stricter,
} from '../guard/index.js';
import type { GuardStoredReason } from '../store/index.js';
import type { GuardCaller, GuardDecisionInput, GuardService } from './guard.js';

/** An upstream answer read at most (non-streamed), and the SSE bytes held while waiting for an event's end. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const MAX_PENDING_EVENT = 4 * 1024 * 1024;
/** Answer text kept per choice for the output scan of a stream (the engine scans a bounded prefix anyway). */
const MAX_SCANNED_ANSWER = 1_000_000;
/** Error bodies of the upstream read at most, to quote its message. */
const MAX_ERROR_BYTES = 64 * 1024;

export interface ChatMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly [key: string]: unknown;
}

export interface ChatRequest {
  readonly model?: string | undefined;
  readonly messages: readonly ChatMessage[];
  readonly stream?: boolean | null | undefined;
  readonly [key: string]: unknown;
}

/** What the policy made of a request: forward `body`, or refuse with the reasons. */
export interface ProxyPlan {
  readonly action: GuardAction;
  readonly blocked: boolean;
  readonly body: Record<string, unknown>;
  readonly pseudonymiser: Pseudonymiser;
  readonly policy: GuardPolicy;
  readonly context: DecisionContext;
  readonly systemPrompt: string | undefined;
  readonly result: GuardDecisionInput['result'];
  readonly findings: readonly GuardFinding[];
}

/** The proxy's own error: a catalog code (its HTTP status) and what OpenAI clients read. */
export function proxyError(code: ErrorCode, message: string, details?: Record<string, unknown>): VigieError {
  return new VigieError(code, message, details);
}

/** Thrown when the caller went away: nothing is answered (no one to answer). */
export class ClientGone extends Error {
  constructor() {
    super('client closed the connection');
    this.name = 'ClientGone';
  }
}

const ACTION_TEXT: Record<GuardAction, { fr: string; en: string }> = {
  allow: { fr: 'autoriser', en: 'allow' },
  warn: { fr: 'avertir', en: 'warn' },
  pseudonymise: { fr: 'pseudonymiser', en: 'pseudonymise' },
  redact: { fr: 'masquer', en: 'redact' },
  block: { fr: 'bloquer', en: 'block' },
};

/** Fields of a message that are structure, not text for the model. */
const STRUCTURAL_KEYS = new Set(['role', 'type', 'id', 'tool_call_id', 'detail', 'format']);
/** Inline media as base64: not text the engine can read. */
const BASE64_KEYS = new Set(['data', 'file_data']);
const MAX_MESSAGE_DEPTH = 32;

/** The text of a content (a string, or its text parts). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
        ? (part as { text: string }).text
        : '',
    )
    .filter((t) => t.length > 0)
    .join('\n');
}

/** How a message's text is read: typed by the user, written by the operator, or data handed to the model. */
function modeOf(role: string): { mode: 'prompt' | 'document'; injection: boolean } {
  if (role === 'user') return { mode: 'prompt', injection: true };
  if (role === 'system' || role === 'developer') return { mode: 'prompt', injection: false };
  return { mode: 'document', injection: true };
}

/**
 * Applies the policy to every text of the conversation with one pseudonymiser (the same value
 * gets the same token in every message), and combines the decisions: the strictest wins.
 */
export function planChat(
  request: ChatRequest,
  policy: GuardPolicy,
  baseContext: DecisionContext,
): Omit<ProxyPlan, 'policy'> & { policy: GuardPolicy } {
  const pseudonymiser = new Pseudonymiser();
  // Widened on purpose: the closure below makes it stricter, which the compiler cannot see.
  let action = 'allow' as GuardAction;
  let serviceClass: ServiceClass | undefined;
  const findings: GuardFinding[] = [];
  const reasons: GuardStoredReason[] = [];
  const seen = new Set<string>();
  let injection: GuardInjection | undefined;
  let systemPrompt: string | undefined;

  const scan = (text: string, role: string): string | undefined => {
    const how = modeOf(role);
    const result = guardText(text, {
      policy,
      context: { ...baseContext, mode: how.mode },
      injection: how.injection,
      pseudonymiser,
    });
    serviceClass ??= result.serviceClass;
    action = stricter(action, result.action);
    findings.push(...result.findings);
    // The first reason is the message's own headline; the combined one is written below.
    for (const r of result.reasons.slice(1)) {
      const key = `${r.code}\u0000${r.en}`;
      if (!seen.has(key)) {
        seen.add(key);
        reasons.push({ code: r.code, fr: r.fr, en: r.en });
      }
    }
    if (result.injection?.detected && (!injection || result.injection.score > injection.score)) {
      injection = result.injection;
    }
    return result.text;
  };

  // Every string a message carries reaches the model: content and its parts of any type,
  // `name`, tool and function call arguments, image URLs. Only structural fields and inline
  // media (`data:` URLs, base64 payloads, which cannot be read as text) are left as they are.
  const walk = (value: unknown, role: string, depth: number): unknown => {
    if (typeof value === 'string') return scan(value, role) ?? value;
    if (!value || typeof value !== 'object') return value;
    if (depth > MAX_MESSAGE_DEPTH) {
      throw proxyError('VIGIE_ERR_VALIDATION', `A message is nested deeper than ${MAX_MESSAGE_DEPTH} levels.`);
    }
    let changed = false;
    if (Array.isArray(value)) {
      const out = value.map((item: unknown) => {
        const next = walk(item, role, depth + 1);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? out : value;
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const opaque =
        STRUCTURAL_KEYS.has(key) || (typeof item === 'string' && (BASE64_KEYS.has(key) || item.startsWith('data:')));
      const next = opaque ? item : walk(item, role, depth + 1);
      if (next !== item) changed = true;
      out[key] = next;
    }
    return changed ? out : value;
  };

  const messages = request.messages.map((message) => {
    const role = typeof message.role === 'string' ? message.role : 'user';
    if (role === 'system' || role === 'developer') {
      const text = textOf(message.content);
      if (text) systemPrompt = systemPrompt ? `${systemPrompt}\n${text}` : text;
    }
    return walk(message, role, 0) as ChatMessage;
  });
  // Predicted outputs are text the model reads too.
  const prediction = request.prediction === undefined ? undefined : walk(request.prediction, 'user', 0);

  const finalAction = action;
  const headline: GuardStoredReason =
    reasons.length === 0
      ? {
          code: 'guard.decision.allow',
          fr: 'Rien à signaler : texte autorisé.',
          en: 'Nothing to report: text allowed.',
        }
      : {
          code: `guard.decision.${finalAction}`,
          fr: `Décision : ${ACTION_TEXT[finalAction].fr} — l’action la plus stricte parmi ${reasons.length} motif(s).`,
          en: `Decision: ${ACTION_TEXT[finalAction].en} — the strictest action among ${reasons.length} reason(s).`,
        };
  return {
    action: finalAction,
    blocked: finalAction === 'block',
    body: { ...request, messages, ...(prediction === undefined ? {} : { prediction }) },
    pseudonymiser,
    policy,
    context: baseContext,
    systemPrompt,
    findings,
    result: {
      action: finalAction,
      serviceClass: serviceClass ?? 'unknown',
      findings,
      reasons: [headline, ...reasons],
      policyVersion: policy.version,
      ...(injection ? { injection } : {}),
    },
  };
}

/** One upstream call: linked to the client's connection, with a time-out re-armed by each chunk read. */
export class UpstreamCall {
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;
  #clientGone = false;

  constructor(
    readonly timeoutMs: number,
    client?: AbortSignal,
  ) {
    if (client) {
      if (client.aborted) this.cancel();
      else client.addEventListener('abort', () => this.cancel(), { once: true });
    }
    this.touch();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The upstream showed life: the time-out starts again. */
  touch(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort();
    }, this.timeoutMs);
  }

  /** The client went away: the upstream request is aborted too. */
  cancel(): void {
    this.#clientGone = true;
    this.done();
    this.#controller.abort();
  }

  /** The proxy itself ends the call (the policy cut the answer): not a failure, not the client. */
  abort(): void {
    this.done();
    this.#controller.abort();
  }

  done(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Any failure of fetch or of a read, as the error the caller gets. */
  failure(error: unknown): Error {
    this.done();
    if (error instanceof VigieError || error instanceof ClientGone) return error;
    if (this.#clientGone) return new ClientGone();
    if (this.#timedOut) {
      return proxyError(
        'VIGIE_ERR_UPSTREAM_TIMEOUT',
        `The AI service did not answer within ${Math.round(this.timeoutMs / 100) / 10} s.`,
      );
    }
    // The cause (`connect ECONNREFUSED 10.0.0.5:8000`, a URL with its credentials) names the
    // internal network: kept for the server's log, never put in what the caller reads.
    const failure = proxyError('VIGIE_ERR_UPSTREAM', 'The AI service could not be reached or closed the connection.');
    Object.defineProperty(failure, 'cause', { value: error, enumerable: false });
    return failure;
  }
}

/** Reads a body as text, at most `max` bytes, re-arming the call's time-out at each chunk. */
export async function readBounded(response: Response, call: UpstreamCall, max: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      call.touch();
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw proxyError('VIGIE_ERR_UPSTREAM', `The AI service's answer is larger than ${max} bytes.`);
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    throw call.failure(error);
  }
  return text + decoder.decode();
}

/** A non-2xx upstream answer as a clean error: the client's own mistakes keep their meaning. */
export async function upstreamFailure(
  response: Response,
  call: UpstreamCall,
  secrets: readonly string[] = [],
): Promise<VigieError> {
  const status = response.status;
  // 401/403: the upstream refused Vigie's own key — its message may quote that key; the caller cannot fix it.
  if (status === 401 || status === 403) {
    await response.body?.cancel().catch(() => undefined);
    return proxyError('VIGIE_ERR_UPSTREAM', `The AI service refused the proxy's credentials (${status}).`);
  }
  let quoted = '';
  try {
    const text = await readBounded(response, call, MAX_ERROR_BYTES);
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message =
      typeof parsed.error === 'string'
        ? parsed.error
        : typeof parsed.error?.message === 'string'
          ? parsed.error.message
          : typeof parsed.message === 'string'
            ? parsed.message
            : '';
    // Some upstreams echo their key or their own address: neither leaves Vigie.
    let clean = message;
    for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join('***');
    quoted = clean.replace(/[\p{Cc}]/gu, ' ').slice(0, 300);
  } catch {
    quoted = '';
  }
  const text = `The AI service answered ${status}${quoted ? `: ${quoted}` : '.'}`;
  // Bad model name, bad parameter: the caller can fix it. The upstream's own key or server: Vigie's problem.
  if (status === 400 || status === 404 || status === 422) return proxyError('VIGIE_ERR_VALIDATION', text);
  if (status === 429) return proxyError('VIGIE_ERR_RATE_LIMITED', text);
  return proxyError('VIGIE_ERR_UPSTREAM', text);
}

export interface AnswerScan {
  /** The strictest action over the answer's choices. */
  readonly action: GuardAction;
  readonly decisions: GuardDecisionInput['result'][];
}

const FILTERED_NOTICE =
  '[Vigie Guard] Réponse retenue par la politique de l’organisation. / Answer withheld by the organisation’s policy.';

/**
 * A non-streamed chat completion: each choice's text is scanned (before pseudonyms are put
 * back: the user's own values coming back are not a leak), rewritten or withheld as the policy
 * says (`finish_reason: content_filter`), then its pseudonyms restored.
 */
export function rewriteCompletion(
  json: unknown,
  plan: ProxyPlan,
  knownHosts: readonly string[],
): { body: Record<string, unknown>; scan: AnswerScan } {
  const body = json as { choices?: unknown } | null;
  if (!body || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body.choices)) {
    throw proxyError('VIGIE_ERR_UPSTREAM', 'The AI service sent an answer without choices: not a chat completion.');
  }
  let action: GuardAction = 'allow';
  const decisions: GuardDecisionInput['result'][] = [];
  const choices = body.choices.map((choice: unknown) => {
    if (!choice || typeof choice !== 'object') {
      throw proxyError('VIGIE_ERR_UPSTREAM', 'The AI service sent a malformed choice.');
    }
    const message = (choice as { message?: unknown }).message as { content?: unknown } | undefined;
    if (!message || typeof message !== 'object') {
      throw proxyError('VIGIE_ERR_UPSTREAM', 'The AI service sent a choice without a message.');
    }
    const content = message.content;
    if (content !== null && content !== undefined && typeof content !== 'string') {
      throw proxyError('VIGIE_ERR_UPSTREAM', 'The AI service sent a message whose content is not text.');
    }
    const check = (text: string): string | undefined => {
      const out = guardOutput(text, {
        policy: plan.policy,
        context: plan.context,
        ...(plan.systemPrompt ? { systemPrompt: plan.systemPrompt } : {}),
        knownHosts,
      });
      action = stricter(action, out.action);
      if (out.findings.length > 0) decisions.push(out);
      return out.action === 'block' ? undefined : plan.pseudonymiser.restore(out.text ?? text);
    };
    const withheld = () => {
      const { tool_calls: _t, function_call: _f, ...rest } = message as Record<string, unknown>;
      return { ...choice, message: { ...rest, content: FILTERED_NOTICE }, finish_reason: 'content_filter' };
    };
    let next: Record<string, unknown> = message as Record<string, unknown>;
    if (typeof content === 'string' && content.length > 0) {
      const text = check(content);
      if (text === undefined) return withheld();
      next = { ...next, content: text };
    }
    // Tool and function call arguments are the model's output too: scanned, and their tokens restored.
    const calls = (message as { tool_calls?: unknown }).tool_calls;
    if (Array.isArray(calls)) {
      const rewritten: unknown[] = [];
      for (const call of calls) {
        const args = (call as { function?: { arguments?: unknown } } | null)?.function?.arguments;
        if (typeof args !== 'string' || args.length === 0) {
          rewritten.push(call);
          continue;
        }
        const text = check(args);
        if (text === undefined) return withheld();
        const fn = (call as { function: Record<string, unknown> }).function;
        rewritten.push({ ...(call as object), function: { ...fn, arguments: text } });
      }
      next = { ...next, tool_calls: rewritten };
    }
    const legacy = (message as { function_call?: { arguments?: unknown } }).function_call;
    if (legacy && typeof legacy === 'object' && typeof legacy.arguments === 'string' && legacy.arguments.length > 0) {
      const text = check(legacy.arguments);
      if (text === undefined) return withheld();
      next = { ...next, function_call: { ...legacy, arguments: text } };
    }
    return next === message ? choice : { ...choice, message: next };
  });
  return { body: { ...body, choices }, scan: { action, decisions } };
}

/** Output scan of a stream: text released at a line or sentence end, or at most this much held. */
const MAX_HELD = 1024;
/** A boundary releases only once this much is held (fewer, larger scans; "Oui.\n" waits a little). */
const MIN_RELEASE = 16;
/**
 * Released text scanned again with the held window, so a value split across a release is still
 * seen whole: longer than any detector's pattern that matters here (an AWS key is 20, a JWT or a
 * PEM header far below 200). A longer value split by a forced release (1,024 characters without
 * a space) may show its first part before the rest is caught.
 */
const SCAN_TAIL = 200;
/** Without a space to cut at, a forced release keeps this much held for the next scan. */
const FORCED_KEEP = 100;
/** Choices × tool calls followed at most in one stream. */
const MAX_CHANNELS = 256;

/** One text of a streamed choice (its content, a tool call's arguments): held, scanned, released. */
interface Channel {
  held: string;
  /** The last SCAN_TAIL characters released, as the model wrote them. */
  tail: string;
  readonly restorer: StreamRestorer;
}

/** Where held text may be released: after the last line end or sentence end (0: not yet). */
function releasePoint(text: string): number {
  for (let i = text.length - 1; i >= MIN_RELEASE - 1; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if ((c === 32 || c === 9) && i > 0 && '.!?…:;'.includes(text.charAt(i - 1))) return i + 1;
  }
  if (text.length < MAX_HELD) return 0;
  // Too much without a boundary: cut at the last space, else keep a margin for the next scan.
  const space = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n'));
  return space >= MIN_RELEASE ? space + 1 : text.length - FORCED_KEEP;
}

/** What a stream's rewriter needs of the request's plan. */
export type StreamPlan = Pick<ProxyPlan, 'pseudonymiser' | 'policy' | 'context' | 'systemPrompt' | 'body'>;

/**
 * Rewrites an upstream SSE stream of chat-completion chunks under the output policy. Per choice,
 * `delta.content` and each `delta.tool_calls[].function.arguments` are held back until a line or
 * sentence end (at most MAX_HELD characters), then the held window plus a tail of what was
 * already released is scanned (`guardOutput`, before pseudonyms are restored, as for a whole
 * answer): clean text leaves at once, redactions are applied, and a `block` ends that choice
 * with the notice and `finish_reason: content_filter` — its text never reaches the client.
 * Once every expected choice (`n`) is blocked, the stream ends with `[DONE]` and `stopped` asks
 * the caller to abort the upstream. Pseudonyms are restored even across chunks; comments and
 * other events pass through.
 */
export class SseRewriter {
  #buffer = '';
  /** Channels per choice, by key: `c` content, `t<n>` tool call n, `f` legacy function_call. */
  readonly #channels = new Map<number, Map<string, Channel>>();
  #channelCount = 0;
  readonly #answers = new Map<string, string>();
  readonly #blocked = new Map<number, GuardOutputResult>();
  readonly #released = new Set<number>();
  readonly #expected: number;
  #template: Record<string, unknown> | undefined;
  #done = false;
  #stopped = false;

  constructor(
    private readonly plan: StreamPlan,
    private readonly knownHosts: readonly string[] = [],
  ) {
    const n = plan.body.n;
    this.#expected = typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 1;
  }

  /** Upstream text in, client text out (possibly empty while an event is incomplete or text held). */
  push(chunk: string): string {
    if (this.#stopped) return '';
    this.#buffer += chunk;
    // A lone CR at the end may be the first half of CRLF: wait for the next chunk.
    const normalised = this.#buffer.endsWith('\r') ? this.#buffer.slice(0, -1) : this.#buffer;
    const rest = this.#buffer.slice(normalised.length);
    const text = normalised.replace(/\r\n?/g, '\n');
    let out = '';
    let from = 0;
    for (;;) {
      const end = text.indexOf('\n\n', from);
      if (end < 0) break;
      out += this.#event(text.slice(from, end));
      from = end + 2;
      if (this.#stopped) {
        this.#buffer = '';
        return out;
      }
    }
    this.#buffer = text.slice(from) + rest;
    if (this.#buffer.length > MAX_PENDING_EVENT) {
      throw proxyError('VIGIE_ERR_UPSTREAM', 'The AI service sent a stream event larger than the limit.');
    }
    return out;
  }

  /** The stream ended: the last event (even without its blank line) and whatever text is held. */
  end(): string {
    if (this.#stopped) return '';
    let out = '';
    const last = this.#buffer.replace(/\r\n?/g, '\n').trim();
    this.#buffer = '';
    if (last) out += this.#event(last);
    out += this.flush();
    return out;
  }

  /** The held text of every choice, scanned and released (or cut): before an error event, or at the end. */
  flush(): string {
    if (this.#stopped) return '';
    let out = '';
    for (const index of [...this.#channels.keys()]) {
      const finished = this.#finish(index, {});
      const choice = finished ? { ...finished, finish_reason: null } : this.#filtered(index);
      const delta = (choice as { delta: Record<string, unknown> }).delta;
      if (Object.keys(delta).length === 0) continue;
      out += `data: ${JSON.stringify({ ...(this.#template ?? { object: 'chat.completion.chunk' }), choices: [choice] })}\n\n`;
    }
    return out + this.#stopIfAllBlocked();
  }

  /** Whether the upstream said `[DONE]`. */
  get done(): boolean {
    return this.#done;
  }

  /** Every expected choice was cut by the policy: the stream is over and the upstream should be aborted. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** The decision that cut each blocked choice, to be recorded. */
  blocked(): ReadonlyMap<number, GuardOutputResult> {
    return this.#blocked;
  }

  /** Each text of the choices that were not cut, as the model wrote it (pseudonymised), for the record. */
  answers(): ReadonlyMap<string, string> {
    const out = new Map<string, string>();
    for (const [key, text] of this.#answers) {
      if (!this.#blocked.has(Number(key.split(':')[0]))) out.set(key, text);
    }
    return out;
  }

  #channel(index: number, key: string): Channel {
    let byKey = this.#channels.get(index);
    if (!byKey) {
      byKey = new Map();
      this.#channels.set(index, byKey);
    }
    let channel = byKey.get(key);
    if (!channel) {
      if (++this.#channelCount > MAX_CHANNELS) {
        throw proxyError('VIGIE_ERR_UPSTREAM', `The AI service streamed more than ${MAX_CHANNELS} choices or calls.`);
      }
      channel = { held: '', tail: '', restorer: new StreamRestorer(this.plan.pseudonymiser) };
      byKey.set(key, channel);
    }
    return channel;
  }

  /**
   * Adds model text to a channel and returns what may be released now (restored), or undefined
   * when the policy blocks: the held window and the released tail are scanned together.
   */
  #push(index: number, key: string, text: string, final: boolean): string | undefined {
    const ch = this.#channel(index, key);
    if (text) {
      const answerKey = `${index}:${key}`;
      const previous = this.#answers.get(answerKey) ?? '';
      if (previous.length < MAX_SCANNED_ANSWER) this.#answers.set(answerKey, previous + text);
      ch.held += text;
    }
    let cut = final ? ch.held.length : releasePoint(ch.held);
    if (cut <= 0) return final ? ch.restorer.flush() : '';
    const window = ch.tail + ch.held;
    const result = guardOutput(window, {
      policy: this.plan.policy,
      context: this.plan.context,
      ...(this.plan.systemPrompt ? { systemPrompt: this.plan.systemPrompt } : {}),
      knownHosts: this.knownHosts,
    });
    if (result.action === 'block') {
      this.#blocked.set(index, result);
      this.#channels.delete(index);
      return undefined;
    }
    // Rewrites (redact, and pseudonymise without the user's token: redacted, as for a whole answer).
    const offset = ch.tail.length;
    const spans: { type: string; start: number; end: number; action: GuardAction }[] = [];
    for (const f of result.findings) {
      if (f.action !== 'redact' && f.action !== 'pseudonymise') continue;
      const start = Math.max(0, f.start - offset);
      const end = f.end - offset;
      if (end <= 0) continue; // released earlier
      // A value across the cut leaves whole with the next release (unless held text is at its bound).
      if (start < cut && end > cut && !final && ch.held.length < MAX_HELD) cut = start;
      spans.push({ type: f.type, start, end, action: f.action });
    }
    const released = ch.held.slice(0, cut);
    ch.held = ch.held.slice(cut);
    ch.tail = (ch.tail + released).slice(-SCAN_TAIL);
    const rewritten = applyActions(
      released,
      spans.filter((s) => s.end <= cut),
    ).text;
    const out = ch.restorer.push(rewritten) + (final ? ch.restorer.flush() : '');
    if (out) this.#released.add(index);
    return out;
  }

  /** The choice's end: all its held text scanned and released into `delta` (undefined: blocked). */
  #finish(index: number, delta: Record<string, unknown>): Record<string, unknown> | undefined {
    const byKey = this.#channels.get(index);
    const next: Record<string, unknown> = { ...delta };
    if (!byKey) return { index, delta: next };
    for (const key of [...byKey.keys()]) {
      const rest = this.#push(index, key, '', true);
      if (rest === undefined) return undefined;
      if (!rest) continue;
      if (key === 'c') next.content = (typeof next.content === 'string' ? next.content : '') + rest;
      else if (key === 'f') {
        const fn = (next.function_call ?? {}) as Record<string, unknown>;
        next.function_call = { ...fn, arguments: (typeof fn.arguments === 'string' ? fn.arguments : '') + rest };
      } else {
        const n = Number(key.slice(1));
        const calls = Array.isArray(next.tool_calls) ? [...(next.tool_calls as Record<string, unknown>[])] : [];
        const at = calls.findIndex((c) => c && c.index === n);
        const call = at >= 0 ? (calls[at] as Record<string, unknown>) : { index: n };
        const fn = (call.function ?? {}) as Record<string, unknown>;
        const merged = {
          ...call,
          function: { ...fn, arguments: (typeof fn.arguments === 'string' ? fn.arguments : '') + rest },
        };
        if (at >= 0) calls[at] = merged;
        else calls.push(merged);
        next.tool_calls = calls;
      }
    }
    this.#channels.delete(index);
    return { index, delta: next };
  }

  /** The choice as the policy ends it: the notice of a withheld answer, `content_filter`. */
  #filtered(index: number): Record<string, unknown> {
    const content = this.#released.has(index) ? `\n\n${FILTERED_NOTICE}` : FILTERED_NOTICE;
    return { index, delta: { content }, finish_reason: 'content_filter' };
  }

  #stopIfAllBlocked(): string {
    if (this.#stopped || this.#blocked.size < this.#expected) return '';
    this.#stopped = true;
    return 'data: [DONE]\n\n';
  }

  /** One choice of a chunk, rewritten; undefined when its choice was cut earlier (nothing more of it leaves). */
  #choice(choice: unknown): unknown {
    if (!choice || typeof choice !== 'object') return choice;
    const c = choice as { index?: unknown; delta?: unknown; finish_reason?: unknown };
    const index = typeof c.index === 'number' ? c.index : 0;
    if (this.#blocked.has(index)) return undefined;
    const delta = c.delta && typeof c.delta === 'object' ? (c.delta as Record<string, unknown>) : undefined;
    const next: Record<string, unknown> = { ...(delta ?? {}) };
    if (delta && typeof delta.content === 'string') {
      const out = this.#push(index, 'c', delta.content, false);
      if (out === undefined) return this.#filtered(index);
      next.content = out;
    }
    // Tool and function call arguments are the model's output too: held, scanned, restored.
    if (delta && Array.isArray(delta.tool_calls)) {
      const calls: unknown[] = [];
      for (const call of delta.tool_calls) {
        const fn = (call as { function?: unknown } | null)?.function as Record<string, unknown> | undefined;
        if (!fn || typeof fn !== 'object' || typeof fn.arguments !== 'string') {
          calls.push(call);
          continue;
        }
        const n = typeof (call as { index?: unknown }).index === 'number' ? (call as { index: number }).index : 0;
        const out = this.#push(index, `t${n}`, fn.arguments, false);
        if (out === undefined) return this.#filtered(index);
        calls.push({ ...(call as object), function: { ...fn, arguments: out } });
      }
      next.tool_calls = calls;
    }
    const legacy = delta?.function_call as Record<string, unknown> | undefined;
    if (legacy && typeof legacy === 'object' && typeof legacy.arguments === 'string') {
      const out = this.#push(index, 'f', legacy.arguments, false);
      if (out === undefined) return this.#filtered(index);
      next.function_call = { ...legacy, arguments: out };
    }
    if (c.finish_reason !== null && c.finish_reason !== undefined) {
      const finished = this.#finish(index, next);
      if (!finished) return this.#filtered(index);
      return { ...c, delta: finished.delta };
    }
    return delta ? { ...c, delta: next } : choice;
  }

  #event(raw: string): string {
    const lines = raw.split('\n');
    const data: string[] = [];
    for (const line of lines) {
      if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    if (data.length === 0) return `${raw}\n\n`;
    const payload = data.join('\n');
    if (payload.trim() === '[DONE]') {
      this.#done = true;
      const rest = this.flush();
      return this.#stopped ? rest : `${rest}data: [DONE]\n\n`;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(payload);
    } catch {
      throw proxyError('VIGIE_ERR_UPSTREAM', 'The AI service sent a stream event that is not JSON.');
    }
    if (!chunk || typeof chunk !== 'object' || Array.isArray(chunk)) {
      throw proxyError('VIGIE_ERR_UPSTREAM', 'The AI service sent a stream event that is not a chunk.');
    }
    const obj = chunk as Record<string, unknown>;
    if (Array.isArray(obj.choices)) {
      const { choices: _c, usage: _u, ...template } = obj;
      this.#template = template;
      const had = obj.choices.length;
      obj.choices = obj.choices.map((choice: unknown) => this.#choice(choice)).filter((c) => c !== undefined);
      // Only choices cut earlier were in it: nothing of this event leaves.
      if (had > 0 && (obj.choices as unknown[]).length === 0 && obj.usage === undefined) return '';
    }
    return `data: ${JSON.stringify(obj)}\n\n${this.#stopIfAllBlocked()}`;
  }
}

/** An upstream URL's origin and host (`https://llm.corp:8000`, `llm.corp:8000`, `llm.corp`). */
function hostForms(url: string): string[] {
  try {
    const u = new URL(url);
    return [u.origin, u.host, u.hostname];
  } catch {
    return [];
  }
}

export interface GuardProxyOptions {
  readonly upstreamUrl?: string | undefined;
  readonly upstreamKey?: string | undefined;
  readonly upstreamAuth: 'bearer' | 'api-key';
  readonly timeoutMs: number;
  readonly knownHosts: readonly string[];
}

/** The proxy's service: plan a request, call the upstream, rewrite its answer, record decisions. */
export function createGuardProxy(guard: GuardService) {
  const options: GuardProxyOptions = {
    upstreamUrl: guard.options.upstreamUrl,
    upstreamKey: guard.options.upstreamKey,
    upstreamAuth: guard.options.upstreamAuth ?? 'bearer',
    timeoutMs: guard.options.timeoutMs ?? 120_000,
    knownHosts: guard.options.knownHosts ?? [],
  };
  // A query on the base (Azure's `?api-version=…`) goes after every path the proxy calls.
  const queryAt = options.upstreamUrl?.indexOf('?') ?? -1;
  const query = queryAt >= 0 ? (options.upstreamUrl?.slice(queryAt) ?? '') : '';
  const base = (queryAt >= 0 ? options.upstreamUrl?.slice(0, queryAt) : options.upstreamUrl)?.replace(/\/+$/, '');
  const keyHeader: Record<string, string> = !options.upstreamKey
    ? {}
    : options.upstreamAuth === 'api-key'
      ? { 'api-key': options.upstreamKey }
      : { authorization: `Bearer ${options.upstreamKey}` };
  /** Never quoted to a caller: the upstream key, and the upstream's address in its forms. */
  const hidden = [options.upstreamKey, options.upstreamUrl, base, ...(base ? hostForms(base) : [])].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );

  function contextOf(caller: GuardCaller): DecisionContext {
    return {
      service: guard.service,
      ...(caller.role ? { role: caller.role } : {}),
      ...(caller.department ? { department: caller.department } : {}),
    };
  }

  return {
    configured: base !== undefined,
    service: guard.service,
    options,

    /**
     * Applies the policy to a request. A blocked one is recorded before the refusal leaves; any
     * other decision is written behind the answer (`onError` hears of a failed write).
     */
    async plan(
      request: ChatRequest,
      caller: GuardCaller,
      onError: (error: unknown) => void,
    ): Promise<{ plan: ProxyPlan; decision: string | null }> {
      const policy = await guard.policy();
      const plan = planChat(request, policy, contextOf(caller));
      const input = {
        source: 'proxy' as const,
        direction: 'request' as const,
        caller,
        service: guard.service,
        model: typeof request.model === 'string' ? request.model.slice(0, 200) : null,
        result: plan.result,
      };
      const decision = plan.blocked ? await guard.record(input) : guard.recordLater(input, onError);
      return { plan, decision };
    },

    /** Calls the upstream; a non-2xx answer becomes a clean error. The caller must `call.done()`. */
    async call(
      path: '/chat/completions' | '/models',
      init: { method: 'GET' | 'POST'; body?: string; client?: AbortSignal; stream?: boolean },
    ): Promise<{ response: Response; call: UpstreamCall }> {
      if (!base)
        throw proxyError('VIGIE_ERR_UPSTREAM_UNCONFIGURED', 'No AI service is configured behind the Guard proxy.');
      const call = new UpstreamCall(options.timeoutMs, init.client);
      let response: Response;
      try {
        response = await fetch(`${base}${path}${query}`, {
          method: init.method,
          headers: {
            accept: init.stream ? 'text/event-stream' : 'application/json',
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...keyHeader,
          },
          ...(init.body !== undefined ? { body: init.body } : {}),
          signal: call.signal,
          redirect: 'error',
        });
      } catch (error) {
        throw call.failure(error);
      }
      call.touch();
      if (!response.ok) {
        const failure = await upstreamFailure(response, call, hidden);
        call.done();
        throw failure;
      }
      return { response, call };
    },

    /** Reads a JSON answer (bounded); anything else is a clean upstream error. */
    async json(response: Response, call: UpstreamCall): Promise<unknown> {
      const text = await readBounded(response, call, MAX_ANSWER_BYTES);
      call.done();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw proxyError('VIGIE_ERR_UPSTREAM', 'The AI service sent an answer that is not JSON.');
      }
    },

    /** Scans and rewrites a whole answer; what the scan found is recorded behind the answer. */
    answer(json: unknown, plan: ProxyPlan, caller: GuardCaller, model: string | null, onError: (e: unknown) => void) {
      const { body, scan } = rewriteCompletion(json, plan, options.knownHosts);
      for (const result of scan.decisions) {
        guard.recordLater(
          { source: 'proxy', direction: 'response', caller, service: guard.service, model, result },
          onError,
        );
      }
      return { body, action: scan.action };
    },

    /** A stream's rewriter under this proxy's output policy. */
    rewriter(plan: ProxyPlan): SseRewriter {
      return new SseRewriter(plan, options.knownHosts);
    },

    /**
     * After a stream: the decision that cut a choice, and the output scan of each choice sent
     * whole (its findings below `block`: redacted or allowed on the way), recorded.
     */
    streamed(
      rewriter: SseRewriter,
      plan: ProxyPlan,
      caller: GuardCaller,
      model: string,
      onError: (e: unknown) => void,
    ) {
      for (const result of rewriter.blocked().values()) {
        guard.recordLater(
          { source: 'proxy', direction: 'response', caller, service: guard.service, model, result },
          onError,
        );
      }
      for (const text of rewriter.answers().values()) {
        const result = guardOutput(text, {
          policy: plan.policy,
          context: plan.context,
          ...(plan.systemPrompt ? { systemPrompt: plan.systemPrompt } : {}),
          knownHosts: options.knownHosts,
        });
        if (result.findings.length > 0) {
          guard.recordLater(
            { source: 'proxy', direction: 'response', caller, service: guard.service, model, result },
            onError,
          );
        }
      }
    },
  };
}

export type GuardProxy = ReturnType<typeof createGuardProxy>;
