/**
 * The security team's reflexes for the Learn programme dashboard, from what the other modules
 * hold: how fast Detect incidents are picked up and resolved (their workflow steps in the audit
 * trail), and how fast staff reports in the Mail triage queue get the analyst's verdict. Over the
 * dashboard's period (all time), bounded to the newest rows so the page stays cheap.
 */
import { median } from '../learn/index.js';
import type { Store } from '../store/index.js';

/** At most this many incidents and this many reported messages, the newest. */
export const REFLEX_ROWS = 5000;
/** At most this many workflow steps read from the audit trail. */
export const REFLEX_STEPS = 20_000;

export interface DetectReflexes {
  /** Incidents opened (0: no data from Detect yet). */
  readonly incidents: number;
  /** Of those, not resolved. */
  readonly open: number;
  /** From creation to the first `investigating` step; null without such a step. */
  readonly medianSecondsToInvestigate: number | null;
  readonly p90SecondsToInvestigate: number | null;
  /** From creation to the first `resolved` step; null without such a step. */
  readonly medianSecondsToResolve: number | null;
  readonly p90SecondsToResolve: number | null;
  /** True when only the newest REFLEX_ROWS incidents (or REFLEX_STEPS steps) were read. */
  readonly limited: boolean;
}

export interface MailReflexes {
  /** Messages reported to the triage queue (0: no data from Mail yet). */
  readonly reports: number;
  /** Of those, with the analyst's verdict. */
  readonly judged: number;
  /** judged / reports, 4 decimals; null without reports. */
  readonly judgedShare: number | null;
  /** From the report to the analyst's verdict; null without a verdict. */
  readonly medianSecondsToVerdict: number | null;
  readonly limited: boolean;
}

export interface ProgrammeReflexes {
  readonly detect: DetectReflexes;
  readonly mail: MailReflexes;
}

/** Nearest-rank percentile (p in 0..1) of values; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil(p * s.length)));
  return s[rank - 1] as number;
}

const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);
const rounded = (x: number | null) => (x === null ? null : Math.round(x));

export async function detectReflexes(store: Pick<Store, 'detect'>): Promise<DetectReflexes> {
  const incidents = await store.detect.incidentTimes(REFLEX_ROWS);
  const oldest = incidents.at(-1);
  const steps = oldest ? await store.detect.incidentSteps(oldest.createdAt, REFLEX_STEPS) : [];
  const created = new Map(incidents.map((i) => [i.id, i.createdAt]));
  const firstStep = { investigating: new Map<string, string>(), resolved: new Map<string, string>() };
  for (const step of steps) {
    if (step.to !== 'investigating' && step.to !== 'resolved') continue;
    if (!created.has(step.incidentId)) continue;
    const first = firstStep[step.to];
    if (!first.has(step.incidentId)) first.set(step.incidentId, step.at);
  }
  const durations = (first: Map<string, string>) => {
    const out: number[] = [];
    for (const [id, at] of first) {
      const s = seconds(created.get(id) as string, at);
      if (Number.isFinite(s) && s >= 0) out.push(s);
    }
    return out;
  };
  const investigate = durations(firstStep.investigating);
  const resolve = durations(firstStep.resolved);
  return {
    incidents: incidents.length,
    open: incidents.filter((i) => i.status !== 'resolved').length,
    medianSecondsToInvestigate: rounded(median(investigate)),
    p90SecondsToInvestigate: percentile(investigate, 0.9),
    medianSecondsToResolve: rounded(median(resolve)),
    p90SecondsToResolve: percentile(resolve, 0.9),
    limited: incidents.length >= REFLEX_ROWS || steps.length >= REFLEX_STEPS,
  };
}

export async function mailReflexes(store: Pick<Store, 'mail'>): Promise<MailReflexes> {
  const reports = await store.mail.reportTimes(REFLEX_ROWS);
  const judged = reports.filter((r) => r.analystVerdict !== null && r.analystAt !== null);
  const waits = judged
    .map((r) => seconds(r.receivedAt, r.analystAt as string))
    .filter((s) => Number.isFinite(s) && s >= 0);
  return {
    reports: reports.length,
    judged: judged.length,
    judgedShare: reports.length === 0 ? null : Math.round((judged.length / reports.length) * 10_000) / 10_000,
    medianSecondsToVerdict: rounded(median(waits)),
    limited: reports.length >= REFLEX_ROWS,
  };
}

export async function programmeReflexes(store: Pick<Store, 'detect' | 'mail'>): Promise<ProgrammeReflexes> {
  return { detect: await detectReflexes(store), mail: await mailReflexes(store) };
}
