/**
 * Bursts of bot-like requests: a source's requests in the current bucket far above its own
 * moving baseline (once it has one) or, for a newcomer, the site's per-source baseline.
 * Baselines are exponentially weighted means over closed buckets, so memory stays constant.
 */
import { span } from './alert.js';
import { type DetectorContext, limitsFor, reason, scaled } from './context.js';
import { normaliseIp, type WebRequest } from './observation.js';
import { EntityTable } from './window.js';

/** Buckets a source needs before its own baseline is trusted over the site's. */
const OWN_HISTORY = 3;

interface RateState {
  bucketStart: number;
  count: number;
  mean: number;
  buckets: number;
}

export class BurstDetector {
  readonly table: EntityTable<RateState>;
  private site = { bucketStart: Number.NaN, requests: 0, sources: new Set<string>(), mean: 0, buckets: 0 };

  constructor(private readonly ctx: () => DetectorContext) {
    const s = ctx().settings;
    // A source's baseline is worth keeping for a while after it goes quiet.
    this.table = new EntityTable(s.maxEntities, 60 * s.requestBurst.bucketMs + s.cooldownMs);
  }

  observe(r: WebRequest): void {
    const ctx = this.ctx();
    const { bucketMs, minRequests, factor, alpha } = ctx.settings.requestBurst;
    const key = normaliseIp(r.sourceIp);
    const bucket = Math.floor(r.time / bucketMs) * bucketMs;
    this.advanceSite(bucket, alpha);
    this.site.requests++;
    if (this.site.sources.size < ctx.settings.maxEntities) this.site.sources.add(key);
    const state = this.table.touch(key, r.time, () => ({ bucketStart: bucket, count: 0, mean: 0, buckets: 0 }));
    if (bucket > state.bucketStart) {
      // Close the source's bucket, and decay its mean over the silent buckets since.
      state.mean = state.buckets === 0 ? state.count : alpha * state.count + (1 - alpha) * state.mean;
      const silent = Math.min(1000, Math.floor((bucket - state.bucketStart) / bucketMs) - 1);
      state.mean *= (1 - alpha) ** silent;
      state.buckets++;
      state.bucketStart = bucket;
      state.count = 0;
    }
    if (bucket < state.bucketStart) return; // late request: its bucket is closed
    state.count++;
    const { suppressed, scale } = limitsFor(ctx.settings, 'request_burst', key);
    const threshold = scaled(minRequests, scale);
    if (suppressed || state.count < threshold) return;
    const own = state.buckets >= OWN_HISTORY;
    const baseline = Math.max(1, own ? state.mean : this.site.mean);
    const ratio = state.count / baseline;
    if (ratio < factor) return;
    const alert = ctx.book.report(key, {
      pattern: 'request_burst',
      severity: ratio >= factor * 10 ? 'medium' : 'low',
      score: ratio >= factor * 10 ? 0.6 : 0.45,
      title: { en: `Burst of automated requests from ${key}`, fr: `Rafale de requêtes automatisées depuis ${key}` },
      techniques: ['T1595'],
      entity: { kind: 'ip', value: key },
      entities: { ips: [key] },
      windowMs: bucketMs,
      observed: state.count,
      threshold,
      counts: { requests: state.count },
      baseline: { perBucket: baseline, sourceMean: state.mean, siteMeanPerSource: this.site.mean, ratio },
      reasons: [
        reason(
          'behaviour.request_burst.rate',
          0.6,
          `${state.count} requests within ${span(bucketMs)} from ${key}, ${ratio.toFixed(0)}× the ${own ? 'source’s own' : 'site’s per-source'} baseline of ${baseline.toFixed(1)} (at least ${factor}× and ${threshold} requests required).`,
          `${state.count} requêtes en ${span(bucketMs)} depuis ${key}, ${ratio.toFixed(0)}× la référence ${own ? 'propre à cette source' : 'du site par source'} de ${baseline.toFixed(1)} (au moins ${factor}× et ${threshold} requêtes requis).`,
          { requests: state.count, baseline, ratio, factor, threshold, bucketMs, baselineOf: own ? 'source' : 'site' },
        ),
      ],
      windowStart: bucket,
      time: r.time,
    });
    if (alert) ctx.emit(alert);
  }

  private advanceSite(bucket: number, alpha: number): void {
    const site = this.site;
    if (Number.isNaN(site.bucketStart)) site.bucketStart = bucket;
    if (bucket <= site.bucketStart) return;
    const perSource = site.sources.size === 0 ? 0 : site.requests / site.sources.size;
    site.mean = site.buckets === 0 ? perSource : alpha * perSource + (1 - alpha) * site.mean;
    site.buckets++;
    site.bucketStart = bucket;
    site.requests = 0;
    site.sources = new Set();
  }
}
