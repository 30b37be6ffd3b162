import { describe, expect, it } from 'vitest';
import { findingInputSchema } from '../core/index.js';
import { createSenseDetector } from './detector.js';
import { deviceFinding, readingFinding } from './findings.js';

describe('sense findings', () => {
  it('turn an anomalous reading into a valid, explained, bilingual Finding', () => {
    const detector = createSenseDetector();
    const start = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 800; i++) detector.push(start + i * 60_000, 20 + Math.sin(i / 30) + (i % 5) * 0.05);
    detector.push(start + 800 * 60_000, 80);
    const explanation = detector.explain();
    if (!explanation) throw new Error('no explanation');
    const finding = findingInputSchema.parse(
      readingFinding(explanation, { device: 'boiler-1', series: 'plant/boiler-1/temp', at: start + 800 * 60_000 }),
    );
    expect(finding.module).toBe('sense');
    expect(finding.entities.devices).toEqual(['boiler-1']);
    expect(finding.evidence[0]?.message.en).toContain('plant/boiler-1/temp read 80');
    expect(finding.evidence[0]?.message.fr).toContain('a mesuré 80');
    expect(finding.evidence[0]?.data).toMatchObject({ value: 80 });
    expect(finding.observedAt).toBe('2024-01-01T13:20:00.000Z');
  });

  it('explain a change of spread in both languages', () => {
    const finding = findingInputSchema.parse(
      readingFinding(
        {
          score: 1,
          value: 34.2,
          expected: 33.4,
          expectedLow: 33.3,
          expectedHigh: 33.5,
          baseline: 'level',
          part: 'spread',
          deviation: 24,
          raw: 0.8,
          likelihood: 1 - 1e-10,
          outOfRange: false,
          resting: false,
        },
        { device: 'valve-2', series: 'plant/valve-2/position', at: Date.UTC(2024, 0, 1) },
      ),
    );
    expect(finding.evidence[0]?.code).toBe('sense.spread');
    expect(finding.evidence[0]?.message.en).toContain('steps much larger than usual');
    expect(finding.evidence[0]?.message.fr).toContain('bien plus grands que d’habitude');
  });

  it('turn device behaviour into Findings, except a return online', () => {
    const silent = deviceFinding({
      kind: 'silent',
      device: 'pump-7',
      at: 0,
      typicalGapMs: 60_000,
      observedGapMs: 600_000,
    });
    expect(findingInputSchema.parse(silent).evidence[0]?.message.en).toContain(
      'Usual gap between messages 60 s, now 600 s',
    );
    expect(deviceFinding({ kind: 'back_online', device: 'pump-7', at: 0 })).toBeUndefined();
  });
});
