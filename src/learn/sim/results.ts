/**
 * Campaign results from tracking events, per department and overall: click, submission and
 * report rates, median times to click and to report, repeat clickers and the resilience ratio
 * (reports per click). Bot clicks are left out of the rates and counted apart; a submission
 * counts as a click and an open even when the tracking pixel stayed blocked.
 */
import type { Locale } from '../../core/index.js';
import { type CsvCell, writeCsv } from './csv.js';
import type { Target } from './targets.js';
import { type ClickVerdict, type CompiledConfig, classifyClick, type TrackingEvent } from './tracking.js';

export interface TargetOutcome {
  readonly campaignId: string;
  readonly email: string;
  readonly department: string;
  readonly sentAt?: string;
  readonly openedAt?: string;
  /** First click judged human or uncertain. */
  readonly clickedAt?: string;
  readonly submittedAt?: string;
  readonly reportedAt?: string;
  readonly botClicks: number;
  readonly uncertainClicks: number;
}

export interface Rates {
  readonly targets: number;
  readonly sent: number;
  readonly opened: number;
  readonly clicked: number;
  readonly submitted: number;
  readonly reported: number;
  readonly botClicks: number;
  readonly clickRate: number;
  readonly submissionRate: number;
  readonly reportRate: number;
  readonly medianSecondsToClick: number | null;
  readonly medianSecondsToReport: number | null;
  /** People who clicked in at least two of the campaigns in the events given. */
  readonly repeatClickers: number;
  /** Reports divided by clicks; null when nobody clicked. */
  readonly resilienceRatio: number | null;
}

