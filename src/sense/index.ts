/** @module sense — streaming anomaly detection on sensor telemetry (pure) and the NAB scorer. */
export type { PointExplanation, ScorePart, SenseDetector, SenseDetectorOptions, SenseTuning } from './detector.js';
export { createSenseDetector } from './detector.js';
export type {
  DeviceEvent,
  DeviceEventKind,
  DeviceSummary,
  DeviceWatch,
  DeviceWatchOptions,
} from './devices.js';
export { createDeviceWatch } from './devices.js';
export type { ReadingContext } from './findings.js';
export { deviceFinding, readingFinding } from './findings.js';
export type {
  LabelledSeries,
  NabCorpusScore,
  NabCostMatrix,
  NabIssue,
  NabProfile,
  NabProfileScore,
  NabScoringOptions,
  NabSeries,
  NabSeriesScore,
  NabWindow,
  NabWindowRows,
  NabWindowScore,
} from './nab/index.js';
export {
  labelNabCorpus,
  labelNabSeries,
  NAB_MAX_TP_CREDIT,
  NAB_PROBATIONARY_PERCENT,
  NAB_PROFILES,
  NabInputError,
  parseNabLabels,
  parseNabProfiles,
  parseNabTimestamp,
  probationaryLength,
  scaledSigmoid,
  scoreLabelledSeries,
  scoreNabCorpus,
} from './nab/index.js';
export type { Reading } from './readings.js';
export { parseReadingLine, parseReadingsHeader, parseTimestamp, ReadingParseError } from './readings.js';
