/**
 * Two patterns seen from one source: password spraying (T1110.003), failures on many distinct
 * accounts with few attempts each; and user enumeration (T1087, T1589), attempts on many
 * accounts that do not exist (Windows sub-status 0xC0000064, Kerberos 0x6, sshd "invalid user").
 * A source without an address (local sign-ins) is the recording host, `local@HOST`.
 */
import { iso, span } from './alert.js';
import { CappedSet, type DetectorContext, limitsFor, reason, scaled, some } from './context.js';
import { type AuthAttempt, normaliseIp, normaliseUser } from './observation.js';
import { EntityTable, type SlidingKeys } from './window.js';

interface SourceState {
  failures: SlidingKeys; // keyed by account
  unknown: SlidingKeys; // unknown accounts, keyed by account
  hosts: CappedSet;
  services: CappedSet;
  success?: { time: number; user: string };
}

/** The source an attempt comes from, as alerts name it. */
export function sourceKey(a: { sourceIp?: string; host?: string }): string | undefined {
  if (a.sourceIp) return normaliseIp(a.sourceIp);
  return a.host ? `local@${a.host.toLowerCase()}` : undefined;
}

export class SourceAuthDetector {
  readonly table: EntityTable<SourceState>;

  constructor(private readonly ctx: () => DetectorContext) {
    const s = ctx().settings;
    const longest = Math.max(s.passwordSpray.windowMs, s.userEnumeration.windowMs);
    this.table = new EntityTable(s.maxEntities, longest + s.cooldownMs);
  }

  observe(a: AuthAttempt): void {
    const ctx = this.ctx();
    const key = sourceKey(a);
    const user = normaliseUser(a.user);
    if (key === undefined || user === '') return;
    const { passwordSpray, userEnumeration } = ctx.settings;
    if (a.outcome === 'success') {
      const state = this.table.peek(key);
      if (state?.failures.counts.has(user) && ctx.book.isOpen('password_spray', key, a.time)) {
        state.success = { time: a.time, user };
        this.reportSpray(ctx, key, state, a.time);
      }
      return;
    }
    const state = this.table.touch(key, a.time, () => ({
      failures: ctx.window(),
      unknown: ctx.window(),
      hosts: new CappedSet(),
      services: new CappedSet(),
    }));
    state.failures.expire(ctx.now - passwordSpray.windowMs);
    state.unknown.expire(ctx.now - userEnumeration.windowMs);
    state.failures.add(a.time, user);
    if (a.reason === 'unknown_user') state.unknown.add(a.time, user);
    state.hosts.add(a.host);
    state.services.add(a.service);
    this.reportSpray(ctx, key, state, a.time);
    if (a.reason === 'unknown_user') this.reportEnumeration(ctx, key, state, a.time);
  }

  private reportSpray(ctx: DetectorContext, key: string, state: SourceState, time: number): void {
    const { windowMs, minAccounts, maxAttemptsPerAccount } = ctx.settings.passwordSpray;
    const { suppressed, scale } = limitsFor(ctx.settings, 'password_spray', key);
    const threshold = scaled(minAccounts, scale);
    const accounts = state.failures.distinct;
    const attempts = state.failures.total;
    const perAccount = accounts === 0 ? 0 : attempts / accounts;
    if (suppressed || accounts < threshold || perAccount > maxAttemptsPerAccount) return;
    const success = state.success && time - state.success.time <= ctx.settings.cooldownMs ? state.success : undefined;
    const reasons = [
      reason(
        'behaviour.password_spray.accounts',
        0.7,
        `${key} failed on ${accounts} distinct accounts within ${span(windowMs)} (threshold ${threshold}).`,
        `${key} a échoué sur ${accounts} comptes distincts en ${span(windowMs)} (seuil ${threshold}).`,
        { accounts, threshold, windowMs, source: key },
      ),
      reason(
        'behaviour.password_spray.few_per_account',
        0.3,
        `Few attempts per account: ${perAccount.toFixed(1)} on average (at most ${maxAttemptsPerAccount}), as a spray avoids lockouts.`,
        `Peu de tentatives par compte : ${perAccount.toFixed(1)} en moyenne (au plus ${maxAttemptsPerAccount}), comme une pulvérisation qui évite les verrouillages.`,
        { attempts, perAccount, maxAttemptsPerAccount, accountsSample: some(state.failures.counts.keys(), 10) },
      ),
    ];
    if (success)
      reasons.unshift(
        reason(
          'behaviour.password_spray.success',
          0.95,
          `Then account "${success.user}" signed in successfully from the same source at ${iso(success.time)}.`,
          `Puis le compte « ${success.user} » s’est connecté avec succès depuis la même source à ${iso(success.time)}.`,
          { user: success.user, successTime: success.time },
        ),
      );
    const alert = ctx.book.report(key, {
      pattern: 'password_spray',
      severity: success ? 'critical' : 'high',
      score: success ? 0.95 : 0.75,
      title: { en: `Password spraying from ${key}`, fr: `Pulvérisation de mots de passe depuis ${key}` },
      techniques: ['T1110.003'],
      entity: { kind: 'ip', value: key },
      entities: {
        ips: key.startsWith('local@') ? [] : [key],
        users: some(state.failures.counts.keys()),
        hosts: some(state.hosts.values),
      },
      windowMs,
      observed: accounts,
      threshold,
      counts: { accounts, attempts, successes: success ? 1 : 0 },
      reasons,
      windowStart: state.failures.oldest,
      time,
    });
    if (alert) ctx.emit(alert);
  }

  private reportEnumeration(ctx: DetectorContext, key: string, state: SourceState, time: number): void {
    const { windowMs, minUnknownUsers } = ctx.settings.userEnumeration;
    const { suppressed, scale } = limitsFor(ctx.settings, 'user_enumeration', key);
    const threshold = scaled(minUnknownUsers, scale);
    const unknown = state.unknown.distinct;
    if (suppressed || unknown < threshold) return;
    const alert = ctx.book.report(key, {
      pattern: 'user_enumeration',
      severity: 'medium',
      score: 0.6,
      title: { en: `User enumeration from ${key}`, fr: `Énumération de comptes depuis ${key}` },
      techniques: ['T1087', 'T1589'],
      entity: { kind: 'ip', value: key },
      entities: {
        ips: key.startsWith('local@') ? [] : [key],
        users: some(state.unknown.counts.keys()),
        hosts: some(state.hosts.values),
      },
      windowMs,
      observed: unknown,
      threshold,
      counts: { unknownAccounts: unknown, attempts: state.unknown.total },
      reasons: [
        reason(
          'behaviour.user_enumeration.unknown_accounts',
          0.7,
          `${key} tried ${unknown} accounts that do not exist within ${span(windowMs)} (threshold ${threshold}).`,
          `${key} a essayé ${unknown} comptes inexistants en ${span(windowMs)} (seuil ${threshold}).`,
          { unknownAccounts: unknown, threshold, windowMs, sample: some(state.unknown.counts.keys(), 10) },
        ),
        reason(
          'behaviour.user_enumeration.services',
          0.1,
          `Through: ${some(state.services.values, 5).join(', ')}.`,
          `Par : ${some(state.services.values, 5).join(', ')}.`,
          { services: some(state.services.values) },
        ),
      ],
      windowStart: state.unknown.oldest,
      time,
    });
    if (alert) ctx.emit(alert);
  }
}