export interface CampaignResults {
  readonly overall: Rates;
  readonly departments: readonly ({ readonly department: string } & Rates)[];
  readonly outcomes: readonly TargetOutcome[];
  /** Every click's verdict with its reasons, for the analyst's view. */
  readonly clicks: readonly { readonly event: TrackingEvent; readonly verdict: ClickVerdict }[];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

function rates(outcomes: readonly TargetOutcome[]): Rates {
  const sent = outcomes.filter((o) => o.sentAt);
  const count = (k: keyof TargetOutcome) => sent.filter((o) => o[k] !== undefined).length;
  const seconds = (k: 'clickedAt' | 'reportedAt') =>
    sent
      .filter((o) => o[k])
      .map((o) => (Date.parse(o[k] as string) - Date.parse(o.sentAt as string)) / 1000)
      .filter((s) => s >= 0);
  const clickedCampaigns = new Map<string, Set<string>>();
  for (const o of outcomes) {
    if (!o.clickedAt) continue;
    const set = clickedCampaigns.get(o.email) ?? new Set<string>();
    set.add(o.campaignId);
    clickedCampaigns.set(o.email, set);
  }
  const clicked = count('clickedAt');
  const reported = count('reportedAt');
  return {
    targets: new Set(outcomes.map((o) => o.email)).size,
    sent: sent.length,
    opened: count('openedAt'),
    clicked,
    submitted: count('submittedAt'),
    reported,
    botClicks: outcomes.reduce((n, o) => n + o.botClicks, 0),
    clickRate: ratio(clicked, sent.length),
    submissionRate: ratio(count('submittedAt'), sent.length),
    reportRate: ratio(reported, sent.length),
    medianSecondsToClick: median(seconds('clickedAt')),
    medianSecondsToReport: median(seconds('reportedAt')),
    repeatClickers: [...clickedCampaigns.values()].filter((s) => s.size >= 2).length,
    resilienceRatio: clicked === 0 ? null : Math.round((reported / clicked) * 1000) / 1000,
  };
}

const first = (events: readonly TrackingEvent[]) =>
  events.map((e) => e.at).sort((a, b) => Date.parse(a) - Date.parse(b))[0];

/** Results of the campaigns whose events are given (one campaign, or a programme over time). */
export function campaignResults(
  targets: readonly Target[],
  events: readonly TrackingEvent[],
  config: CompiledConfig,
): CampaignResults {
  const departmentOf = new Map(targets.map((t) => [t.email.toLowerCase(), t.department]));
  const groups = new Map<string, TrackingEvent[]>();
  for (const e of events) {
    const key = `${e.campaignId}\u0000${e.email.toLowerCase()}`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  const outcomes: TargetOutcome[] = [];
  const clicks: { event: TrackingEvent; verdict: ClickVerdict }[] = [];
  for (const [key, list] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [campaignId = '', email = ''] = key.split('\u0000');
    const of = (t: TrackingEvent['type']) => list.filter((e) => e.type === t);
    let botClicks = 0;
    let uncertainClicks = 0;
    const real: TrackingEvent[] = [];
    for (const click of of('clicked')) {
      const verdict = classifyClick(click, list, config);
      clicks.push({ event: click, verdict });
      if (verdict.verdict === 'bot') botClicks++;
      else {
        if (verdict.verdict === 'uncertain') uncertainClicks++;
        real.push(click);
      }
    }
    const submitted = first(of('submitted'));
    const clickedAt = first(real) ?? submitted;
    const openedAt = first(of('opened')) ?? clickedAt;
    const sentAt = first(of('sent'));
    const reportedAt = first(of('reported'));
    outcomes.push({
      campaignId,
      email,
      department: departmentOf.get(email) ?? '—',
      ...(sentAt ? { sentAt } : {}),
      ...(openedAt ? { openedAt } : {}),
      ...(clickedAt ? { clickedAt } : {}),
      ...(submitted ? { submittedAt: submitted } : {}),
      ...(reportedAt ? { reportedAt } : {}),
      botClicks,
      uncertainClicks,
    });
  }
  const departments = [...new Set(outcomes.map((o) => o.department))]
    .sort()
    .map((department) => ({ department, ...rates(outcomes.filter((o) => o.department === department)) }));
  return { overall: rates(outcomes), departments, outcomes, clicks };
}

const HEADERS: Record<Locale, readonly string[]> = {
  fr: [
    'Service',
    'Cibles',
    'Envoyés',
    'Ouverts',
    'Clics',
    'Saisies',
    'Signalements',
    'Clics de robots',
    'Taux de clic',
    'Taux de saisie',
    'Taux de signalement',
    'Délai médian de clic (s)',
    'Délai médian de signalement (s)',
    'Récidivistes',
    'Ratio de résilience',
  ],
  en: [
    'Department',
    'Targets',
    'Sent',
    'Opened',
    'Clicked',
    'Submitted',
    'Reported',
    'Bot clicks',
    'Click rate',
    'Submission rate',
    'Report rate',
    'Median seconds to click',
    'Median seconds to report',
    'Repeat clickers',
    'Resilience ratio',
  ],
};

/** Per-department results as CSV text (RFC 4180, formula-safe), overall last. */
export function resultsCsv(results: CampaignResults, locale: Locale): string {
  const row = (name: string, r: Rates): CsvCell[] => [
    name,
    r.targets,
    r.sent,
    r.opened,
    r.clicked,
    r.submitted,
    r.reported,
    r.botClicks,
    r.clickRate,
    r.submissionRate,
    r.reportRate,
    r.medianSecondsToClick,
    r.medianSecondsToReport,
    r.repeatClickers,
    r.resilienceRatio,
  ];
  return writeCsv([
    HEADERS[locale],
    ...results.departments.map((d) => row(d.department, d)),
    row(locale === 'fr' ? 'Total' : 'Overall', results.overall),
  ]);
}

/** One line per target and campaign, for the detailed export. */
export function outcomesCsv(results: CampaignResults): string {
  return writeCsv([
    [
      'campaign',
      'email',
      'department',
      'sent_at',
      'opened_at',
      'clicked_at',
      'submitted_at',
      'reported_at',
      'bot_clicks',
    ],
    ...results.outcomes.map((o) => [
      o.campaignId,
      o.email,
      o.department,
      o.sentAt,
      o.openedAt,
      o.clickedAt,
      o.submittedAt,
      o.reportedAt,
      o.botClicks,
    ]),
  ]);
}
