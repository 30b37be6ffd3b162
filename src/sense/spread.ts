/**
 * Change of spread: how often the signal has lately moved by a large step, compared with how
 * often it usually does. A sensor that starts to oscillate, or a steady signal that turns
 * jittery, may stay well inside its usual range and around its usual level, so that neither
 * the deviation nor the range check sees it; what changed is the size of its moves. A step is
 * large when it is several times the usual step size, a slow trimmed median of the step sizes
 * (one burst moves it little), learnt as a plain average of the first steps so that a quiet
 * start does not make every later step look large. The recent share of large steps is a running average, which
 * the detector calibrates like its other parts (a series that often bursts is not news when
 * it bursts). Constant cost per point.
 */

export interface SpreadChangeOptions {
  /** Memory (points) of the recent share of large steps. */
  readonly short: number;
  /** Memory (points) of the usual step size. */
  readonly long: number;
  /** A step is large beyond this many usual step sizes. */
  readonly large: number;
}

export class SpreadChange {
  private readonly shortRate: number;
  private readonly longRate: number;
  private readonly large: number;
  private previous = Number.NaN;
  private steps = 0;
  /** Usual step size: a trimmed running median of the step sizes (as RobustTracker, learning fast at first). */
  usualStep = 0;
  /** How far step sizes usually are from it (bounds how far one step moves it). */
  private stepScale = 0;
  /** Recent share of large steps, in [0,1] (0 until the usual step size is known). */
  share = 0;

  constructor(options: SpreadChangeOptions) {
    this.longRate = 1 / options.long;
    this.shortRate = 1 / options.short;
    this.large = options.large;
  }

  /**
   * Feeds a reading; returns the recent share of large steps. `floor` is the smallest usual
   * step size (a signal that seldom moves has a median step of 0, and any move would be large).
   */
  update(value: number, floor: number): number {
    const previous = this.previous;
    this.previous = value;
    if (Number.isNaN(previous)) return this.share;
    const step = Math.abs(value - previous);
    this.steps += 1;
    if (this.steps > 1) {
      const large = step > this.large * Math.max(this.usualStep, floor) ? 1 : 0;
      this.share += (large - this.share) * this.shortRate;
    }
    // Huber steps, at the rate of a plain average at first (no slow start from the first steps).
    const rate = Math.max(this.longRate, 1 / this.steps);
    const residual = step - this.usualStep;
    const bound = 1.5 * this.stepScale;
    this.usualStep += rate * (bound > 0 ? Math.min(bound, Math.max(-bound, residual)) : residual);
    const deviation = Math.abs(residual);
    this.stepScale =
      this.stepScale === 0 ? deviation : this.stepScale * (deviation > this.stepScale ? 1 + rate : 1 - rate);
    return this.share;
  }
}
