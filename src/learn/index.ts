/** @module learn — awareness training (pure): content, adaptive quizzes, generated questions, recommendations, phishing simulations, gamification. */
export type {
  ContentFile,
  ContentOrigin,
  ContentProblem,
  LearnContent,
  LearningPath,
  LearnModule,
  LoadedLanding,
  LoadedTemplate,
} from './content/load.js';
export { loadContent, MAX_CONTENT_FILE } from './content/load.js';
export type { Audience, Lesson, ModuleData, PathData, Question, QuestionKind, Topic } from './content/schema.js';
export { AUDIENCES, moduleSchema, pathSchema, questionSchema, TOPICS } from './content/schema.js';
export { canonicalJson, digestOf } from './digest.js';
export type {
  Badge,
  Challenge,
  ChallengeProgress,
  GameEvent,
  LeaderboardEntry,
  LeaderboardOptions,
  LearnerStats,
  Streak,
  TeamTotal,
} from './game/gamification.js';
export {
  BADGES,
  badgesOf,
  CHALLENGES,
  challengeOf,
  challengeProgress,
  learnerStats,
  POINTS,
  pointsFor,
  pseudonym,
  QUICK_REPORT_SECONDS,
  rankTeams,
  streakOf,
  teamLeaderboard,
} from './game/gamification.js';
export type { GeneratedQuestion, GenerationOptions, GenerationResult, SkipReason, TermKind } from './kb/generate.js';
export { asQuestion, generateQuestions, ROLES, splitSentences } from './kb/generate.js';
export type { DocumentParagraphs, KbDocument, Paragraph } from './kb/text.js';
export { documentParagraphs, htmlToParagraphs, htmlToText, MAX_KB_TEXT, markdownToParagraphs } from './kb/text.js';
export type {
  AnswerRecord,
  LearnerState,
  ModuleCompletion,
  QuizItem,
  QuizOptions,
  TopicAbility,
  TopicKnowledge,
} from './quiz/adaptive.js';
export {
  abilityOf,
  buildQuiz,
  completeModule,
  EMPTY_LEARNER,
  knowledgeByTopic,
  PASS_MARK,
  pathProgress,
  recordAnswer,
  reviewKey,
  successProbability,
  TARGET_SUCCESS,
  targetDifficulty,
  updateAbility,
} from './quiz/adaptive.js';
export type { Answer, Grade } from './quiz/grade.js';
export { gradeAnswer, normaliseAnswer } from './quiz/grade.js';
export type { NextStep } from './quiz/next.js';
export { nextStep } from './quiz/next.js';
export type { ReviewItem } from './quiz/spaced.js';
export { dueReviews, LEITNER_INTERVALS_DAYS, scheduleReview } from './quiz/spaced.js';
export type { Assignment, LearnSignal, RecommendOptions } from './recommend.js';
export { recommend } from './recommend.js';
export type { Campaign, PlannedSend, SendPlan } from './sim/campaign.js';
export { campaignSchema, planSends, templateFor } from './sim/campaign.js';
export type { CsvCell, CsvParseResult, CsvProblem } from './sim/csv.js';
export { MAX_CSV_ROWS, neutraliseFormula, parseCsv, writeCsv } from './sim/csv.js';
export type {
  Checked,
  CustomLanding,
  CustomLandingInput,
  CustomProblem,
  CustomTemplate,
  CustomTemplateInput,
  LandingField,
} from './sim/custom.js';
export {
  checkCustomLanding,
  checkCustomTemplate,
  fromGophishPlaceholders,
  htmlToMailText,
  landingFields,
  MAX_CUSTOM_HTML,
  renderCustomLanding,
  renderCustomTemplate,
  sanitiseHtml,
  unknownPlaceholders,
} from './sim/custom.js';
export type { CampaignResults, Rates, TargetOutcome } from './sim/results.js';
export { campaignResults, median, outcomesCsv, resultsCsv } from './sim/results.js';
export type { Target, TargetImport } from './sim/targets.js';
export { audienceOf, parseTargets } from './sim/targets.js';
export type { LandingPage, MergeField, MergeValues, RenderedMessage, SimulationTemplate } from './sim/templates.js';
export {
  escapeHtml,
  landingSchema,
  MERGE_FIELDS,
  redactSubmission,
  renderTemplate,
  templateSchema,
} from './sim/templates.js';
export type {
  ClassifierConfig,
  ClickReason,
  ClickVerdict,
  CompiledConfig,
  TrackingEvent,
  TrackingEventType,
} from './sim/tracking.js';
export {
  classifyClick,
  compileClassifier,
  EVENT_TYPES,
  SCANNER_USER_AGENTS,
  trackingEventSchema,
} from './sim/tracking.js';
