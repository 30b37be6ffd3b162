// Learn service robustness: simultaneous reports of one simulation, team boards summed by the
// database (the same as the engine over every event), fill-in-the-blank graded in the language
// the learner answers in.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../core/index.js';
import { type GameEvent, learnerStats, rankTeams, teamLeaderboard } from '../learn/index.js';
import { openStore, type Store } from '../store/index.js';
import { createPlatform, type Platform } from './index.js';
import { createLearnService, type Learner, tokenDigest } from './learn.js';

const NOW = new Date('2026-03-02T09:03:00.000Z');
const clock = () => NOW;
const system = { actor: { kind: 'system' as const } };

let store: Store;
let platform: Platform;

beforeEach(async () => {
  store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-learn-')), 'v.db') });
  platform = createPlatform(store, { clock });
});
afterEach(() => store.close());

/** A sent simulation for `userId`; returns its tracking token. */
async function sentSimulation(userId: string | null): Promise<string> {
  const token = 'Tok3n_of-twenty-two-ch'.slice(0, 22);
  await store.learn.insertSends([
    {
      id: newId(),
      campaignId: 'c1',
      email: 'alice@acme.test',
      firstName: 'Alice',
      lastName: 'A',
      department: 'Finance',
      role: '',
      locale: 'en',
      userId,
      templateId: 'it-password-expiry',
      scheduledAt: '2026-03-02T09:00:00.000Z',
      status: 'sent',
      tokenHash: tokenDigest(token),
      attempts: 1,
      sentAt: '2026-03-02T09:00:00.000Z',
      error: null,
      messageId: null,
    },
  ]);
  return token;
}

describe('tracking', () => {
  it('records two simultaneous reports of one simulation once, with points once', async () => {
    const { user } = await platform.identity.createUser(
      { username: 'alice', role: 'learner', department: 'Finance' },
      system,
    );
    const token = await sentSimulation(user.id);
    const visits = await Promise.all([
      platform.learn.track(token, { type: 'reported', via: 'button' }),
      platform.learn.track(token, { type: 'reported', via: 'mailbox' }),
      platform.learn.track(token, { type: 'reported', via: 'api' }),
    ]);
    expect(visits.every((v) => v?.send.email === 'alice@acme.test')).toBe(true);
    const events = await store.db.selectFrom('learn_events').selectAll().where('type', '=', 'reported').execute();
    expect(events).toHaveLength(1);
    const game = await store.learn.gameEvents({ userId: user.id });
    expect(game.map((e) => e.type)).toEqual(['phishing.reported']);
    const learner: Learner = { id: user.id, department: 'Finance', locale: 'en' };
    const me = await platform.learn.me(learner);
    // 30 for the report, 20 more for reporting within five minutes of delivery (three here).
    expect(me.stats.points).toBe(50);
    expect(me.stats.reports.simulation).toBe(1);
    // A later report of the same send adds nothing either.
    await platform.learn.track(token, { type: 'reported', via: 'api' });
    expect((await store.learn.gameEvents({ userId: user.id })).length).toBe(1);
  });

  it('keeps every click of simultaneous clicks (only reports are once per send) and the signal of each', async () => {
    const { user } = await platform.identity.createUser({ username: 'bob', role: 'learner' }, system);
    const token = await sentSimulation(user.id);
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0 Safari/537.36';
    await Promise.all([
      platform.learn.track(token, { type: 'clicked', method: 'GET', userAgent: ua, ip: '10.0.0.1' }),
      platform.learn.track(token, { type: 'clicked', method: 'GET', userAgent: ua, ip: '10.0.0.1' }),
    ]);
    const clicks = await store.db.selectFrom('learn_events').selectAll().where('type', '=', 'clicked').execute();
    expect(clicks).toHaveLength(2);
    expect(clicks.every((c) => c.verdict !== null)).toBe(true);
  });
});

