/**
 * Sense verdicts as `core` Findings: which sensor, the observed value, the expected range,
 * since when, and which part of the score fired — in French and English.
 */
import type { Evidence, FindingInput, LocalizedText, Severity } from '../core/index.js';
import type { PointExplanation } from './detector.js';
import type { DeviceEvent } from './devices.js';

const PART_TEXT: Record<PointExplanation['part'], LocalizedText> = {
  deviation: { en: 'far from the expected value', fr: 'loin de la valeur attendue' },
  novelty: { en: 'in a range rarely visited lately', fr: 'dans une plage rarement visitée ces derniers temps' },
  spread: {
    en: 'moving from one reading to the next by steps much larger than usual (oscillating or jittery)',
    fr: 'avec des écarts d’une mesure à l’autre bien plus grands que d’habitude (oscillation ou instabilité)',
  },
  drift: {
    en: 'drifting further than this sensor ever has (possible slow tampering)',
    fr: 'en dérive plus loin que ce capteur ne l’a jamais été (altération lente possible)',
  },
  range: { en: 'outside the range seen so far or allowed', fr: 'hors de la plage observée ou autorisée' },
};

const BASELINE_TEXT: Record<PointExplanation['baseline'], LocalizedText> = {
  level: { en: 'the recent level', fr: 'le niveau récent' },
  daily: { en: 'the same time on previous days', fr: 'la même heure les jours précédents' },
  weekly: { en: 'the same time in previous weeks', fr: 'la même heure les semaines précédentes' },
};

function severityOf(score: number, part: PointExplanation['part']): Severity {
  if (part === 'range' || part === 'drift') return score >= 0.9 ? 'high' : 'medium';
  if (score >= 0.95) return 'high';
  return score >= 0.7 ? 'medium' : 'low';
}

const round = (n: number) => Number(n.toPrecision(6));

const FORMATS = {
  en: new Intl.NumberFormat('en-GB', { maximumSignificantDigits: 4 }),
  fr: new Intl.NumberFormat('fr-FR', { maximumSignificantDigits: 4 }),
};
/** A number as people read it in each language (4 significant digits, local decimal mark). */
const show = (n: number) => ({ en: FORMATS.en.format(n), fr: FORMATS.fr.format(n) });
/** A small probability: exact enough to compare, never a string of zeros. */
const chance = (p: number) => (p < 0.001 ? { en: '< 0.001', fr: '< 0,001' } : show(p));

export interface ReadingContext {
  readonly device: string;
  readonly series: string;
  /** When the reading was taken (ms since the epoch). */
  readonly at: number;
  /** When the series started to look unusual, if known (ms since the epoch). */
  readonly since?: number;
}

