/**
 * Learn sending profiles kept in the database (GoPhish's "sending profiles"): SMTP server, TLS
 * mode, account, From address and extra headers. The password is write-only: the API says only
 * whether one is set. At rest it is encrypted (AES-256-GCM) under a key derived with HKDF from
 * the server secret the service is given (`LearnOptions.secretKey`); without one it is stored as
 * it was typed, marked `plain:`, and the profile list says so — the database then holds it in
 * clear, like the SMTP URL in the configuration. The configuration's VIGIE_LEARN_SMTP_URL stays
 * the built-in profile `env`.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { type Clock, newId, VigieError } from '../core/index.js';
import { escapeHtml } from '../learn/index.js';
import type { Repositories, Store } from '../store/index.js';
import { type ActionContext, actorLabel } from './actor.js';
import { type LearnTransport, nodemailerTransport } from './learn-sender.js';

export const ENV_PROFILE_ID = 'env';
export const TLS_MODES = ['starttls', 'tls', 'none'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

type ProfileRecord = NonNullable<Awaited<ReturnType<Repositories['learn']['profile']>>>;

/** What a transport needs: the stored profile with its password in clear (never leaves the process). */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
  readonly username: string | null;
  readonly password: string | null;
}

export interface ProfileInput {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
  readonly username?: string | null | undefined;
  /** A string sets it, null clears it, undefined keeps it (updates). */
  readonly password?: string | null | undefined;
  readonly fromAddress: string;
  readonly fromName?: string | null | undefined;
  readonly headers?: readonly { readonly name: string; readonly value: string }[] | undefined;
}

export interface ProfileView {
  readonly id: string;
  readonly name: string;
  readonly builtIn: boolean;
  /** The built-in profile exists only when VIGIE_LEARN_SMTP_URL is set. */
  readonly configured: boolean;
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
  readonly username: string | null;
  /** `set` or `none`: the password itself is never returned. */
  readonly password: 'set' | 'none';
  /** How the password is kept: encrypted, in clear (no server secret given), or not at all. */
  readonly passwordStorage: 'encrypted' | 'plain' | 'none';
  readonly fromAddress: string;
  readonly fromName: string | null;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly createdAt: string | null;
  readonly createdBy: string | null;
  readonly updatedAt: string | null;
}

/** Headers a profile may not set: the message's own, and ours. */
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'content-type',
  'content-transfer-encoding',
  'mime-version',
  'x-vigie-simulation',
  'sender',
  'return-path',
]);
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const HOST = /^(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*)$/;
export const EMAIL_ADDRESS = /^[^\s@<>"(),;:]{1,64}@[A-Za-z0-9.-]{1,253}$/;

function hasControl(value: string): boolean {
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Refuses what would break the SMTP conversation or forge headers; the message names the field. */
export function checkProfile(input: ProfileInput): void {
  const bad = (message: string): never => {
    throw new VigieError('VIGIE_ERR_VALIDATION', message);
  };
  if (!input.name.trim() || input.name.length > 200 || hasControl(input.name)) bad('name: 1 to 200 characters');
  if (!HOST.test(input.host) || input.host.length > 253) bad('host: a host name or an IP address');
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) bad('port: 1 to 65535');
  if (!TLS_MODES.includes(input.tls)) bad('tls: starttls, tls or none');
  if (input.username != null && (input.username.length > 320 || hasControl(input.username))) bad('username');
  // Without TLS a password crosses the network in clear: only to a relay on this machine.
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/i.test(input.host);
  if (input.tls === 'none' && input.username && !loopback)
    bad('tls: "none" sends the user name and password in clear; only for a relay on this machine (localhost)');
  if (input.password != null && (input.password.length > 1024 || /[\r\n\0]/.test(input.password))) bad('password');
  if (!EMAIL_ADDRESS.test(input.fromAddress)) bad('fromAddress: an e-mail address');
  if (input.fromName != null && (input.fromName.length > 200 || hasControl(input.fromName))) bad('fromName');
  const headers = input.headers ?? [];
  if (headers.length > 20) bad('headers: 20 at most');
  for (const h of headers) {
    if (!HEADER_NAME.test(h.name)) bad(`headers: "${h.name.slice(0, 64)}" is not a header name`);
    if (RESERVED_HEADERS.has(h.name.toLowerCase())) bad(`headers: ${h.name} is set by Vigie itself`);
    if (h.value.length > 900 || hasControl(h.value)) bad(`headers: the value of ${h.name} must be one line`);
  }
}

// Passwords at rest -------------------------------------------------------------------------------

function keyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'vigie-learn', 'smtp-profile-password/v1', 32));
}

/** `v1:<iv>:<tag>:<ciphertext>` (base64url) with a secret, `plain:<password>` without one. */
export function sealPassword(password: string, secret: string | undefined): string {
  // No server secret: kept as typed, marked so, and reported as `plain` by the profile list.
  if (!secret) return `plain:${password}`;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  const data = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join(':');
}

