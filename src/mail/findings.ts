/** A mail verdict as a `core` Finding: the reasons become its evidence, strongest first. */
import type { Evidence, FindingInput, Severity } from '../core/index.js';
import type { MailAnalysis } from './analyze.js';

/** Evidence weights live in [-1, 1]; a reason of +4 log-odds (phishing on its own) maps to ~0.76. */
function evidenceWeight(logOdds: number): number {
  return Math.round(Math.tanh(logOdds / 4) * 1000) / 1000;
}

const MAX_EVIDENCE = 40;

export interface MailFindingContext {
  /** When the message was received or reported (ISO 8601). */
  readonly observedAt: string;
  /** Who reported it or whose mailbox it came from, when known. */
  readonly user?: string;
}

export function mailFinding(analysis: MailAnalysis, context: MailFindingContext): FindingInput {
  const severity: Severity =
    analysis.verdict === 'phishing'
      ? analysis.score >= 0.99
        ? 'high'
        : 'medium'
      : analysis.verdict === 'suspicious'
        ? 'medium'
        : 'low';
  const evidence: Evidence[] = analysis.reasons
    .filter((r) => r.weight !== 0)
    .slice(0, MAX_EVIDENCE)
    .map((r) => ({
      code: r.code,
      weight: evidenceWeight(r.weight),
      message: r.message,
      ...(r.data ? { data: { ...r.data } } : {}),
    }));
  const subject = analysis.summary.subject || '—';
  const title = {
    phishing: { fr: `Hameçonnage : « ${subject} »`, en: `Phishing: “${subject}”` },
    suspicious: { fr: `Message suspect : « ${subject} »`, en: `Suspicious message: “${subject}”` },
    clean: { fr: `Message sans danger apparent : « ${subject} »`, en: `Message with no apparent danger: “${subject}”` },
  }[analysis.verdict];
  return {
    module: 'mail',
    kind: `mail.${analysis.verdict}`,
    severity,
    score: analysis.score,
    title: { fr: title.fr.slice(0, 300), en: title.en.slice(0, 300) },
    evidence:
      evidence.length > 0
        ? evidence
        : [
            {
              code: 'mail.no_reason',
              weight: 0,
              message: { fr: 'Aucun signal particulier.', en: 'No particular signal.' },
            },
          ],
    entities: {
      domains: analysis.indicators.domains.slice(0, 100),
      ips: analysis.indicators.ips.slice(0, 100),
      ...(context.user ? { users: [context.user] } : {}),
    },
    techniques: [...analysis.techniques],
    observedAt: context.observedAt,
  };
}
