/**
 * The phishing-simulation campaign as data, and its send plan: who gets which template when.
 * Sends are spread over business hours at a throttled rate and in a seeded random order, so a
 * whole department never receives the lure in the same minute (colleagues warn each other,
 * which measures the grapevine, not the reflex). The outer ring sends; this only plans.
 */
import { z } from 'zod';
import { idSchema } from '../content/schema.js';
import { seededRandom, shuffle } from '../random.js';
import { audienceOf, type Target } from './targets.js';
import type { SimulationTemplate } from './templates.js';

export const campaignSchema = z.strictObject({
  id: idSchema,
  name: z.string().trim().min(1).max(200),
  /** Templates to draw from; each target gets one that fits their audience. */
  templates: z.array(idSchema).min(1).max(20),
  /** Departments targeted; empty means every target given. */
  departments: z.array(z.string().min(1).max(100)).max(200).default([]),
  schedule: z.strictObject({
    start: z.iso.datetime({ offset: true }),
    /** Sends not placed before this instant are reported as unscheduled. */
    end: z.iso.datetime({ offset: true }),
    /** Sending window in the organisation's local time. */
    window: z
      .strictObject({
        /** ISO weekdays, 1 = Monday … 7 = Sunday. */
        days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
        startHour: z.number().int().min(0).max(23).default(9),
        endHour: z.number().int().min(1).max(24).default(17),
        /** Local time minus UTC, in minutes (120 for Paris in summer). */
        utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
      })
      .refine((w) => w.endHour > w.startHour, 'endHour must be after startHour'),
    /** Throttle: messages per minute at most. */
    perMinute: z.number().int().min(1).max(10_000).default(10),
  }),
});
export type Campaign = z.infer<typeof campaignSchema>;

export interface PlannedSend {
  readonly email: string;
  readonly templateId: string;
  readonly at: string;
}

export interface SendPlan {
  readonly sends: PlannedSend[];
  /** Targets that could not be placed, with why (no fitting template, past the end). */
  readonly unscheduled: { readonly email: string; readonly reason: 'no-template' | 'after-end' }[];
}

const MINUTE = 60_000;

/** The first instant at or after `t` inside the window, or undefined after 400 days of search. */
function nextInWindow(t: number, window: Campaign['schedule']['window']): number | undefined {
  const offset = window.utcOffsetMinutes * MINUTE;
  let local = t + offset;
  for (let i = 0; i < 400 * 24; i++) {
    const d = new Date(local);
    const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    const hour = d.getUTCHours();
    if (window.days.includes(weekday) && hour >= window.startHour && hour < window.endHour) return local - offset;
    // Jump to the next whole hour and look again: at most 24 steps a day.
    local = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour + 1);
  }
  return undefined;
}

/** Chooses, per target, a template written for their audience (falling back to all-staff ones). */
export function templateFor(
  target: Target,
  templates: readonly Pick<SimulationTemplate, 'id' | 'audiences'>[],
  seed: string,
): string | undefined {
  const audience = audienceOf(target.role, target.department);
  const fitting = templates.filter((t) => t.audiences.includes(audience));
  const pool = fitting.length > 0 ? fitting : templates.filter((t) => t.audiences.includes('all-staff'));
  if (pool.length === 0) return undefined;
  const sorted = [...pool].sort((a, b) => (a.id < b.id ? -1 : 1));
  const pick = Math.floor(seededRandom(`${seed}|${target.email}`)() * sorted.length);
  return sorted[pick]?.id;
}

/** The send plan of a campaign. Deterministic given the campaign, targets, templates and seed. */
export function planSends(
  campaign: Campaign,
  targets: readonly Target[],
  templates: readonly Pick<SimulationTemplate, 'id' | 'audiences'>[],
  seed: string,
): SendPlan {
  const usable = templates.filter((t) => campaign.templates.includes(t.id));
  const wanted = new Set(campaign.departments.map((d) => d.toLowerCase()));
  const chosen = targets.filter((t) => wanted.size === 0 || wanted.has(t.department.toLowerCase()));
  const order = shuffle(
    [...chosen].sort((a, b) => (a.email < b.email ? -1 : 1)),
    seededRandom(`${seed}|${campaign.id}|order`),
  );
  const sends: PlannedSend[] = [];
  const unscheduled: SendPlan['unscheduled'][number][] = [];
  const end = Date.parse(campaign.schedule.end);
  const { perMinute, window } = campaign.schedule;
  let slotStart = Date.parse(campaign.schedule.start);
  let inSlot = 0;
  for (const target of order) {
    const templateId = templateFor(target, usable, `${seed}|${campaign.id}`);
    if (!templateId) {
      unscheduled.push({ email: target.email, reason: 'no-template' });
      continue;
    }
    if (inSlot >= perMinute) {
      slotStart += MINUTE;
      inSlot = 0;
    }
    const at = nextInWindow(slotStart, window);
    if (at === undefined || at >= end) {
      unscheduled.push({ email: target.email, reason: 'after-end' });
      continue;
    }
    if (at !== slotStart) {
      slotStart = at;
      inSlot = 0;
    }
    // Spread the minute's sends evenly inside it.
    sends.push({
      email: target.email,
      templateId,
      at: new Date(at + Math.floor((inSlot * MINUTE) / perMinute)).toISOString(),
    });
    inSlot++;
  }
  return { sends, unscheduled };
}
