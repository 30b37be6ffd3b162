import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../tests/support/learn-content.js';
import { loadContent } from './content/load.js';
import { type LearnSignal, recommend } from './recommend.js';

const modules = loadContent(shippedFiles()).modules;

describe('recommend', () => {
  it('assigns the lure’s module after a click, and authentication too after a submission', () => {
    const out = recommend(
      [{ type: 'simulation.submitted', at: '2026-03-09T08:11:00Z', campaignId: 'c1', topic: 'payment-fraud' }],
      modules,
    );
    expect(out.map((a) => [a.moduleId, a.priority])).toEqual([
      ['payment-fraud', 90],
      ['authentication', 80],
    ]);
    expect(out[0]?.reason.fr).toMatch(/exercice de phishing/);
    expect(out[0]?.reason.en).toMatch(/phishing exercise/);
  });

  it('maps Guard finding types to the matching module with a reason naming what was found', () => {
    const [secret] = recommend(
      [{ type: 'guard.block', at: '2026-03-09T10:00:00Z', findingType: 'secret.github_token' }],
      modules,
    );
    expect(secret).toMatchObject({ moduleId: 'shadow-ai', priority: 60 });
    expect(secret?.reason.en).toMatch(/blocked by Guard: it contained a secret/);
    const [injection] = recommend(
      [{ type: 'guard.warning', at: '2026-03-09T10:00:00Z', findingType: 'injection.instruction' }],
      modules,
    );
    expect(injection).toMatchObject({ moduleId: 'ai-assistants', priority: 40 });
    const [pii] = recommend([{ type: 'guard.warning', at: '2026-03-09T10:00:00Z', findingType: 'pii.iban' }], modules);
    expect(pii?.reason.fr).toMatch(/données personnelles/);
  });

  it('picks the module for a delivered phishing from its traits', () => {
    const [qr] = recommend([{ type: 'mail.phishing-delivered', at: '2026-03-09T10:00:00Z', traits: ['qr'] }], modules);
    expect(qr?.moduleId).toBe('mobile-qr');
    const [plain] = recommend([{ type: 'mail.phishing-delivered', at: '2026-03-09T10:00:00Z' }], modules);
    expect(plain?.moduleId).toBe('ai-phishing');
  });

  it('never assigns training for a report', () => {
    expect(recommend([{ type: 'report.made', at: '2026-03-09T10:00:00Z' }], modules)).toEqual([]);
  });

  it('does not re-assign within the cooldown unless the priority rises', () => {
    const signals: LearnSignal[] = [
      { type: 'guard.warning', at: '2026-03-01T10:00:00Z', findingType: 'pii.email' },
      { type: 'guard.warning', at: '2026-03-05T10:00:00Z', findingType: 'pii.email' },
      { type: 'guard.block', at: '2026-03-06T10:00:00Z', findingType: 'pii.email' },
      { type: 'guard.warning', at: '2026-04-10T10:00:00Z', findingType: 'pii.email' },
    ];
    expect(recommend(signals, modules).map((a) => a.assignedAt)).toEqual([
      '2026-03-01T10:00:00.000Z',
      '2026-03-06T10:00:00.000Z',
      '2026-04-10T10:00:00.000Z',
    ]);
  });

  it('skips a topic without a module and ignores unreadable dates', () => {
    expect(
      recommend(
        [{ type: 'simulation.clicked', at: '2026-03-09T08:00:00Z', campaignId: 'c', topic: 'nothing' }],
        modules,
      ),
    ).toEqual([]);
    expect(recommend([{ type: 'guard.block', at: 'not a date', findingType: 'secret.x' }], modules)).toEqual([]);
  });
});
