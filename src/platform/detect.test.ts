/**
 * The Detect service on every database: batches become events, alerts and incidents in one
 * transaction; a failed transaction leaves nothing and rebuilds engine state; verdicts adjust
 * thresholds visibly and undoably; a restart replays recent events.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testDatabases } from '../../tests/support/databases.js';
import { SSH_RULE, SSH_RULE_ID, sshFailure } from '../../tests/support/detect.js';
import type { Store } from '../store/index.js';
import { createDetectService, type DetectService } from './detect.js';
import { createFindings } from './findings.js';

const SYSTEM = { actor: { kind: 'system' as const } };
const START = Date.parse('2026-03-02T09:00:00.000Z');

const failures = (from: number, count: number, user = 'root') =>
  Array.from({ length: count }, (_, i) => sshFailure(from + i * 1000, user));

/** A correlation over the SSH rule, per host, in 5 minutes. */
const perHost = (condition: string) => `title: SSH failures per host
id: ssh-per-host
level: high
correlation:
  type: event_count
  rules: [${SSH_RULE_ID}]
  group-by: [host.hostname]
  timespan: 5m
  condition: { ${condition} }
  generate: true
`;
const withRules = async (detect: DetectService, condition: string) =>
  detect.importRules(
    {
      name: 'local',
      files: [
        { path: 'ssh.yml', text: SSH_RULE },
        { path: 'corr.yml', text: perHost(condition) },
      ],
    },
    SYSTEM,
  );