export function openPassword(stored: string, secret: string | undefined): string {
  if (stored.startsWith('plain:')) return stored.slice('plain:'.length);
  const [version, iv, tag, data] = stored.split(':');
  if (version !== 'v1' || !iv || !tag || data === undefined || !secret) {
    throw new VigieError(
      'VIGIE_ERR_CONFLICT',
      'The profile password cannot be read with the current server secret: enter it again',
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new VigieError(
      'VIGIE_ERR_CONFLICT',
      'The profile password cannot be read with the current server secret: enter it again',
    );
  }
}

// Transports ----------------------------------------------------------------------------------------

export interface ProfileTestOutcome {
  readonly ok: boolean;
  /** Where it stopped: reading the settings (password), connecting and signing in, or sending. */
  readonly stage: 'settings' | 'verify' | 'send';
  readonly messageId: string | null;
  readonly problem: string | null;
}

export interface VerifiableTransport extends LearnTransport {
  /** Connects, greets and (when a user is set) authenticates, then hangs up. */
  verify(): Promise<void>;
}

/** A nodemailer transport for a profile: implicit TLS, required STARTTLS, or none (loopback relays). */
export function profileTransport(settings: SmtpSettings): VerifiableTransport {
  const transporter = nodemailer.createTransport({
    host: settings.host.replace(/^\[|\]$/g, ''),
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    ...(settings.username ? { auth: { user: settings.username, pass: settings.password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return nodemailerTransport(transporter);
}

/** An SMTP failure as a person can act on it: the server's answer, without our stack. */
export function smtpProblem(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  const e = error as Error & { code?: string; response?: string; responseCode?: number };
  const parts = [e.code, e.responseCode ? String(e.responseCode) : undefined, e.response ?? e.message];
  return parts
    .filter(Boolean)
    .join(' ')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 300);
}

// The service part ------------------------------------------------------------------------------------

export interface ProfileOptions {
  readonly secretKey?: string | undefined;
  /** The configuration's transport (VIGIE_LEARN_SMTP_URL), the built-in profile. */
  readonly envTransport?: LearnTransport | undefined;
  /** Builds a transport for a stored profile (tests hand in their own). */
  readonly transportFor?: ((settings: SmtpSettings) => VerifiableTransport) | undefined;
}

export function createProfiles(store: Store, clock: Clock, options: ProfileOptions) {
  const build = options.transportFor ?? profileTransport;

  function view(r: ProfileRecord): ProfileView {
    return {
      id: r.id,
      name: r.name,
      builtIn: false,
      configured: true,
      host: r.host,
      port: r.port,
      tls: r.tls,
      username: r.username,
      password: r.password ? 'set' : 'none',
      passwordStorage: !r.password ? 'none' : r.password.startsWith('plain:') ? 'plain' : 'encrypted',
      fromAddress: r.fromAddress,
      fromName: r.fromName,
      headers: r.headers,
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      updatedAt: r.updatedAt,
    };
  }

  const envView = (): ProfileView => ({
    id: ENV_PROFILE_ID,
    name: 'VIGIE_LEARN_SMTP_URL',
    builtIn: true,
    configured: options.envTransport !== undefined,
    host: '',
    port: 0,
    tls: 'starttls',
    username: null,
    password: 'none',
    passwordStorage: 'none',
    fromAddress: '',
    fromName: null,
    headers: [],
    createdAt: null,
    createdBy: null,
    updatedAt: null,
  });

  async function record(id: string, withDeleted = false): Promise<ProfileRecord> {
    const r = await store.learn.profile(id, withDeleted);
    if (!r) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such sending profile');
    return r;
  }

  function settingsOf(r: ProfileRecord): SmtpSettings {
    return {
      host: r.host,
      port: r.port,
      tls: r.tls,
      username: r.username,
      password: r.password ? openPassword(r.password, options.secretKey) : null,
    };
  }

  async function audit(tx: Repositories, context: ActionContext, action: string, target: string, details: object) {
    await tx.audit.append({
      at: clock().toISOString(),
      actor: actorLabel(context.actor),
      action,
      target,
      requestId: context.requestId,
      details: details as Record<string, unknown>,
    });
  }

  /** What the audit trail keeps of a profile: everything but the password (only whether it changed). */
  const auditable = (input: Partial<ProfileInput>) => {
    const { password, ...rest } = input;
    return { ...rest, ...(password !== undefined ? { password: password === null ? 'cleared' : 'set' } : {}) };
  };

  return {
    async list(): Promise<ProfileView[]> {
      return [envView(), ...(await store.learn.profiles()).map(view)];
    },
    async get(id: string): Promise<ProfileView> {
      return id === ENV_PROFILE_ID ? envView() : view(await record(id));
    },
    /** The stored record (deleted ones too) for a campaign, or undefined for the built-in profile. */
    async forCampaign(id: string | null | undefined): Promise<ProfileRecord | undefined> {
      if (!id || id === ENV_PROFILE_ID) return undefined;
      return record(id, true);
    },
    /** A transport for a campaign's profile; undefined when the built-in one is not configured. */
    transportOf(r: ProfileRecord | undefined): LearnTransport | undefined {
      return r ? build(settingsOf(r)) : options.envTransport;
    },

    async create(input: ProfileInput, context: ActionContext): Promise<ProfileView> {
      checkProfile(input);
      const at = clock().toISOString();
      const r: ProfileRecord = {
        id: newId(),
        name: input.name.trim(),
        host: input.host,
        port: input.port,
        tls: input.tls,
        username: input.username || null,
        password: input.password ? sealPassword(input.password, options.secretKey) : null,
        fromAddress: input.fromAddress,
        fromName: input.fromName || null,
        headers: input.headers ?? [],
        createdAt: at,
        createdBy: actorLabel(context.actor),
        updatedAt: at,
        deletedAt: null,
      };
      await store.transaction(async (tx) => {
        await tx.learn.insertProfile(r);
        await audit(tx, context, 'learn.profile.create', r.id, auditable(input));
      });
      return view(r);
    },

    async update(id: string, input: ProfileInput, context: ActionContext): Promise<ProfileView> {
      if (id === ENV_PROFILE_ID) throw new VigieError('VIGIE_ERR_CONFLICT', 'The built-in profile is configuration');
      await record(id);
      checkProfile(input);
      const at = clock().toISOString();
      await store.transaction(async (tx) => {
        const changed = await tx.learn.updateProfile(id, {
          name: input.name.trim(),
          host: input.host,
          port: input.port,
          tls: input.tls,
          username: input.username || null,
          ...(input.password !== undefined
            ? { password: input.password ? sealPassword(input.password, options.secretKey) : null }
            : {}),
          fromAddress: input.fromAddress,
          fromName: input.fromName || null,
          headers: input.headers ?? [],
          updatedAt: at,
        });
        if (!changed) throw new VigieError('VIGIE_ERR_NOT_FOUND', 'No such sending profile');
        await audit(tx, context, 'learn.profile.update', id, auditable(input));
      });
      return view(await record(id));
    },

    async remove(id: string, context: ActionContext): Promise<void> {
      if (id === ENV_PROFILE_ID) throw new VigieError('VIGIE_ERR_CONFLICT', 'The built-in profile is configuration');
      const r = await record(id);
      const using = await store.learn.campaignsUsingProfile(id);
      if (using.length > 0) {
        throw new VigieError('VIGIE_ERR_CONFLICT', `Campaigns still send with this profile: ${using.join(', ')}`, {
          campaigns: using,
        });
      }
      const at = clock().toISOString();
      await store.transaction(async (tx) => {
        await tx.learn.updateProfile(id, { updatedAt: at, deletedAt: at });
        await audit(tx, context, 'learn.profile.delete', id, { name: r.name });
      });
    },

    /**
     * Checks a profile for real: connect, TLS, sign-in (nodemailer verify), then one message to
     * `to`. The outcome is audited either way; a failure is an answer (`ok: false`, the stage and
     * the server's words), not an error: the 5xx error path keeps its causes for the log only.
     */
    async test(id: string, to: string, context: ActionContext): Promise<ProfileTestOutcome> {
      if (!EMAIL_ADDRESS.test(to)) throw new VigieError('VIGIE_ERR_VALIDATION', 'to: an e-mail address');
      const r = id === ENV_PROFILE_ID ? undefined : await record(id);
      let stage: 'settings' | 'verify' | 'send' = 'settings';
      let outcome: ProfileTestOutcome;
      let transport: (LearnTransport & { verify?: () => Promise<void> }) | undefined;
      try {
        transport = r ? build(settingsOf(r)) : options.envTransport;
        if (!transport) throw new Error('VIGIE_LEARN_SMTP_URL is not set: the built-in profile has no server');
        const from = r ? r.fromAddress : to;
        const name = (r?.fromName ?? 'Vigie').replace(/["\\]/g, '');
        const label = r?.name ?? ENV_PROFILE_ID;
        stage = 'verify';
        await transport.verify?.();
        stage = 'send';
        const info = await transport.send({
          from: `"${name}" <${from}>`,
          to,
          subject: 'Vigie — test e-mail / e-mail de test',
          text: `This message checks the sending profile "${label}".\n\nCe message vérifie le profil d’envoi « ${label} ».`,
          html: `<p>This message checks the sending profile “${escapeHtml(label)}”.</p><p>Ce message vérifie le profil d’envoi « ${escapeHtml(label)} ».</p>`,
          headers: Object.fromEntries((r?.headers ?? []).map((h) => [h.name, h.value])),
        });
        outcome = { ok: true, stage: 'send', messageId: info.messageId, problem: null };
      } catch (error) {
        outcome = { ok: false, stage, messageId: null, problem: smtpProblem(error) };
      } finally {
        if (r) transport?.close?.();
      }
      await store.transaction((tx) => audit(tx, context, 'learn.profile.test', id, { to, ...outcome }));
      return outcome;
    },
  };
}

export type LearnProfiles = ReturnType<typeof createProfiles>;
