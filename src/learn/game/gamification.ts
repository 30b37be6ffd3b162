/**
 * Gamification as pure functions over learning events: points, badges, weekly streaks, team
 * leaderboards (optionally under stable pseudonyms) and monthly challenges. Nothing here ever
 * takes points away: a click in a simulation costs nothing, so nobody learns to hide one.
 */
import { createHmac } from 'node:crypto';
import type { LocalizedText } from '../../core/index.js';

export type GameEvent =
  | {
      readonly type: 'lesson.completed';
      readonly learner: string;
      readonly team: string;
      readonly at: string;
      readonly moduleId: string;
    }
  | {
      readonly type: 'quiz.answered';
      readonly learner: string;
      readonly team: string;
      readonly at: string;
      readonly topic: string;
      readonly correct: boolean;
      readonly difficulty: 1 | 2 | 3;
    }
  | {
      readonly type: 'module.passed';
      readonly learner: string;
      readonly team: string;
      readonly at: string;
      readonly moduleId: string;
      readonly score: number;
    }
  | {
      readonly type: 'phishing.reported';
      readonly learner: string;
      readonly team: string;
      readonly at: string;
      /** `simulation`: one of ours; `real`: confirmed phishing; `false-alarm`: a legitimate message. */
      readonly kind: 'simulation' | 'real' | 'false-alarm';
      readonly secondsAfterDelivery?: number;
    };

/** Points per event; a quick report is worth most because it is the reflex that matters most. */
export const POINTS = {
  lesson: 5,
  correctAnswer: 2,
  perDifficulty: 1,
  modulePassed: 20,
  perfectModule: 10,
  reportSimulation: 30,
  reportReal: 50,
  reportFalseAlarm: 5,
  quickReportBonus: 20,
} as const;

/** A report within this many seconds of delivery earns the bonus. */
export const QUICK_REPORT_SECONDS = 300;

export function pointsFor(event: GameEvent): number {
  switch (event.type) {
    case 'lesson.completed':
      return POINTS.lesson;
    case 'quiz.answered':
      return event.correct ? POINTS.correctAnswer + POINTS.perDifficulty * event.difficulty : 0;
    case 'module.passed':
      return POINTS.modulePassed + (event.score >= 1 ? POINTS.perfectModule : 0);
    case 'phishing.reported': {
      const base =
        event.kind === 'real'
          ? POINTS.reportReal
          : event.kind === 'simulation'
            ? POINTS.reportSimulation
            : POINTS.reportFalseAlarm;
      const quick =
        event.kind !== 'false-alarm' &&
        event.secondsAfterDelivery !== undefined &&
        event.secondsAfterDelivery >= 0 &&
        event.secondsAfterDelivery <= QUICK_REPORT_SECONDS;
      return base + (quick ? POINTS.quickReportBonus : 0);
    }
  }
}

const WEEK = 7 * 86_400_000;
/** Monday 1970-01-05 00:00 UTC: weeks are counted from a Monday. */
const MONDAY = Date.UTC(1970, 0, 5);
const weekOf = (t: number) => Math.floor((t - MONDAY) / WEEK);

export interface Streak {
  /** Consecutive weeks with learning activity, up to the current week (or the last one). */
  readonly current: number;
  readonly best: number;
}

/**
 * Weekly streak: staff do not train every day, so a week with at least one lesson, answer or
 * report counts. The current week without activity yet does not break the streak.
 */
export function streakOf(events: readonly GameEvent[], now: Date): Streak {
  const weeks = [
    ...new Set(
      events
        .map((e) => Date.parse(e.at))
        .filter(Number.isFinite)
        .map(weekOf),
    ),
  ].sort((a, b) => a - b);
  let best = 0;
  let run = 0;
  let previous: number | undefined;
  for (const w of weeks) {
    run = previous !== undefined && w === previous + 1 ? run + 1 : 1;
    best = Math.max(best, run);
    previous = w;
  }
  const thisWeek = weekOf(now.getTime());
  const last = weeks.filter((w) => w <= thisWeek).at(-1);
  let current = 0;
  if (last !== undefined && last >= thisWeek - 1) {
    current = 1;
    for (let i = weeks.indexOf(last); i > 0 && weeks[i - 1] === (weeks[i] as number) - 1; i--) current++;
  }
  return { current, best };
}

