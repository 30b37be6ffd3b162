import { describe, expect, it } from 'vitest';
import { behaviourFinding } from './alert.js';
import { createBehaviourEngine } from './engine.js';
import type { AuthAttempt, BehaviourObservation, ConnectionAttempt, WebRequest } from './observation.js';
import { applyVerdict, parseBehaviourSettings } from './settings.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const S = 1000;
const MIN = 60 * S;

function fail(time: number, user: string, sourceIp?: string, extra: Partial<AuthAttempt> = {}): AuthAttempt {
  return {
    kind: 'auth',
    time,
    user,
    service: 'sshd',
    outcome: 'failure',
    reason: 'bad_password',
    ...(sourceIp ? { sourceIp } : {}),
    ...extra,
  };
}
const ok = (time: number, user: string, sourceIp?: string): AuthAttempt => ({
  kind: 'auth',
  time,
  user,
  service: 'sshd',
  outcome: 'success',
  ...(sourceIp ? { sourceIp } : {}),
});
const web = (time: number, sourceIp: string, path: string, status: number, userAgent?: string): WebRequest => ({
  kind: 'web',
  time,
  sourceIp,
  method: 'GET',
  path,
  status,
  ...(userAgent ? { userAgent } : {}),
});
const conn = (time: number, sourceIp: string, destIp: string, destPort: number): ConnectionAttempt => ({
  kind: 'connection',
  time,
  sourceIp,
  destIp,
  destPort,
  outcome: 'failure',
});

function feed(observations: BehaviourObservation[], settings = {}) {
  const engine = createBehaviourEngine(settings);
  const emitted = observations.flatMap((o) => engine.observe(o));
  return { engine, emitted, alerts: engine.alerts() };
}

describe('brute force', () => {
  it('fires at the threshold, not one below, with counts, window, threshold and ATT&CK', () => {
    const four = Array.from({ length: 4 }, (_, i) => fail(T0 + i * S, 'alice', '203.0.113.5'));
    expect(feed(four).alerts).toEqual([]);
    const five = [...four, fail(T0 + 4 * S, 'ALICE@corp.example', '203.0.113.5')];
    const { alerts, emitted } = feed(five);
    expect(emitted).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      pattern: 'brute_force',
      status: 'opened',
      severity: 'medium',
      entity: { kind: 'user', value: 'alice' },
      observed: 5,
      threshold: 5,
      windowMs: 5 * MIN,
      techniques: ['T1110.001'],
      firstTime: T0,
      lastTime: T0 + 4 * S,
    });
    expect(alert?.entities.ips).toEqual(['203.0.113.5']);
    expect(alert?.reasons[0]?.message.fr).toContain('5 échecs');
    expect(alert?.reasons[0]?.data).toMatchObject({ failures: 5, threshold: 5 });
  });

  it('failures spread wider than the window never cross', () => {
    const slow = Array.from({ length: 20 }, (_, i) => fail(T0 + i * 2 * MIN, 'bob', '203.0.113.5'));
    expect(feed(slow).alerts).toEqual([]);
  });

  it('one alert per episode: an ongoing attack updates it a bounded number of times', () => {
    const many = Array.from({ length: 1000 }, (_, i) => fail(T0 + i * 100, 'carol', '198.51.100.7'));
    const { emitted, alerts } = feed(many);
    expect(alerts).toHaveLength(1);
    expect(emitted[0]?.status).toBe('opened');
    expect(new Set(emitted.map((a) => a.id)).size).toBe(1);
    // Re-emitted when the count doubles or the severity rises: log2(1000/5) + 1 at most.
    expect(emitted.length).toBeLessThanOrEqual(10);
    expect(alerts[0]?.observed).toBe(1000);
    expect(alerts[0]?.severity).toBe('high');
  });

  it('a new attack after the cool-down is a new episode', () => {
    const burst = (start: number) => Array.from({ length: 6 }, (_, i) => fail(start + i * S, 'dave', '198.51.100.7'));
    const { emitted } = feed([...burst(T0), ...burst(T0 + 60 * MIN)]);
    const opened = emitted.filter((a) => a.status === 'opened');
    expect(opened).toHaveLength(2);
    expect(opened[0]?.id).not.toBe(opened[1]?.id);
  });

  it('a success after the failures raises the same alert to critical', () => {
    const attempts = [
      ...Array.from({ length: 6 }, (_, i) => fail(T0 + i * S, 'erin@corp', '192.0.2.1')),
      ok(T0 + 10 * S, 'CORP\\erin', '192.0.2.1'),
    ];
    const { emitted } = feed(attempts);
    expect(emitted.map((a) => a.status)).toEqual(['opened', 'updated']);
    expect(emitted[1]).toMatchObject({ id: emitted[0]?.id, severity: 'critical', counts: { successAfterFailures: 1 } });
    expect(emitted[1]?.reasons[0]?.code).toBe('behaviour.brute_force.success_after_failures');
    // A success without failures before it is nothing.
    expect(feed([ok(T0, 'erin')]).alerts).toEqual([]);
  });

  it('overrides raise or suppress the threshold per entity, and a false-positive verdict silences a repeat', () => {
    const attempts = Array.from({ length: 8 }, (_, i) => fail(T0 + i * S, 'svc', '10.1.1.1'));
    const first = feed(attempts);
    expect(first.alerts).toHaveLength(1);
    const { settings } = applyVerdict(parseBehaviourSettings(), {
      pattern: 'brute_force',
      entity: { kind: 'user', value: 'svc' },
      verdict: 'false_positive',
      observed: first.alerts[0]?.observed,
    });
    expect(feed(attempts, settings).alerts).toEqual([]);
    // Another user is untouched by that override.
    expect(
      feed(
        attempts.map((a) => ({ ...a, user: 'other' })),
        settings,
      ).alerts,
    ).toHaveLength(1);
    const tp = applyVerdict(parseBehaviourSettings(), {
      pattern: 'brute_force',
      entity: { kind: 'user', value: 'svc' },
      verdict: 'true_positive',
    });
    expect(feed(attempts.slice(0, 3), tp.settings).alerts).toHaveLength(1); // 5 × 0.5 → 3
  });
});

