/** Wires the platform services over one store; the server and the CLI both start from here. */
import { type Clock, systemClock } from '../core/index.js';
import type { Store } from '../store/index.js';
import { createAuditTrail } from './audit-trail.js';
import { createDetectService, type DetectOptions } from './detect.js';
import { createFindings } from './findings.js';
import { createGuardService, type GuardOptions } from './guard.js';
import { createGuardProxy } from './guard-proxy.js';
import { createIdentity, DEFAULT_IDENTITY_POLICY, type IdentityPolicy } from './identity.js';
import { createLearnService, type LearnOptions } from './learn.js';
import { createMailService } from './mail.js';
import { computePosture } from './posture.js';
import { createSenseService, type SenseOptions } from './sense.js';

export interface PlatformOptions {
  readonly clock?: Clock;
  readonly identityPolicy?: Partial<IdentityPolicy>;
  readonly sense?: SenseOptions;
  readonly detect?: DetectOptions;
  readonly learn?: LearnOptions;
  readonly guard?: GuardOptions;
}

export function createPlatform(store: Store, options: PlatformOptions = {}) {
  const clock = options.clock ?? systemClock;
  const identity = createIdentity(store, clock, { ...DEFAULT_IDENTITY_POLICY, ...options.identityPolicy });
  const auditTrail = createAuditTrail(store, clock);
  const findings = createFindings(store, clock);
  const learn = createLearnService(store, clock, options.learn);
  // Signals elsewhere become training: a prompt Guard warned about or blocked.
  const guard = createGuardService(store, clock, findings, options.guard, { promptDecided: learn.guardDecided });
  return {
    store,
    clock,
    identity,
    auditTrail,
    findings,
    sense: createSenseService(store, clock, findings, options.sense),
    // ...and a report judged in the Mail triage.
    mail: createMailService(store, clock, findings, { reportJudged: learn.reportJudged }),
    detect: createDetectService(store, clock, findings, options.detect),
    learn,
    guard,
    guardProxy: createGuardProxy(guard),
    posture: () => computePosture(store, auditTrail, clock),
    /** Housekeeping: drops expired sessions and sign-in events older than 30 days. */
    async prune(): Promise<{ sessions: number }> {
      const now = clock();
      const sessions = await store.sessions.deleteExpired(now.toISOString());
      await store.loginEvents.prune(new Date(now.getTime() - 30 * 86_400_000).toISOString());
      return { sessions };
    },
  };
}
export type Platform = ReturnType<typeof createPlatform>;