export interface LearnerStats {
  readonly points: number;
  readonly modulesPassed: readonly string[];
  readonly perfectModules: number;
  readonly correctAnswers: number;
  readonly topicsMastered: readonly string[];
  readonly reports: {
    readonly simulation: number;
    readonly real: number;
    readonly quick: number;
    readonly falseAlarm: number;
  };
  readonly streak: Streak;
}

export function learnerStats(events: readonly GameEvent[], now: Date): LearnerStats {
  const passed = new Set<string>();
  let perfect = 0;
  let correct = 0;
  const topicCorrect = new Map<string, number>();
  const reports = { simulation: 0, real: 0, quick: 0, falseAlarm: 0 };
  for (const e of events) {
    if (e.type === 'module.passed') {
      passed.add(e.moduleId);
      if (e.score >= 1) perfect++;
    } else if (e.type === 'quiz.answered' && e.correct) {
      correct++;
      topicCorrect.set(e.topic, (topicCorrect.get(e.topic) ?? 0) + 1);
    } else if (e.type === 'phishing.reported') {
      if (e.kind === 'simulation') reports.simulation++;
      else if (e.kind === 'real') reports.real++;
      else reports.falseAlarm++;
      if (
        e.kind !== 'false-alarm' &&
        e.secondsAfterDelivery !== undefined &&
        e.secondsAfterDelivery <= QUICK_REPORT_SECONDS
      )
        reports.quick++;
    }
  }
  return {
    points: events.reduce((n, e) => n + pointsFor(e), 0),
    modulesPassed: [...passed].sort(),
    perfectModules: perfect,
    correctAnswers: correct,
    topicsMastered: [...topicCorrect]
      .filter(([, n]) => n >= 5)
      .map(([t]) => t)
      .sort(),
    reports,
    streak: streakOf(events, now),
  };
}

export interface Badge {
  readonly id: string;
  readonly name: LocalizedText;
  readonly description: LocalizedText;
  readonly earned: (stats: LearnerStats, context: { readonly pathModules: readonly string[] }) => boolean;
}

/** Badges by id; a test checks that every id is unique and both languages are present. */
export const BADGES: readonly Badge[] = [
  {
    id: 'first-steps',
    name: { fr: 'Premiers pas', en: 'First steps' },
    description: { fr: 'Réussir un premier module.', en: 'Pass a first module.' },
    earned: (s) => s.modulesPassed.length >= 1,
  },
  {
    id: 'sharp-eye',
    name: { fr: 'Œil de lynx', en: 'Sharp eye' },
    description: { fr: 'Signaler trois exercices de phishing.', en: 'Report three phishing exercises.' },
    earned: (s) => s.reports.simulation >= 3,
  },
  {
    id: 'quick-reflex',
    name: { fr: 'Réflexe éclair', en: 'Lightning reflex' },
    description: {
      fr: 'Signaler un phishing moins de cinq minutes après sa réception.',
      en: 'Report a phishing less than five minutes after it arrived.',
    },
    earned: (s) => s.reports.quick >= 1,
  },
  {
    id: 'real-catch',
    name: { fr: 'Vraie prise', en: 'Real catch' },
    description: { fr: 'Signaler un vrai phishing.', en: 'Report a real phishing.' },
    earned: (s) => s.reports.real >= 1,
  },
  {
    id: 'perfect-score',
    name: { fr: 'Sans faute', en: 'Flawless' },
    description: { fr: 'Réussir un module avec 100 %.', en: 'Pass a module with 100%.' },
    earned: (s) => s.perfectModules >= 1,
  },
  {
    id: 'path-complete',
    name: { fr: 'Parcours terminé', en: 'Path complete' },
    description: { fr: 'Réussir tous les modules de son parcours.', en: 'Pass every module of your path.' },
    earned: (s, c) => c.pathModules.length > 0 && c.pathModules.every((m) => s.modulesPassed.includes(m)),
  },
  {
    id: 'steady',
    name: { fr: 'Régulier', en: 'Steady' },
    description: { fr: 'Apprendre quatre semaines de suite.', en: 'Learn four weeks in a row.' },
    earned: (s) => s.streak.best >= 4,
  },
  {
    id: 'ai-savvy',
    name: { fr: 'IA maîtrisée', en: 'AI savvy' },
    description: {
      fr: 'Réussir les modules shadow AI, assistants d’IA et deepfakes.',
      en: 'Pass the shadow AI, AI assistants and deepfakes modules.',
    },
    earned: (s) => ['shadow-ai', 'ai-assistants', 'deepfakes'].every((m) => s.modulesPassed.includes(m)),
  },
];