describe('password spraying, credential stuffing and enumeration', () => {
  it('spraying: one source, many accounts, few attempts each', () => {
    const spray = Array.from({ length: 8 }, (_, i) => fail(T0 + i * 10 * S, `user${i}`, '203.0.113.9'));
    const { alerts } = feed(spray);
    expect(alerts.map((a) => a.pattern)).toEqual(['password_spray']);
    expect(alerts[0]).toMatchObject({
      entity: { kind: 'ip', value: '203.0.113.9' },
      observed: 8,
      techniques: ['T1110.003'],
    });
    expect(feed(spray.slice(0, 7)).alerts).toEqual([]);
    // Many attempts on each account is not a spray (it is brute force on each).
    const heavy = spray.flatMap((a) => Array.from({ length: 4 }, (_, k) => ({ ...a, time: a.time + k })));
    expect(feed(heavy).alerts.map((a) => a.pattern)).not.toContain('password_spray');
  });

  it('stuffing: many sources and many accounts, few attempts each', () => {
    const stuffing = Array.from({ length: 12 }, (_, i) => fail(T0 + i * S, `u${i}`, `198.51.100.${i + 1}`));
    const { alerts } = feed(stuffing);
    expect(alerts.map((a) => a.pattern)).toEqual(['credential_stuffing']);
    expect(alerts[0]).toMatchObject({ counts: { accounts: 12, sources: 12 }, techniques: ['T1110.004'] });
    // Same accounts from only 3 sources: no stuffing.
    const few = stuffing.map((a, i) => ({ ...a, sourceIp: `198.51.100.${(i % 3) + 1}` }));
    expect(feed(few).alerts.map((a) => a.pattern)).not.toContain('credential_stuffing');
  });

  it('enumeration: many unknown accounts from one source', () => {
    const names = Array.from({ length: 10 }, (_, i) =>
      fail(T0 + i * S, `ghost${i}`, '203.0.113.66', { reason: 'unknown_user' }),
    );
    const got = feed(names).alerts.map((a) => a.pattern);
    expect(got).toContain('user_enumeration');
    const known = names.map((a) => ({ ...a, reason: 'bad_password' as const }));
    expect(feed(known).alerts.map((a) => a.pattern)).not.toContain('user_enumeration');
  });
});