/** The Finding for an anomalous reading, from the detector's explanation of it. */
export function readingFinding(explanation: PointExplanation, context: ReadingContext): FindingInput {
  const { part, value, expected, expectedLow, expectedHigh, deviation, likelihood, baseline } = explanation;
  const [v, e, lo, hi, dev] = [value, expected, expectedLow, expectedHigh, deviation].map(show);
  const odds = chance(1 - likelihood);
  const evidence: Evidence[] = [
    {
      code: `sense.${part}`,
      weight: round(Math.min(1, explanation.score)),
      message: {
        en: `${context.series} read ${v?.en}, ${PART_TEXT[part].en}; expected about ${e?.en} (usual range ${lo?.en} to ${hi?.en}) from ${BASELINE_TEXT[baseline].en}.`,
        fr: `${context.series} a mesuré ${v?.fr}, ${PART_TEXT[part].fr} ; attendu environ ${e?.fr} (plage habituelle ${lo?.fr} à ${hi?.fr}) d’après ${BASELINE_TEXT[baseline].fr}.`,
      },
      data: {
        series: context.series,
        value,
        expected: round(expected),
        expectedLow: round(expectedLow),
        expectedHigh: round(expectedHigh),
        baseline,
      },
    },
    {
      code: 'sense.deviation_scales',
      weight: round(Math.min(1, deviation / 10)),
      message: {
        en: `${dev?.en} robust deviations from the expected value.`,
        fr: `${dev?.fr} écarts robustes de la valeur attendue.`,
      },
      data: { deviation: round(deviation) },
    },
    {
      code: 'sense.likelihood',
      weight: round(likelihood),
      message: {
        en: `Readings this unusual have a probability of ${odds.en} for this sensor.`,
        fr: `Des mesures aussi inhabituelles ont une probabilité de ${odds.fr} pour ce capteur.`,
      },
      data: { likelihood: round(likelihood) },
    },
  ];
  if (context.since !== undefined) {
    const since = new Date(context.since).toISOString();
    evidence.push({
      code: 'sense.since',
      weight: 0,
      message: { en: `Unusual since ${since}.`, fr: `Inhabituel depuis ${since}.` },
      data: { since },
    });
  }
  return {
    module: 'sense',
    kind: `reading_${part}`,
    severity: severityOf(explanation.score, part),
    score: Math.min(1, Math.max(0, explanation.score)),
    title: {
      en: `Unusual reading on ${context.device}: ${PART_TEXT[part].en}`,
      fr: `Mesure inhabituelle sur ${context.device} : ${PART_TEXT[part].fr}`,
    },
    evidence,
    entities: { devices: [context.device] },
    // ATT&CK for ICS has no enterprise id here; drift is the sign of tampering, kept in `kind`.
    techniques: [],
    observedAt: new Date(context.at).toISOString(),
  };
}

const DEVICE_TEXT: Record<Exclude<DeviceEvent['kind'], 'back_online'>, { title: LocalizedText; severity: Severity }> = {
  new_device: { title: { en: 'New device', fr: 'Nouvel équipement' }, severity: 'low' },
  new_topic: { title: { en: 'New topic', fr: 'Nouveau sujet' }, severity: 'low' },
  silent: { title: { en: 'Device fell silent', fr: 'Équipement muet' }, severity: 'medium' },
  rate_change: { title: { en: 'Message rate changed', fr: 'Débit de messages modifié' }, severity: 'medium' },
};

/** The Finding for a device behaviour event (a device back online is good news: none). */
export function deviceFinding(event: DeviceEvent): FindingInput | undefined {
  if (event.kind === 'back_online') return undefined;
  const { title, severity } = DEVICE_TEXT[event.kind];
  const gaps =
    event.typicalGapMs !== undefined && event.observedGapMs !== undefined
      ? {
          en: ` Usual gap between messages ${Math.round(event.typicalGapMs / 1000)} s, now ${Math.round(event.observedGapMs / 1000)} s.`,
          fr: ` Écart habituel entre messages ${Math.round(event.typicalGapMs / 1000)} s, maintenant ${Math.round(event.observedGapMs / 1000)} s.`,
        }
      : { en: '', fr: '' };
  const topic = event.topic
    ? { en: ` on topic ${event.topic}`, fr: ` sur le sujet ${event.topic}` }
    : { en: '', fr: '' };
  return {
    module: 'sense',
    kind: `device_${event.kind}`,
    severity,
    score: severity === 'medium' ? 0.6 : 0.3,
    title: { en: `${title.en}: ${event.device}`, fr: `${title.fr} : ${event.device}` },
    evidence: [
      {
        code: `sense.${event.kind}`,
        weight: severity === 'medium' ? 0.6 : 0.3,
        message: {
          en: `${title.en}: ${event.device}${topic.en}.${gaps.en}`,
          fr: `${title.fr} : ${event.device}${topic.fr}.${gaps.fr}`,
        },
        data: { ...event },
      },
    ],
    entities: { devices: [event.device] },
    techniques: [],
    observedAt: new Date(event.at).toISOString(),
  };
}
