/** @module sense/nab — the Numenta Anomaly Benchmark scorer (pure): windows, sweep, normalised scores. */
export { parseNabLabels } from './labels.js';
export type { NabCostMatrix, NabProfile } from './profiles.js';
export { NAB_PROFILES, parseNabProfiles } from './profiles.js';
export type { LabelledSeries, NabIssue, NabSeries, NabWindow, NabWindowRows } from './rows.js';
export {
  labelNabSeries,
  NAB_MAX_TP_CREDIT,
  NAB_PROBATIONARY_PERCENT,
  probationaryLength,
  scaledSigmoid,
} from './rows.js';
export type {
  NabCorpusScore,
  NabProfileScore,
  NabScoringOptions,
  NabSeriesScore,
  NabWindowScore,
} from './score.js';
export { labelNabCorpus, NabInputError, scoreLabelledSeries, scoreNabCorpus } from './score.js';
export { parseNabTimestamp } from './timestamp.js';
