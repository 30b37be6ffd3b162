import { describe, expect, it } from 'vitest';
import { applyVerdict, parseBehaviourSettings, undoChange } from './settings.js';

describe('behaviour settings', () => {
  it('fills defaults and rejects bad values with the field named', () => {
    const s = parseBehaviourSettings();
    expect(s.bruteForce.minFailures).toBe(5);
    expect(s.overrides).toEqual([]);
    expect(() => parseBehaviourSettings({ bruteForce: { minFailures: 1 } })).toThrow(/minFailures/);
    expect(() => parseBehaviourSettings({ nope: 1 })).toThrow();
  });

  it('a false positive doubles the entity threshold, and raises it above the observed count', () => {
    const s = parseBehaviourSettings();
    const first = applyVerdict(s, {
      pattern: 'brute_force',
      entity: { kind: 'user', value: 'OFFSEC\\svc-backup' },
      verdict: 'false_positive',
    });
    expect(first.change.before).toBeNull();
    expect(first.change.after).toMatchObject({ scale: 2, suppress: false });
    expect(first.change.description.en).toContain('default thresholds → thresholds ×2');
    expect(first.change.description.fr).toContain('seuils par défaut');
    const second = applyVerdict(first.settings, {
      pattern: 'brute_force',
      entity: { kind: 'user', value: 'svc-backup@offsec.lan' },
      verdict: 'false_positive',
      observed: 40,
    });
    // 41 / 5 = 8.2 > 2 × 2: the same volume would no longer cross.
    expect(second.change.after?.scale).toBeCloseTo(8.2);
    expect(second.settings.overrides).toHaveLength(1);
    expect(s.overrides).toEqual([]); // input untouched
  });

  it('suppression, true positives lowering the threshold, and undo', () => {
    const s = parseBehaviourSettings();
    const suppressed = applyVerdict(s, {
      pattern: 'web_scan',
      entity: { kind: 'ip', value: '10.0.0.9' },
      verdict: 'false_positive',
      suppress: true,
    });
    expect(suppressed.change.after?.suppress).toBe(true);
    const lifted = applyVerdict(suppressed.settings, {
      pattern: 'web_scan',
      entity: { kind: 'ip', value: '10.0.0.9' },
      verdict: 'true_positive',
    });
    expect(lifted.change.after).toMatchObject({ suppress: false, scale: 1 });
    const lower = applyVerdict(lifted.settings, {
      pattern: 'web_scan',
      entity: { kind: 'ip', value: '10.0.0.9' },
      verdict: 'true_positive',
    });
    expect(lower.change.after?.scale).toBe(0.5);
    expect(undoChange(lower.settings, lower.change).overrides).toEqual(lifted.settings.overrides);
    expect(undoChange(suppressed.settings, suppressed.change).overrides).toEqual([]);
  });

  it('refuses a verdict naming the wrong kind of entity for the pattern', () => {
    expect(() =>
      applyVerdict(parseBehaviourSettings(), {
        pattern: 'brute_force',
        entity: { kind: 'ip', value: '10.0.0.1' },
        verdict: 'false_positive',
      }),
    ).toThrow(/about a user/);
  });
});
