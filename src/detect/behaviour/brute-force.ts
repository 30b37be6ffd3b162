/**
 * Brute force on one account (T1110.001): many failed attempts for one user within the
 * window, from one or a few sources. A success for that user while the failures are still in
 * the window (or the episode is open) raises the alert to critical: the password may be found.
 */

import { iso, span } from './alert.js';
import { CappedSet, type DetectorContext, limitsFor, reason, scaled, some } from './context.js';
import { type AuthAttempt, normaliseUser } from './observation.js';
import { EntityTable, type SlidingKeys } from './window.js';

interface UserState {
  failures: SlidingKeys; // keyed by source
  hosts: CappedSet;
  services: CappedSet;
  display: string;
  /** A success seen while failures were in the window. */
  successAt?: { time: number; sourceIp?: string };
}

export class BruteForceDetector {
  readonly table: EntityTable<UserState>;

  constructor(private readonly ctx: () => DetectorContext) {
    const s = ctx().settings;
    this.table = new EntityTable(s.maxEntities, s.bruteForce.windowMs + s.cooldownMs);
  }

  observe(a: AuthAttempt): void {
    const ctx = this.ctx();
    const { windowMs, minFailures } = ctx.settings.bruteForce;
    const key = normaliseUser(a.user);
    if (key === '') return;
    const { suppressed, scale } = limitsFor(ctx.settings, 'brute_force', key);
    if (suppressed) return;
    const threshold = scaled(minFailures, scale);
    if (a.outcome === 'success') {
      const state = this.table.peek(key);
      if (!state) return;
      state.failures.expire(ctx.now - windowMs);
      if (state.failures.total >= threshold || ctx.book.isOpen('brute_force', key, a.time)) {
        state.successAt = { time: a.time, ...(a.sourceIp ? { sourceIp: a.sourceIp } : {}) };
        this.report(ctx, key, state, threshold, a.time);
      }
      return;
    }
    const state = this.table.touch(key, a.time, () => ({
      failures: ctx.window(),
      hosts: new CappedSet(),
      services: new CappedSet(),
      display: a.user,
    }));
    state.failures.expire(ctx.now - windowMs);
    if (state.successAt && a.time - state.successAt.time > ctx.settings.cooldownMs) state.successAt = undefined;
    state.failures.add(a.time, a.sourceIp ?? '-');
    state.hosts.add(a.host);
    state.services.add(a.service);
    if (state.failures.total >= threshold) this.report(ctx, key, state, threshold, a.time);
  }

  private report(ctx: DetectorContext, key: string, state: UserState, threshold: number, time: number): void {
    const success = state.successAt;
    const { windowMs } = ctx.settings.bruteForce;
    const failures = state.failures.total;
    const sources = [...state.failures.counts.keys()].filter((s) => s !== '-');
    const massive = failures >= threshold * 10;
    const severity = success ? 'critical' : massive ? 'high' : 'medium';
    const reasons = [
      reason(
        'behaviour.brute_force.failures',
        0.6,
        `${failures} failed sign-ins for account "${state.display}" within ${span(windowMs)} (threshold ${threshold}).`,
        `${failures} échecs de connexion pour le compte « ${state.display} » en ${span(windowMs)} (seuil ${threshold}).`,
        { failures, threshold, windowMs, user: key },
      ),
      reason(
        'behaviour.brute_force.sources',
        0.2,
        sources.length === 0
          ? 'The failures carry no source address (local or relayed sign-ins).'
          : `From ${sources.length} source address(es): ${some(sources, 5).join(', ')}.`,
        sources.length === 0
          ? 'Les échecs ne portent pas d’adresse source (connexions locales ou relayées).'
          : `Depuis ${sources.length} adresse(s) source : ${some(sources, 5).join(', ')}.`,
        { sources: some(sources, 20), distinctSources: sources.length },
      ),
    ];
    if (success)
      reasons.unshift(
        reason(
          'behaviour.brute_force.success_after_failures',
          0.95,
          `Then a successful sign-in for the same account at ${iso(success.time)}${success.sourceIp ? ` from ${success.sourceIp}` : ''}: the password may have been found.`,
          `Puis une connexion réussie pour ce même compte à ${iso(success.time)}${success.sourceIp ? ` depuis ${success.sourceIp}` : ''} : le mot de passe a peut-être été trouvé.`,
          { successTime: success.time, sourceIp: success.sourceIp ?? null },
        ),
      );
    const alert = ctx.book.report(key, {
      pattern: 'brute_force',
      severity,
      score: success ? 0.95 : massive ? 0.8 : 0.6,
      title: {
        en: `Brute force on account ${state.display}${success ? ', followed by a success' : ''}`,
        fr: `Force brute sur le compte ${state.display}${success ? ', suivie d’un succès' : ''}`,
      },
      techniques: ['T1110.001'],
      entity: { kind: 'user', value: key },
      entities: { users: [key], ips: some(sources), hosts: some(state.hosts.values) },
      windowMs,
      observed: failures,
      threshold,
      counts: { failures, distinctSources: sources.length, successAfterFailures: success ? 1 : 0 },
      reasons,
      windowStart: state.failures.total > 0 ? state.failures.oldest : time,
      time,
    });
    if (alert) ctx.emit(alert);
  }
}