describe('team boards from grouped game events', () => {
  const people: [string, string][] = [
    ['u1', 'Finance'],
    ['u2', 'Finance'],
    ['u3', 'Finance'],
    ['u4', 'Sales'],
    ['u5', 'Sales'],
    ['u6', 'Sales'],
    ['u7', 'IT'],
    ['u8', 'IT'],
    ['u9', 'Legal'],
    ['u1', 'Sales'], // moved team: counted in both, as the engine does
  ];

  async function seed(): Promise<GameEvent[]> {
    const rows: { userId: string; team: string; type: string; at: string; data: Record<string, unknown> }[] = [];
    people.forEach(([userId, team], i) => {
      for (let k = 0; k <= i % 4; k++) {
        const at = `2026-02-${String(10 + k).padStart(2, '0')}T10:00:0${i % 10}.000Z`;
        rows.push({
          userId,
          team,
          type: 'quiz.answered',
          at,
          data: { topic: 'phishing', correct: k % 2 === 0, difficulty: (k % 3) + 1 },
        });
        rows.push({
          userId,
          team,
          type: 'quiz.answered',
          at,
          data: { topic: 'phishing', correct: true, difficulty: 2 },
        });
      }
      if (i % 3 === 0)
        rows.push({
          userId,
          team,
          type: 'module.passed',
          at: '2026-02-20T10:00:00.000Z',
          data: { moduleId: 'reporting', score: i % 2 ? 1 : 0.8 },
        });
      if (i % 2 === 0)
        rows.push({
          userId,
          team,
          type: 'phishing.reported',
          at: '2026-02-21T10:00:00.000Z',
          data: { kind: 'simulation', secondsAfterDelivery: 60 * i },
        });
      if (i === 4)
        rows.push({
          userId,
          team,
          type: 'phishing.reported',
          at: '2026-02-22T10:00:00.000Z',
          data: { kind: 'false-alarm' },
        });
    });
    for (const r of rows) await store.learn.insertGameEvent({ id: newId(), ...r });
    return rows.map((r) => ({ ...r.data, type: r.type, learner: r.userId, team: r.team, at: r.at }) as GameEvent);
  }

  it('gives the same leaderboard, ranks and learner stats as the engine over every event', async () => {
    const all = await seed();
    expect(await platform.learn.leaderboard()).toEqual(teamLeaderboard(all));
    const secret = 'board-secret';
    const pseudonymous = createLearnService(store, clock, { pseudonymSecret: secret });
    const board = await pseudonymous.leaderboard();
    expect(board).toEqual(teamLeaderboard(all, { pseudonymSecret: secret }));
    expect(board.length).toBeGreaterThan(1);
    for (const id of ['u1', 'u7', 'u9']) {
      const department = people.find(([u]) => u === id)?.[1] ?? null;
      const me = await pseudonymous.me({ id, department, locale: 'en' });
      const mine = all.filter((e) => e.learner === id);
      const stats = learnerStats(mine, NOW);
      expect(me.stats.points).toBe(stats.points);
      expect(me.stats.correctAnswers).toBe(stats.correctAnswers);
      expect(me.stats.streak).toEqual(stats.streak);
      const teams = teamLeaderboard(all, { minMembers: 1 });
      expect(me.team).toEqual({
        name: department,
        rank: teams.find((t) => t.team === department)?.rank,
        teams: teams.length,
      });
      expect(me.leaderboard).toEqual(teamLeaderboard(all, { pseudonymSecret: secret }));
    }
  });

  it('ranks ties like the engine (same points per member, same rank)', () => {
    const totals = [
      { team: 'B', points: 30, members: 3 },
      { team: 'A', points: 30, members: 3 },
      { team: 'C', points: 60, members: 6 },
      { team: 'D', points: 100, members: 2 },
      { team: 'E', points: 0, members: 4 },
    ];
    expect(rankTeams(totals).map((r) => [r.rank, r.team])).toEqual([
      [1, 'C'],
      [1, 'A'],
      [1, 'B'],
      [4, 'E'],
    ]);
    expect(rankTeams(totals, { minMembers: 1 })[0]?.team).toBe('D');
  });
});

describe('fill-in-the-blank grading', () => {
  it('grades in the language the learner answers in, the account’s by default', async () => {
    const { modules } = await platform.learn.content();
    const found = modules.flatMap((m) =>
      m.questions.flatMap((q) =>
        q.kind === 'cloze' && q.accept.en.every((e) => !q.accept.fr.some((f) => f.toLowerCase() === e.toLowerCase()))
          ? [{ m, q }]
          : [],
      ),
    )[0];
    if (found?.q.kind !== 'cloze') throw new Error('the shipped content has no bilingual cloze question');
    const { m, q } = found;
    const english = { kind: 'text' as const, value: q.accept.en[0] ?? '' };
    const frenchAccount: Learner = { id: 'u-fr', department: null, locale: 'fr' };
    const base = { moduleId: m.id, questionId: q.id, answer: english };
    // A French account reading the English interface types the English word.
    const inEnglish = await platform.learn.answer(frenchAccount, { ...base, locale: 'en' });
    expect(inEnglish.correct).toBe(true);
    expect(inEnglish.expected).toEqual({ kind: 'text', value: q.accept.en[0] });
    // Without a locale, the account's language is the one graded (French): the English word is wrong.
    const byAccount = await platform.learn.answer(frenchAccount, base);
    expect(byAccount.correct).toBe(false);
    expect(byAccount.expected).toEqual({ kind: 'text', value: q.accept.fr[0] });
    const inFrench = await platform.learn.answer(frenchAccount, {
      ...base,
      answer: { kind: 'text', value: q.accept.fr[0] ?? '' },
      locale: 'fr',
    });
    expect(inFrench.correct).toBe(true);
  });
});
