/**
 * Credential stuffing (T1110.004): against one service, failures from many sources on many
 * accounts, each source and each account tried only a few times within the window, as when
 * leaked credential pairs are replayed through a pool of addresses.
 */
import { span } from './alert.js';
import { type DetectorContext, limitsFor, reason, scaled, some } from './context.js';
import { type AuthAttempt, normaliseIp, normaliseUser } from './observation.js';
import { EntityTable, type SlidingKeys } from './window.js';

interface ServiceState {
  byUser: SlidingKeys;
  bySource: SlidingKeys;
}

export class StuffingDetector {
  readonly table: EntityTable<ServiceState>;

  constructor(private readonly ctx: () => DetectorContext) {
    const s = ctx().settings;
    this.table = new EntityTable(s.maxEntities, s.credentialStuffing.windowMs + s.cooldownMs);
  }

  observe(a: AuthAttempt): void {
    if (a.outcome !== 'failure' || !a.sourceIp) return;
    const ctx = this.ctx();
    const user = normaliseUser(a.user);
    if (user === '') return;
    const key = (a.host ? `${a.service}@${a.host}` : a.service).toLowerCase();
    const { windowMs, minSources, minAccounts, maxAttemptsPerAccount, maxAttemptsPerSource } =
      ctx.settings.credentialStuffing;
    const state = this.table.touch(key, a.time, () => ({
      byUser: ctx.window(),
      bySource: ctx.window(),
    }));
    state.byUser.expire(ctx.now - windowMs);
    state.bySource.expire(ctx.now - windowMs);
    state.byUser.add(a.time, user);
    state.bySource.add(a.time, normaliseIp(a.sourceIp));
    const { suppressed, scale } = limitsFor(ctx.settings, 'credential_stuffing', key);
    if (suppressed) return;
    const needAccounts = scaled(minAccounts, scale);
    const needSources = scaled(minSources, scale);
    const attempts = state.byUser.total;
    const accounts = state.byUser.distinct;
    const sources = state.bySource.distinct;
    const perAccount = attempts / accounts;
    const perSource = attempts / sources;
    if (accounts < needAccounts || sources < needSources) return;
    if (perAccount > maxAttemptsPerAccount || perSource > maxAttemptsPerSource) return;
    const alert = ctx.book.report(key, {
      pattern: 'credential_stuffing',
      severity: 'high',
      score: 0.75,
      title: { en: `Credential stuffing against ${key}`, fr: `Bourrage d’identifiants contre ${key}` },
      techniques: ['T1110.004'],
      entity: { kind: 'service', value: key },
      entities: {
        ips: some(state.bySource.counts.keys()),
        users: some(state.byUser.counts.keys()),
        hosts: some(a.host ? [a.host] : []),
      },
      windowMs,
      observed: accounts,
      threshold: needAccounts,
      counts: { attempts, accounts, sources },
      reasons: [
        reason(
          'behaviour.credential_stuffing.spread',
          0.7,
          `${attempts} failures on ${accounts} accounts from ${sources} sources within ${span(windowMs)} (thresholds ${needAccounts} accounts, ${needSources} sources).`,
          `${attempts} échecs sur ${accounts} comptes depuis ${sources} sources en ${span(windowMs)} (seuils ${needAccounts} comptes, ${needSources} sources).`,
          { attempts, accounts, sources, needAccounts, needSources, windowMs },
        ),
        reason(
          'behaviour.credential_stuffing.few_each',
          0.3,
          `Few attempts each: ${perAccount.toFixed(1)} per account, ${perSource.toFixed(1)} per source on average.`,
          `Peu de tentatives chacun : ${perAccount.toFixed(1)} par compte, ${perSource.toFixed(1)} par source en moyenne.`,
          { perAccount, perSource, maxAttemptsPerAccount, maxAttemptsPerSource },
        ),
      ],
      windowStart: state.byUser.oldest,
      time: a.time,
    });
    if (alert) ctx.emit(alert);
  }
}
