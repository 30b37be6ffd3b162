/**
 * The one severity scale shared by every module. A new level must break the build
 * wherever severities are handled: use `assertNever` in exhaustive switches.
 */
import type { LocalizedText } from './i18n.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What each level means, stated once for the whole product. */
export function describeSeverity(severity: Severity): LocalizedText {
  switch (severity) {
    // Worth knowing; no action expected unless it repeats or combines with other signals.
    case 'low':
      return {
        en: 'Low: worth knowing, no action expected on its own.',
        fr: 'Faible : à connaître, aucune action attendue à lui seul.',
      };
    // Needs a look by an analyst within days: plausible threat or policy breach, limited impact.
    case 'medium':
      return {
        en: 'Medium: review within days; plausible threat with limited impact.',
        fr: 'Moyen : à examiner sous quelques jours ; menace plausible à impact limité.',
      };
    // Needs action today: likely threat or sensitive data at stake.
    case 'high':
      return {
        en: 'High: act today; likely threat or sensitive data at stake.',
        fr: 'Élevé : agir dans la journée ; menace probable ou données sensibles en jeu.',
      };
    // Needs action now: active compromise, or loss of secrets or personal data in progress.
    case 'critical':
      return {
        en: 'Critical: act now; compromise or data loss in progress.',
        fr: 'Critique : agir immédiatement ; compromission ou fuite en cours.',
      };
    default:
      return assertNever(severity);
  }
}

/** Orders severities so that sorting and thresholds never compare strings. */
export function severityRank(severity: Severity): number {
  switch (severity) {
    case 'low':
      return 1;
    case 'medium':
      return 2;
    case 'high':
      return 3;
    case 'critical':
      return 4;
    default:
      return assertNever(severity);
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