describe('scanning and bursts', () => {
  it('port scan: many ports from one source within the window', () => {
    const ports = Array.from({ length: 20 }, (_, i) => conn(T0 + i * 100, '10.9.9.9', '10.0.0.5', 1000 + i));
    const { alerts } = feed(ports);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ pattern: 'port_scan', counts: { distinctPorts: 20 } });
    expect(feed(ports.slice(0, 19)).alerts).toEqual([]);
    const slow = ports.map((c, i) => ({ ...c, time: T0 + i * 2 * MIN }));
    expect(feed(slow).alerts).toEqual([]);
  });

  it('web scan needs many paths and many 4xx; a scanner agent supports but never decides', () => {
    const probes = Array.from({ length: 60 }, (_, i) =>
      web(T0 + i * S, '192.0.2.50', `/admin${i}.php`, i % 2 ? 404 : 200),
    );
    const got = feed(probes).alerts.filter((a) => a.pattern === 'web_scan');
    expect(got).toHaveLength(1);
    expect(got[0]?.counts).toMatchObject({ distinctPaths: 60, clientErrors: 30, scannerAgent: 0 });
    // Same spread, all 200: a crawler or a user, not a scan.
    const fine = probes.map((r) => ({ ...r, status: 200 }));
    expect(feed(fine).alerts.filter((a) => a.pattern === 'web_scan')).toEqual([]);
    // A scanner agent on a handful of requests: nothing.
    const agent = probes.slice(0, 5).map((r) => ({ ...r, userAgent: 'sqlmap/1.7' }));
    expect(feed(agent).alerts).toEqual([]);
    const withAgent = feed(probes.map((r) => ({ ...r, userAgent: 'Nikto/2.5' }))).alerts.find(
      (a) => a.pattern === 'web_scan',
    );
    expect(withAgent?.reasons.map((r) => r.code)).toContain('behaviour.web_scan.scanner_agent');
  });

  it('burst: far above the baseline fires; a source whose own baseline is high does not', () => {
    const steady: WebRequest[] = [];
    // Ten sources, 5 requests a minute each, for 10 minutes: the site's baseline is 5.
    for (let m = 0; m < 10; m++)
      for (let s = 0; s < 10; s++)
        for (let k = 0; k < 5; k++) steady.push(web(T0 + m * MIN + s * 1000 + k, `10.0.1.${s}`, '/', 200));
    const bot = Array.from({ length: 150 }, (_, i) => web(T0 + 10 * MIN + i * 100, '10.0.2.1', '/', 200));
    const { alerts } = feed([...steady, ...bot]);
    expect(alerts.map((a) => [a.pattern, a.entity.value])).toEqual([['request_burst', '10.0.2.1']]);
    expect(alerts[0]?.baseline).toMatchObject({ perBucket: 5 });
    // A busy API client doing 150 a minute for 10 minutes is its own baseline after 3 minutes.
    const busy = Array.from({ length: 10 * 150 }, (_, i) => web(T0 + i * 400, '10.0.3.1', '/api', 200));
    const emitted = feed([...busy]).emitted.filter((a) => a.pattern === 'request_burst');
    expect(emitted.length).toBeLessThanOrEqual(1);
  });
});

describe('bounded memory and time', () => {
  it('caps tracked entities, evicting the oldest and counting evictions', () => {
    const engine = createBehaviourEngine({ maxEntities: 10 });
    for (let i = 0; i < 100; i++) engine.observe(fail(T0 + i, `user${i}`, '10.0.0.1'));
    const stats = engine.stats();
    expect(stats.evictions).toBeGreaterThanOrEqual(90);
    expect(stats.entities).toBeLessThanOrEqual(10 * 6);
  });

  it('forgets idle entities, and counts late and invalid observations', () => {
    const engine = createBehaviourEngine();
    for (let i = 0; i < 2048; i++) engine.observe(fail(T0 + i * MIN, `user${i}`, `10.0.${i >> 8}.${i & 255}`));
    expect(engine.stats().expired).toBeGreaterThan(1000);
    engine.observe(fail(T0, 'late', '10.0.0.1'));
    engine.observe(fail(Number.NaN, 'nan', '10.0.0.1'));
    expect(engine.stats()).toMatchObject({ late: 1, invalid: 1 });
  });
});

describe('findings', () => {
  it('an alert becomes a valid core finding', async () => {
    const { findingInputSchema } = await import('../../core/index.js');
    const { alerts } = feed(Array.from({ length: 6 }, (_, i) => fail(T0 + i * S, 'alice', '203.0.113.5')));
    const finding = findingInputSchema.parse(behaviourFinding(alerts[0] as NonNullable<(typeof alerts)[0]>));
    expect(finding).toMatchObject({ module: 'detect', kind: 'behaviour.brute_force', techniques: ['T1110.001'] });
  });
});

describe('bounded windows', () => {
  it('a window holding maxEventsPerEntity drops its oldest and counts it', () => {
    const engine = createBehaviourEngine({ maxEventsPerEntity: 10 });
    for (let i = 0; i < 25; i++) engine.observe(fail(T0 + i, 'alice', '10.0.0.1'));
    // Four windows see each failure (the user's, the source's, and two of the service's): 15 dropped in each.
    expect(engine.stats().truncated).toBe(60);
    expect(engine.alerts().find((a) => a.pattern === 'brute_force')?.observed).toBe(10);
  });
});
