import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeSeverity,
  effectivePermissions,
  findingInputSchema,
  negotiateLocale,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  SEVERITIES,
  severityRank,
  sortEvidence,
} from './index.js';

describe('core vocabulary', () => {
  it('defines and orders every severity level once', () => {
    expect(SEVERITIES.map(severityRank)).toEqual([1, 2, 3, 4]);
    for (const s of SEVERITIES) expect(describeSeverity(s).fr).not.toBe(describeSeverity(s).en);
  });

  it('validates findings: evidence required, score in [0,1], technique ids well-formed', () => {
    const finding = {
      module: 'mail',
      kind: 'phishing',
      severity: 'high',
      score: 0.8,
      title: { en: 'Phishing', fr: 'Hameçonnage' },
      evidence: [
        { code: 'reply_to_mismatch', weight: 0.4, message: { en: 'Reply-To differs', fr: 'Reply-To différent' } },
      ],
      techniques: ['T1566.002', 'AML.T0051.000'],
      observedAt: '2026-01-01T10:00:00Z',
    };
    expect(findingInputSchema.parse(finding).entities).toEqual({});
    expect(findingInputSchema.safeParse({ ...finding, evidence: [] }).success).toBe(false);
    expect(findingInputSchema.safeParse({ ...finding, score: 1.2 }).success).toBe(false);
    expect(findingInputSchema.safeParse({ ...finding, techniques: ['T15'] }).success).toBe(false);
    expect(findingInputSchema.safeParse({ ...finding, extra: 1 }).success).toBe(false);
  });

  it('sorts evidence by absolute weight', () => {
    const msg = { en: 'x', fr: 'y' };
    const sorted = sortEvidence([
      { code: 'a', weight: 0.1, message: msg },
      { code: 'b', weight: -0.7, message: msg },
      { code: 'c', weight: 0.5, message: msg },
    ]);
    expect(sorted.map((e) => e.code)).toEqual(['b', 'c', 'a']);
  });

  it('never lets a token exceed its role, and keeps auditors read-only', () => {
    for (const role of ROLES) {
      fc.assert(
        fc.property(fc.subarray([...PERMISSIONS]), (scopes) => {
          const granted = effectivePermissions(role, scopes);
          expect(granted.every((p) => ROLE_PERMISSIONS[role].includes(p) && scopes.includes(p))).toBe(true);
        }),
      );
    }
    expect(ROLE_PERMISSIONS.auditor.some((p) => p.includes('write'))).toBe(false);
  });

  it('negotiates French or English from Accept-Language, whatever it contains', () => {
    expect(negotiateLocale('fr-CA,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(negotiateLocale('de-DE,en;q=0.5,fr;q=0.4')).toBe('en');
    expect(negotiateLocale('de, fr;q=0.1')).toBe('fr');
    expect(negotiateLocale(undefined)).toBe('en');
    fc.assert(fc.property(fc.string({ maxLength: 500 }), (header) => ['fr', 'en'].includes(negotiateLocale(header))));
  });
});