for (const database of testDatabases())
  describe(`Detect service on ${database.name}`, () => {
    let store: Store;
    let now = START;
    const clock = () => new Date(now);
    const service = (s: Store = store): DetectService => createDetectService(s, clock, createFindings(store, clock));

    beforeEach(async () => {
      now = START;
      store = await database.open();
    });
    afterEach(async () => {
      await store.close();
    });
    afterAll(() => database.cleanup());

    it('takes a line as one record: an array of events on a line is refused whole', async () => {
      const odd = await service().ingest({ lines: ['[{"a":1},{"b":2}]', '[{"a":1}]', '{'], source: 'test' }, SYSTEM);
      expect(odd).toMatchObject({ received: 3, accepted: 1 });
      expect(odd.rejected).toEqual([
        { index: 0, reason: 'json: a line holding several events (an array): send them as records' },
        { index: 2, reason: 'json: a JSON value not closed at the end of the input' },
      ]);
    });

    it('turns a batch into events, rule and behavioural alerts, and one incident per host', async () => {
      const detect = service();
      await detect.importRules({ name: 'local', files: [{ path: 'ssh.yml', text: SSH_RULE }] }, SYSTEM);
      const result = await detect.ingest(
        { lines: [...failures(START - 60_000, 8), 'not a log line at all'], source: 'test' },
        SYSTEM,
      );
      expect(result).toMatchObject({ received: 9, accepted: 8, alerts: { created: 9, updated: 0 } });
      expect(result.rejected).toEqual([{ index: 8, reason: expect.any(String) }]);
      expect(result.incidents).toHaveLength(1);

      const { items } = await detect.listAlerts({ limit: 50 });
      expect(items.filter((a) => a.kind === 'rule')).toHaveLength(8);
      // One batch raised them all at once: listed by the time of their latest event, newest first, page after page.
      const times = items.map((a) => a.lastTime);
      expect(times).toEqual([...times].sort().reverse());
      const first = await detect.listAlerts({ limit: 4 });
      const next = await detect.listAlerts({ limit: 50, before: first.nextCursor ?? '' });
      expect([...first.items, ...next.items].map((a) => a.id)).toEqual(items.map((a) => a.id));
      const brute = items.find((a) => a.kind === 'behaviour');
      expect(brute).toMatchObject({ ruleId: 'brute_force', severity: 'medium', details: { observed: 5 } });
      expect(brute?.reasons[0]?.message.fr).toContain('échecs');

      const incident = await detect.getIncident(result.incidents[0] ?? '');
      expect(incident).toMatchObject({ entity: { kind: 'host', value: 'web01' }, alertCount: 9, status: 'new' });
      // The highest severity of its alerts (the rule is low, the brute force medium).
      expect(incident.severity).toBe('medium');
      expect(incident.attack.techniques).toContainEqual({ id: 'T1110.001', name: 'Password Guessing' });
      expect(incident.attack.tactics).toContainEqual({ id: 'TA0006', name: 'Credential Access' });
      expect(incident.timeline[0]?.events[0]?.original).toContain('Failed password');
      expect(incident.entities.ips).toEqual(['203.0.113.7']);

      // Alerts and incidents are core findings too.
      const findings = await store.findings.recent(100, 'detect');
      expect(findings.filter((f) => f.kind === 'incident')).toHaveLength(1);
      expect(findings.filter((f) => f.kind === 'behaviour.brute_force')).toHaveLength(1);
      const audit = await store.audit.list({ limit: 10, action: 'detect.ingest' });
      expect(audit[0]?.details).toMatchObject({ accepted: 8, rejected: 1, alertsCreated: 9 });

      // A second batch an hour later for another host opens another incident; the same host joins its own.
      now += 30 * 60_000;
      const more = await detect.ingest(
        { lines: [sshFailure(now - 1000, 'alice', '198.51.100.9', 'db01')], source: 'test' },
        SYSTEM,
      );
      const again = await detect.ingest({ lines: [sshFailure(now - 500)], source: 'test' }, SYSTEM);
      expect(more.incidents[0]).not.toBe(result.incidents[0]);
      expect(again.incidents).toEqual(result.incidents);
    });

    it('closes correlation windows by the clock: upper-bound conditions alert once, stored, even after a restart', async () => {
      const detect = service();
      await withRules(detect, 'lt: 3');
      const batch = await detect.ingest({ lines: failures(START - 60_000, 2), source: 'test' }, SYSTEM);
      expect(batch.alerts.created).toBe(2); // the two rule alerts: the window is still open
      // The window (last event + 5 min) has not ended, with the grace, by the clock.
      expect((await detect.closeWindows()).alerts).toEqual({ created: 0, updated: 0 });
      now += 10 * 60_000;
      const closed = await detect.closeWindows();
      expect(closed.alerts).toEqual({ created: 1, updated: 0 });
      expect(closed.incidents).toEqual(batch.incidents);
      const alerts = (await detect.listAlerts({ limit: 10, kind: 'correlation' })).items;
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        ruleId: 'ssh-per-host',
        source: 'detect:windows',
        details: { value: 2, group: { 'host.hostname': 'web01' } },
        entities: { hosts: ['web01'] },
      });
      expect(alerts[0]?.eventIds).toHaveLength(2);
      expect((await store.audit.list({ limit: 5, action: 'detect.windows.close' }))[0]?.details).toMatchObject({
        closed: 1,
        alertsCreated: 1,
      });
      expect((await detect.closeWindows()).alerts).toEqual({ created: 0, updated: 0 });
      // A restart replays the two events, and closes their window again: the same alert, not a second one.
      const restarted = service();
      await restarted.restore();
      expect((await restarted.closeWindows()).alerts).toEqual({ created: 0, updated: 1 });
      expect((await detect.listAlerts({ limit: 10, kind: 'correlation' })).items).toHaveLength(1);
    });

    it('does not let a source whose clock runs ahead close the windows of the others', async () => {
      const detect = service();
      await withRules(detect, 'lt: 3');
      await detect.ingest({ lines: failures(START - 60_000, 2), source: 'web' }, SYSTEM);
      await detect.ingest(
        { lines: [sshFailure(START + 2 * 3_600_000, 'root', '198.51.100.9', 'db01')], source: 'ahead' },
        SYSTEM,
      );
      // The third failure of web01, within its window: "fewer than 3" no longer holds there.
      const third = await detect.ingest({ lines: [sshFailure(START - 30_000)], source: 'web' }, SYSTEM);
      expect(third.alerts.created).toBe(1); // its rule alert only
      now += 10 * 60_000;
      await detect.closeWindows();
      expect((await detect.listAlerts({ limit: 10, kind: 'correlation' })).items).toEqual([]);
    });

    it('feeds a batch to the engines in event-time order, and counts what is still late', async () => {
      const detect = service();
      await withRules(detect, 'gte: 3');
      // Sent newest first: read in that order, the three older failures would be late for the correlation.
      const lines = [sshFailure(START - 10_000), ...failures(START - 20 * 60_000, 3)];
      const batch = await detect.ingest({ lines, source: 'test' }, SYSTEM);
      expect(batch.late).toEqual({ correlation: 0, behaviour: 0 });
      const alerts = (await detect.listAlerts({ limit: 10, kind: 'correlation' })).items;
      expect(alerts).toMatchObject([{ ruleId: 'ssh-per-host', details: { value: 3 } }]);
      // Stored in the order they were fed, so that a replay feeds them alike.
      const stored = await store.detect.eventsReceivedSince(new Date(0).toISOString(), 10);
      expect(stored.map((e) => e.eventTime)).toEqual([...stored.map((e) => e.eventTime)].sort());
      // A match older than its group's window, in a later batch: dropped, and said so.
      const late = await detect.ingest({ lines: [sshFailure(START - 60 * 60_000)], source: 'test' }, SYSTEM);
      expect(late.late.correlation).toBe(1);
      expect((await store.audit.list({ limit: 1, action: 'detect.ingest' }))[0]?.details).toMatchObject({
        late: { correlation: 1 },
      });
    });

    it('reads the timeline events of an incident in one query, whatever its number of alerts', async () => {
      const detect = service();
      await detect.importRules({ name: 'local', files: [{ path: 'ssh.yml', text: SSH_RULE }] }, SYSTEM);
      const result = await detect.ingest({ lines: failures(START - 60_000, 8), source: 'test' }, SYSTEM);
      const spy = vi.spyOn(store.detect, 'eventsByIds');
      const incident = await detect.getIncident(result.incidents[0] ?? '');
      expect(incident.timeline).toHaveLength(9);
      expect(spy).toHaveBeenCalledTimes(1);
      for (const alert of incident.timeline) {
        expect(alert.events.map((e) => e.id)).toEqual(alert.eventIds.slice(0, alert.events.length));
        expect(alert.events.length).toBeGreaterThan(0);
      }
    });

    it('stores nothing and acknowledges nothing when the transaction fails, and forgets what the engines saw', async () => {
      let kill = true;
      const failing: Store = {
        ...store,
        transaction: (work) =>
          store.transaction((tx) =>
            work({
              ...tx,
              audit: {
                ...tx.audit,
                append: async (entry) => {
                  if (kill) throw new Error('killed before commit');
                  return tx.audit.append(entry);
                },
              },
            }),
          ),
      };
      const detect = service(failing);
      await expect(detect.ingest({ lines: failures(START - 60_000, 4), source: 'test' }, SYSTEM)).rejects.toThrow(
        'killed',
      );
      expect(await store.detect.countEvents()).toBe(0);
      expect(await store.audit.list({ limit: 10, action: 'detect.ingest' })).toEqual([]);

      // Had the engine kept the 4 failures it saw, a fifth would make a brute force.
      kill = false;
      const next = await detect.ingest({ lines: failures(START - 50_000, 1), source: 'test' }, SYSTEM);
      expect(next.alerts.created).toBe(0);
      expect(await store.detect.countEvents()).toBe(1);
      const five = await detect.ingest({ lines: failures(START - 40_000, 4), source: 'test' }, SYSTEM);
      expect(five.alerts.created).toBe(1);
    });

    it('keeps the finding of a growing brute force up to date, without touching the verdict', async () => {
      const detect = service();
      await detect.ingest({ lines: failures(START - 120_000, 6), source: 'test' }, SYSTEM);
      const alert = (await detect.listAlerts({ limit: 10, kind: 'behaviour' })).items[0];
      const findingId = alert?.findingId ?? '';
      const first = await store.findings.findById(findingId);
      expect(first).toMatchObject({ severity: 'medium' });
      const analyst = { actor: { kind: 'user' as const, id: 'u1', username: 'ana' }, requestId: 'r1' };
      await detect.setVerdict(alert?.id ?? '', { verdict: 'true_positive' }, analyst);
      const grown = await detect.ingest({ lines: failures(START - 60_000, 60), source: 'test' }, SYSTEM);
      expect(grown.alerts.updated).toBeGreaterThan(0);
      const revised = await store.findings.findById(findingId);
      expect(revised).toMatchObject({ id: findingId, createdAt: first?.createdAt, severity: 'high' });
      expect(Number(revised?.evidence[0]?.data?.failures)).toBeGreaterThan(5);
      expect((await detect.listAlerts({ limit: 10, kind: 'behaviour' })).items[0]).toMatchObject({
        id: alert?.id,
        verdict: 'true_positive',
        severity: 'high',
      });
    });

    it('rebuilds engine state from stored events after a restart', async () => {
      await service().ingest({ lines: failures(START - 60_000, 4), source: 'test' }, SYSTEM);
      const restarted = service();
      const state = await restarted.restore();
      expect(state.replayed).toBe(4);
      const fifth = await restarted.ingest({ lines: failures(START - 50_000, 1), source: 'test' }, SYSTEM);
      expect(fifth.alerts.created).toBe(1);
    });

    it('turns a false-positive verdict into a higher threshold for that account, audited, and undoes it', async () => {
      const detect = service();
      await detect.ingest({ lines: failures(START - 120_000, 8), source: 'test' }, SYSTEM);
      const brute = (await detect.listAlerts({ limit: 10, kind: 'behaviour' })).items[0];
      expect(brute).toBeDefined();
      const analyst = { actor: { kind: 'user' as const, id: 'u1', username: 'ana' }, requestId: 'r1' };
      const { alert, change } = await detect.setVerdict(brute?.id ?? '', { verdict: 'false_positive' }, analyst);
      expect(alert).toMatchObject({ status: 'triaged', verdict: 'false_positive', verdictBy: 'u1' });
      expect(change).toMatchObject({ pattern: 'brute_force', entity: { kind: 'user', value: 'root' }, before: null });
      expect(change?.after?.scale).toBeGreaterThanOrEqual(2);
      expect((await detect.behaviourSettings()).settings.overrides).toHaveLength(1);
      const actions = (await store.audit.list({ limit: 20 })).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['detect.alert.verdict', 'detect.behaviour.change']));

      // A new episode (after the cool-down) of the same size no longer raises an alert for root...
      now += 3_600_000;
      const quiet = await detect.ingest({ lines: failures(now - 60_000, 8), source: 'test' }, SYSTEM);
      expect(quiet.alerts.created).toBe(0);
      // ...but does for another account.
      const other = await detect.ingest({ lines: failures(now - 30_000, 8, 'bob'), source: 'test' }, SYSTEM);
      expect(other.alerts.created).toBe(1);

      const undone = await detect.undoBehaviourChange(change?.id ?? '', analyst);
      expect(undone.undoneAt).toEqual(expect.any(String));
      expect((await detect.behaviourSettings()).settings.overrides).toEqual([]);
      await expect(detect.undoBehaviourChange(change?.id ?? '', analyst)).rejects.toMatchObject({
        code: 'VIGIE_ERR_CONFLICT',
      });
      expect((await store.audit.list({ limit: 5, action: 'detect.behaviour.undo' })).length).toBe(1);
      now += 3_600_000;
      const loud = await detect.ingest({ lines: failures(now - 60_000, 8), source: 'test' }, SYSTEM);
      expect(loud.alerts.created).toBe(1);
      expect((await detect.behaviourChanges(10))[0]?.undoneBy).toBe('user:ana');
    });

    it('keeps the incident workflow: new → investigating → resolved with a resolution', async () => {
      const detect = service();
      const { incidents } = await detect.ingest({ lines: failures(START - 60_000, 6), source: 'test' }, SYSTEM);
      const id = incidents[0] ?? '';
      await expect(detect.setIncidentStatus(id, { status: 'resolved' }, SYSTEM)).rejects.toMatchObject({
        code: 'VIGIE_ERR_VALIDATION',
      });
      await detect.setIncidentStatus(id, { status: 'investigating', assignee: 'ana', note: 'looking' }, SYSTEM);
      const resolved = await detect.setIncidentStatus(id, { status: 'resolved', resolution: 'benign' }, SYSTEM);
      expect(resolved).toMatchObject({ status: 'resolved', resolution: 'benign', assignee: 'ana' });
      await expect(detect.setIncidentStatus(id, { status: 'new' }, SYSTEM)).rejects.toMatchObject({
        code: 'VIGIE_ERR_CONFLICT',
      });
      expect((await detect.getIncident(id)).notes).toMatchObject([{ text: 'looking', author: 'system' }]);
      // A resolved incident takes no new alerts: the next ones open a new incident.
      const later = await detect.ingest({ lines: failures(START - 30_000, 1), source: 'test' }, SYSTEM);
      expect(later.incidents).toHaveLength(0);
      await detect.importRules({ name: 'p', files: [{ path: 'ssh.yml', text: SSH_RULE }] }, SYSTEM);
      const withRule = await detect.ingest({ lines: failures(START - 20_000, 1), source: 'test' }, SYSTEM);
      expect(withRule.incidents).toHaveLength(1);
      expect(withRule.incidents[0]).not.toBe(id);
    });

    it('applies a workflow step only to the status the analyst saw, and never lets ingest undo it', async () => {
      const detect = service();
      await detect.importRules({ name: 'p', files: [{ path: 'ssh.yml', text: SSH_RULE }] }, SYSTEM);
      const { incidents } = await detect.ingest({ lines: failures(START - 60_000, 6), source: 'test' }, SYSTEM);
      const id = incidents[0] ?? '';
      const before = await detect.getIncident(id);
      // Two analysts see the incident as "new"; the first takes it, the second is told to reload.
      await detect.setIncidentStatus(id, { status: 'investigating', expected: 'new', assignee: 'ana' }, SYSTEM);
      await expect(
        detect.setIncidentStatus(id, { status: 'resolved', expected: 'new', resolution: 'benign' }, SYSTEM),
      ).rejects.toMatchObject({ code: 'VIGIE_ERR_CONFLICT' });
      // The store applies a step only from the status it was read in (the race between read and write).
      expect(
        await store.detect.setIncidentWorkflow(id, 'new', {
          status: 'resolved',
          resolution: 'benign',
          assignee: null,
          at: new Date(now).toISOString(),
        }),
      ).toBe(false);
      // New alerts on the same account widen the incident but keep the analyst's status and assignee.
      await detect.ingest({ lines: failures(START - 10_000, 2), source: 'test' }, SYSTEM);
      const after = await detect.getIncident(id);
      expect(after).toMatchObject({ status: 'investigating', assignee: 'ana' });
      expect(after.alertCount).toBeGreaterThan(before.alertCount);
      expect(Date.parse(after.lastTime)).toBeGreaterThan(Date.parse(before.lastTime));
      expect((await store.audit.list({ limit: 10, action: 'detect.incident.status' })).length).toBe(1);
    });

    it('imports rule packs with failures named by file and line, and switches rules off', async () => {
      const detect = service();
      const imported = await detect.importRules(
        {
          name: 'pack',
          files: [
            { path: 'good/ssh.yml', text: SSH_RULE },
            { path: 'bad/broken.yml', text: 'title: broken\nid: x\nlogsource: {}\ndetection:\n  condition: nothing\n' },
          ],
        },
        SYSTEM,
      );
      expect(imported.rules).toBe(1);
      expect(imported.problems).toEqual([
        expect.objectContaining({ file: 'bad/broken.yml', line: 5, reason: expect.stringContaining('nothing') }),
      ]);
      const listed = await detect.rules();
      expect(listed.rules).toEqual([
        expect.objectContaining({ file: 'good/ssh.yml', originName: 'pack', enabled: true }),
      ]);
      expect(listed.problems).toEqual([expect.objectContaining({ file: 'bad/broken.yml', originName: 'pack' })]);

      await detect.setRuleEnabled('5f2b1c3e-0d3c-4a8e-9a53-1d1f5a9b7c01', false, SYSTEM);
      const off = await detect.ingest({ lines: failures(START - 60_000, 1), source: 'test' }, SYSTEM);
      expect(off.alerts.created).toBe(0);
      await expect(detect.setRuleEnabled('nope', true, SYSTEM)).rejects.toMatchObject({ code: 'VIGIE_ERR_NOT_FOUND' });
      // The switch is stored: a restarted service keeps it.
      const restarted = service();
      expect((await restarted.rules()).rules[0]?.enabled).toBe(false);
    });
  });
