import { describe, expect, it } from 'vitest';
import {
  BADGES,
  badgesOf,
  challengeOf,
  challengeProgress,
  type GameEvent,
  learnerStats,
  pointsFor,
  pseudonym,
  streakOf,
  teamLeaderboard,
} from './gamification.js';

const at = (d: string) => `${d}T10:00:00Z`;
const lesson = (learner: string, team: string, d: string): GameEvent => ({
  type: 'lesson.completed',
  learner,
  team,
  at: at(d),
  moduleId: 'm',
});

describe('points', () => {
  it('rewards quick reports most and never takes points away', () => {
    expect(
      pointsFor({
        type: 'phishing.reported',
        learner: 'a',
        team: 't',
        at: at('2026-03-02'),
        kind: 'simulation',
        secondsAfterDelivery: 120,
      }),
    ).toBe(50);
    expect(
      pointsFor({
        type: 'phishing.reported',
        learner: 'a',
        team: 't',
        at: at('2026-03-02'),
        kind: 'simulation',
        secondsAfterDelivery: 4000,
      }),
    ).toBe(30);
    expect(
      pointsFor({
        type: 'phishing.reported',
        learner: 'a',
        team: 't',
        at: at('2026-03-02'),
        kind: 'false-alarm',
        secondsAfterDelivery: 10,
      }),
    ).toBe(5);
    expect(
      pointsFor({
        type: 'quiz.answered',
        learner: 'a',
        team: 't',
        at: at('2026-03-02'),
        topic: 'x',
        correct: false,
        difficulty: 3,
      }),
    ).toBe(0);
    expect(
      pointsFor({
        type: 'quiz.answered',
        learner: 'a',
        team: 't',
        at: at('2026-03-02'),
        topic: 'x',
        correct: true,
        difficulty: 3,
      }),
    ).toBe(5);
    expect(
      pointsFor({ type: 'module.passed', learner: 'a', team: 't', at: at('2026-03-02'), moduleId: 'm', score: 1 }),
    ).toBe(30);
  });
});

describe('streaks', () => {
  it('counts consecutive weeks, and the current week without activity yet does not break it', () => {
    const events = ['2026-02-09', '2026-02-17', '2026-02-26', '2026-03-12'].map((d) => lesson('a', 't', d));
    // Weeks of 9 Feb, 16 Feb, 23 Feb, then a gap (2 Mar), then 9 Mar.
    expect(streakOf(events, new Date('2026-03-13T00:00:00Z'))).toEqual({ current: 1, best: 3 });
    expect(streakOf(events, new Date('2026-03-17T00:00:00Z'))).toEqual({ current: 1, best: 3 });
    expect(streakOf(events, new Date('2026-03-24T00:00:00Z'))).toEqual({ current: 0, best: 3 });
    expect(streakOf(events.slice(0, 3), new Date('2026-03-03T00:00:00Z')).current).toBe(3);
  });
});

describe('badges', () => {
  it('awards badges from stats', () => {
    const events: GameEvent[] = [
      { type: 'module.passed', learner: 'a', team: 't', at: at('2026-03-02'), moduleId: 'shadow-ai', score: 1 },
      { type: 'module.passed', learner: 'a', team: 't', at: at('2026-03-03'), moduleId: 'ai-assistants', score: 0.8 },
      { type: 'module.passed', learner: 'a', team: 't', at: at('2026-03-04'), moduleId: 'deepfakes', score: 0.9 },
      {
        type: 'phishing.reported',
        learner: 'a',
        team: 't',
        at: at('2026-03-05'),
        kind: 'real',
        secondsAfterDelivery: 60,
      },
    ];
    const stats = learnerStats(events, new Date('2026-03-06T00:00:00Z'));
    expect(badgesOf(stats, ['shadow-ai', 'deepfakes']).sort()).toEqual(
      ['ai-savvy', 'first-steps', 'path-complete', 'perfect-score', 'quick-reflex', 'real-catch'].sort(),
    );
    expect(badgesOf(stats, ['shadow-ai', 'updates'])).not.toContain('path-complete');
  });

  it('has unique ids and both languages', () => {
    expect(new Set(BADGES.map((b) => b.id)).size).toBe(BADGES.length);
    for (const b of BADGES) expect(b.name.fr && b.name.en && b.description.fr && b.description.en).toBeTruthy();
  });
});

describe('team leaderboard', () => {
  const events: GameEvent[] = [
    ...['a1', 'a2', 'a3'].map((l) => lesson(l, 'Alpha', '2026-03-02')),
    ...['b1', 'b2', 'b3', 'b4'].map((l) => lesson(l, 'Beta', '2026-03-02')),
    { type: 'module.passed', learner: 'b1', team: 'Beta', at: at('2026-03-03'), moduleId: 'm', score: 0.9 },
    lesson('c1', 'Gamma', '2026-03-02'),
  ];

  it('ranks by points per member and leaves out teams too small to stay anonymous', () => {
    const board = teamLeaderboard(events);
    expect(board.map((e) => [e.rank, e.team, e.points, e.members, e.pointsPerMember])).toEqual([
      [1, 'Beta', 40, 4, 10],
      [2, 'Alpha', 15, 3, 5],
    ]);
  });

  it('uses stable pseudonyms that hide the team name', () => {
    const board = teamLeaderboard(events, { pseudonymSecret: 's3cret' });
    const again = teamLeaderboard(events, { pseudonymSecret: 's3cret' });
    expect(again).toEqual(board);
    expect(board.every((e) => e.team === undefined)).toBe(true);
    expect(JSON.stringify(board)).not.toMatch(/Alpha|Beta/);
    expect(board[0]?.name).toEqual(pseudonym('team:Beta', 's3cret'));
    expect(pseudonym('team:Beta', 'other')).not.toEqual(pseudonym('team:Beta', 's3cret'));
    expect(board[0]?.name.en).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ #\d{1,3}$/);
  });

  it('filters by period', () => {
    expect(teamLeaderboard(events, { from: '2026-03-03T00:00:00Z', minMembers: 1 }).map((e) => e.team)).toEqual([
      'Beta',
    ]);
  });
});

describe('monthly challenges', () => {
  it('rotates by month and measures progress inside the month only', () => {
    expect(challengeOf('2026-03').id).not.toBe(challengeOf('2026-04').id);
    const month = ['2026-01', '2026-02', '2026-03', '2026-04'].find(
      (m) => challengeOf(m).id === 'report-two',
    ) as string;
    const report = (d: string): GameEvent => ({
      type: 'phishing.reported',
      learner: 'a',
      team: 't',
      at: `${d}T10:00:00Z`,
      kind: 'simulation',
    });
    const p = challengeProgress([report(`${month}-03`), report(`${month}-20`), report('2025-12-31')], month);
    expect(p).toMatchObject({ challengeId: 'report-two', progress: 2, target: 2, done: true });
    expect(challengeProgress([report(`${month}-03`), { ...report('x'), at: 'garbage' }], month).done).toBe(false);
  });
});