export function badgesOf(stats: LearnerStats, pathModules: readonly string[] = []): string[] {
  return BADGES.filter((b) => b.earned(stats, { pathModules })).map((b) => b.id);
}

const ADJECTIVES = [
  { fr: 'vif', en: 'Swift' },
  { fr: 'prudent', en: 'Careful' },
  { fr: 'attentif', en: 'Watchful' },
  { fr: 'rusé', en: 'Clever' },
  { fr: 'calme', en: 'Calm' },
  { fr: 'tenace', en: 'Steady' },
  { fr: 'agile', en: 'Nimble' },
  { fr: 'brave', en: 'Brave' },
] as const;
const ANIMALS = [
  { fr: 'Renard', en: 'Fox' },
  { fr: 'Hibou', en: 'Owl' },
  { fr: 'Lynx', en: 'Lynx' },
  { fr: 'Faucon', en: 'Falcon' },
  { fr: 'Castor', en: 'Beaver' },
  { fr: 'Loup', en: 'Wolf' },
  { fr: 'Héron', en: 'Heron' },
  { fr: 'Blaireau', en: 'Badger' },
  { fr: 'Dauphin', en: 'Dolphin' },
  { fr: 'Ours', en: 'Bear' },
] as const;

/**
 * A stable pseudonym: the same name and secret always give the same pseudonym, and without the
 * secret (kept by the server) nobody can tell whose it is. The number keeps collisions rare.
 */
export function pseudonym(name: string, secret: string): LocalizedText {
  const mac = createHmac('sha256', secret).update(name, 'utf8').digest();
  const adjective = ADJECTIVES[(mac[0] ?? 0) % ADJECTIVES.length] ?? ADJECTIVES[0];
  const animal = ANIMALS[(mac[1] ?? 0) % ANIMALS.length] ?? ANIMALS[0];
  const number = (((mac[2] ?? 0) << 8) | (mac[3] ?? 0)) % 1000;
  return { fr: `${animal.fr} ${adjective.fr} n°\u00a0${number}`, en: `${adjective.en} ${animal.en} #${number}` };
}

export interface LeaderboardEntry {
  readonly rank: number;
  /** The team's name, or its pseudonym when the board is pseudonymous. */
  readonly name: LocalizedText;
  /** The real id, only when not pseudonymous. */
  readonly team?: string;
  readonly points: number;
  readonly members: number;
  /** Points per active member: the ranking key, so a small team can beat a large one. */
  readonly pointsPerMember: number;
}

export interface LeaderboardOptions {
  readonly from?: string;
  readonly to?: string;
  /** When set, teams appear under stable pseudonyms derived with this secret. */
  readonly pseudonymSecret?: string;
  /** Teams with fewer active members are left out, so no one is singled out (default 3). */
  readonly minMembers?: number;
}

export function teamLeaderboard(events: readonly GameEvent[], options: LeaderboardOptions = {}): LeaderboardEntry[] {
  const from = options.from ? Date.parse(options.from) : Number.NEGATIVE_INFINITY;
  const to = options.to ? Date.parse(options.to) : Number.POSITIVE_INFINITY;
  const teams = new Map<string, { points: number; members: Set<string> }>();
  for (const e of events) {
    const t = Date.parse(e.at);
    if (!(t >= from && t < to)) continue;
    const team = teams.get(e.team) ?? { points: 0, members: new Set<string>() };
    team.points += pointsFor(e);
    team.members.add(e.learner);
    teams.set(e.team, team);
  }
  return rankTeams(
    [...teams].map(([team, t]) => ({ team, points: t.points, members: t.members.size })),
    options,
  );
}

