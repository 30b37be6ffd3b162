// The security team's reflexes on the Learn programme dashboard: Detect incidents picked up and
// resolved (from their workflow steps in the audit trail) and Mail reports judged, on SQLite and
// (with VIGIE_TEST_DATABASE_URL) PostgreSQL; nothing but nulls before the modules hold data.
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../tests/support/databases.js';
import type { Store } from '../store/index.js';
import { createLearnService } from './learn.js';
import { percentile, programmeReflexes } from './learn-reflexes.js';

const clock = () => new Date('2026-03-02T18:00:00.000Z');

async function incident(store: Store, id: string, createdAt: string, status: string): Promise<void> {
  await store.detect.insertIncident({
    id,
    entityKind: 'ip',
    entityValue: `10.0.0.${id.length}`,
    entityKey: `ip:${id}`,
    firstTime: createdAt,
    lastTime: createdAt,
    severity: 'high',
    status,
    resolution: status === 'resolved' ? 'true-positive' : null,
    assignee: null,
    alertCount: 1,
    createdAt,
    updatedAt: createdAt,
    findingId: null,
  });
}

async function step(store: Store, id: string, at: string, from: string, to: string): Promise<void> {
  await store.audit.append({
    at,
    actor: 'user:analyst',
    action: 'detect.incident.status',
    target: id,
    details: { from, to, resolution: to === 'resolved' ? 'true-positive' : null },
  });
}

async function report(store: Store, id: string, receivedAt: string, analystAt: string | null): Promise<void> {
  await store.mail.insertMessage(
    {
      id,
      receivedAt,
      source: 'upload',
      reporter: 'u1',
      rawSha256: id.padEnd(64, '0'),
      size: 10,
      subject: 'Invoice',
      fromAddress: 'x@evil.test',
      verdict: 'suspicious',
      score: 0.5,
      analysis: '{}',
      modelVersion: 'shipped',
      findingId: null,
      analystVerdict: analystAt ? 'phishing' : null,
      analystId: analystAt ? 'u2' : null,
      analystAt,
      analystNote: null,
    },
    new TextEncoder().encode('Subject: x\r\n\r\nx'),
  );
}

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([], 0.9)).toBeNull();
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([10, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.9)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
  });
});

for (const database of testDatabases()) {
  describe(`programme reflexes (${database.name})`, () => {
    afterAll(() => database.cleanup());

    it('is all nulls and zeros before Detect and Mail hold data', async () => {
      const store = await database.open();
      try {
        const programme = await createLearnService(store, clock).programme();
        expect(programme.reflexes).toEqual({
          detect: {
            incidents: 0,
            open: 0,
            medianSecondsToInvestigate: null,
            p90SecondsToInvestigate: null,
            medianSecondsToResolve: null,
            p90SecondsToResolve: null,
            limited: false,
          },
          mail: { reports: 0, judged: 0, judgedShare: null, medianSecondsToVerdict: null, limited: false },
        });
      } finally {
        await store.close();
      }
    });

    it('measures time to investigate, to resolve and to the analyst verdict', async () => {
      const store = await database.open();
      try {
        // A: investigating after 10 min, resolved after 1 h, then reopened (its first steps count).
        await incident(store, 'inc-a', '2026-03-02T10:00:00.000Z', 'investigating');
        await step(store, 'inc-a', '2026-03-02T10:10:00.000Z', 'new', 'investigating');
        await step(store, 'inc-a', '2026-03-02T11:00:00.000Z', 'investigating', 'resolved');
        await step(store, 'inc-a', '2026-03-02T12:00:00.000Z', 'resolved', 'investigating');
        // B: investigating after 30 min, still open.
        await incident(store, 'inc-b', '2026-03-02T10:00:00.000Z', 'investigating');
        await step(store, 'inc-b', '2026-03-02T10:30:00.000Z', 'new', 'investigating');
        // C: resolved straight away after 2 h (no investigating step).
        await incident(store, 'inc-c', '2026-03-02T12:00:00.000Z', 'resolved');
        await step(store, 'inc-c', '2026-03-02T14:00:00.000Z', 'new', 'resolved');
        // D: untouched.
        await incident(store, 'inc-d', '2026-03-02T13:00:00.000Z', 'new');
        // A step about an incident that is not stored, and another action: ignored.
        await step(store, 'gone', '2026-03-02T10:05:00.000Z', 'new', 'investigating');
        await store.audit.append({ at: '2026-03-02T10:01:00.000Z', actor: 'x', action: 'detect.alert.verdict' });

        await report(store, 'm1', '2026-03-02T09:00:00.000Z', '2026-03-02T09:20:00.000Z');
        await report(store, 'm2', '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z');
        await report(store, 'm3', '2026-03-02T09:30:00.000Z', null);

        const reflexes = await programmeReflexes(store);
        expect(reflexes.detect).toEqual({
          incidents: 4,
          open: 3,
          medianSecondsToInvestigate: 1200,
          p90SecondsToInvestigate: 1800,
          medianSecondsToResolve: 5400,
          p90SecondsToResolve: 7200,
          limited: false,
        });
        expect(reflexes.mail).toEqual({
          reports: 3,
          judged: 2,
          judgedShare: 0.6667,
          medianSecondsToVerdict: 2400,
          limited: false,
        });
        expect((await createLearnService(store, clock).programme()).reflexes).toEqual(reflexes);
      } finally {
        await store.close();
      }
    });
  });
}
