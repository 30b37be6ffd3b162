import { describe, expect, it } from 'vitest';
import { SpreadChange } from './spread.js';

/** Deterministic noise in [-1, 1] (a small LCG), so that the tests do not flake. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

describe('SpreadChange', () => {
  it('finds few large steps in a signal moving as usual, and many once it starts to oscillate', () => {
    const spread = new SpreadChange({ short: 30, long: 1000, large: 4 });
    const rand = noise(1);
    let usual = 0;
    // A slow swing of ±1 with a jitter of ±0.1.
    const reading = (i: number) => 20 + Math.sin(i / 50) + 0.1 * rand();
    for (let i = 0; i < 3000; i++) usual = Math.max(usual, spread.update(reading(i), 1e-9));
    expect(usual).toBeLessThan(0.1);
    let oscillating = 0;
    // Within the same range, but now swinging across it at every step.
    for (let i = 0; i < 60; i++) oscillating = spread.update(20 + (i % 2 === 0 ? 0.9 : -0.9) + 0.1 * rand(), 1e-9);
    expect(oscillating).toBeGreaterThan(0.8);
  });

  it('learns the usual step size from the first steps, however small they were', () => {
    const spread = new SpreadChange({ short: 30, long: 1000, large: 4 });
    const rand = noise(3);
    // A reading stuck for its first points, then jittering by ±0.1 as it will from then on.
    for (let i = 0; i < 10; i++) spread.update(7, 1e-9);
    let share = 0;
    for (let i = 0; i < 300; i++) share = spread.update(7 + 0.1 * rand(), 1e-9);
    expect(share).toBeLessThan(0.1);
    expect(spread.usualStep).toBeGreaterThan(0.03);
  });

  it('keeps its usual step size through one burst (trimmed), so the burst is measured against the old one', () => {
    const spread = new SpreadChange({ short: 30, long: 1000, large: 4 });
    const rand = noise(2);
    for (let i = 0; i < 3000; i++) spread.update(20 + rand(), 1e-9);
    const before = spread.usualStep;
    for (let i = 0; i < 40; i++) spread.update(i % 2 === 0 ? 100 : -100, 1e-9);
    expect(spread.usualStep).toBeLessThan(before * 1.2);
  });

  it('does not call every move of a signal that seldom moves large: the floor is the smallest usual step', () => {
    const spread = new SpreadChange({ short: 30, long: 1000, large: 4 });
    // A stuck reading with a change of 0.1 every tenth point: the median step is 0.
    let share = 0;
    for (let i = 0; i < 2000; i++) share = Math.max(share, spread.update(i % 20 < 10 ? 5 : 5.1, 0.05));
    expect(share).toBeLessThan(0.1);
    // Without a floor, each of those moves would be large.
    const bare = new SpreadChange({ short: 30, long: 1000, large: 4 });
    let bareShare = 0;
    for (let i = 0; i < 2000; i++) bareShare = Math.max(bareShare, bare.update(i % 20 < 10 ? 5 : 5.1, 0));
    expect(bareShare).toBeGreaterThan(share);
  });
});