/** A team's points and active members, however they were counted (events here, SQL in the platform). */
export interface TeamTotal {
  readonly team: string;
  readonly points: number;
  readonly members: number;
}

/**
 * The leaderboard from team totals: teams with at least `minMembers` active members, ranked by
 * points per member (ties share a rank), under stable pseudonyms when a secret is given.
 */
export function rankTeams(
  totals: readonly TeamTotal[],
  options: Pick<LeaderboardOptions, 'pseudonymSecret' | 'minMembers'> = {},
): LeaderboardEntry[] {
  const min = options.minMembers ?? 3;
  const rows = totals
    .filter((t) => t.members >= min)
    .map((t) => ({ ...t, pointsPerMember: Math.round((t.points / t.members) * 10) / 10 }))
    .sort((a, b) => b.pointsPerMember - a.pointsPerMember || b.points - a.points || (a.team < b.team ? -1 : 1));
  let rank = 0;
  let previous: number | undefined;
  return rows.map((r, i) => {
    if (r.pointsPerMember !== previous) rank = i + 1;
    previous = r.pointsPerMember;
    const secret = options.pseudonymSecret;
    return secret
      ? {
          rank,
          name: pseudonym(`team:${r.team}`, secret),
          points: r.points,
          members: r.members,
          pointsPerMember: r.pointsPerMember,
        }
      : { rank, name: { fr: r.team, en: r.team }, ...r };
  });
}

export interface Challenge {
  readonly id: string;
  readonly title: LocalizedText;
  readonly target: number;
  readonly measure: (events: readonly GameEvent[]) => number;
}

export const CHALLENGES: readonly Challenge[] = [
  {
    id: 'report-two',
    title: { fr: 'Signaler deux messages suspects ce mois-ci', en: 'Report two suspicious messages this month' },
    target: 2,
    measure: (es) => es.filter((e) => e.type === 'phishing.reported').length,
  },
  {
    id: 'three-modules',
    title: { fr: 'Réussir trois modules ce mois-ci', en: 'Pass three modules this month' },
    target: 3,
    measure: (es) => new Set(es.flatMap((e) => (e.type === 'module.passed' ? [e.moduleId] : []))).size,
  },
  {
    id: 'twenty-right',
    title: { fr: 'Vingt bonnes réponses ce mois-ci', en: 'Twenty right answers this month' },
    target: 20,
    measure: (es) => es.filter((e) => e.type === 'quiz.answered' && e.correct).length,
  },
  {
    id: 'ai-month',
    title: { fr: 'Le mois de l’IA : réussir un module sur l’IA', en: 'AI month: pass a module about AI' },
    target: 1,
    measure: (es) =>
      es.filter(
        (e) =>
          e.type === 'module.passed' && ['shadow-ai', 'ai-assistants', 'deepfakes', 'ai-phishing'].includes(e.moduleId),
      ).length,
  },
];

/** The challenge of a month (`YYYY-MM`), rotating through CHALLENGES. */
export function challengeOf(month: string): Challenge {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const index = m ? Number(m[1]) * 12 + Number(m[2]) - 1 : 0;
  return CHALLENGES[index % CHALLENGES.length] as Challenge;
}

export interface ChallengeProgress {
  readonly challengeId: string;
  readonly title: LocalizedText;
  readonly progress: number;
  readonly target: number;
  readonly done: boolean;
}

/** Progress on the month's challenge from the events of that month (UTC). */
export function challengeProgress(events: readonly GameEvent[], month: string): ChallengeProgress {
  const challenge = challengeOf(month);
  const inMonth = events.filter((e) => {
    const t = Date.parse(e.at);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 7) === month;
  });
  const progress = challenge.measure(inMonth);
  return {
    challengeId: challenge.id,
    title: challenge.title,
    progress,
    target: challenge.target,
    done: progress >= challenge.target,
  };
}
