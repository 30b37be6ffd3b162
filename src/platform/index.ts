/** @module platform — application services shared by the server and the CLI: identity, audit, posture, config. */
export type { ActionContext, Actor } from './actor.js';
export { actorLabel } from './actor.js';
export type { AuditTrail } from './audit-trail.js';
export type { BootstrapResult } from './bootstrap.js';
export { bootstrapAdmin } from './bootstrap.js';
export type { VigieConfig } from './config.js';
export { configSchema, loadConfig } from './config.js';
export { loadDemoData } from './demo.js';
export type {
  DetectAlertKind,
  DetectAlertView,
  DetectAttack,
  DetectBatchInput,
  DetectChangeView,
  DetectEventView,
  DetectIncidentDetail,
  DetectIncidentView,
  DetectIngestResult,
  DetectOptions,
  DetectRuleProblemView,
  DetectRuleView,
  DetectService,
  DetectVerdict,
  IncidentResolution,
  IncidentStatus,
} from './detect.js';
export {
  DETECT_ALERT_KINDS,
  DETECT_SOURCE_PATTERN,
  DETECT_VERDICTS,
  INCIDENT_RESOLUTIONS,
  INCIDENT_STATUSES,
} from './detect.js';
export { MAX_LINE_LENGTH } from './detect-events.js';
export { MAX_RULE_FILE_BYTES } from './detect-rules.js';
export type { DetectSyslogListener, DetectSyslogOptions } from './detect-syslog.js';
export { parseHostPort, SyslogFramer, startDetectSyslog } from './detect-syslog.js';
export type {
  GuardActionCounts,
  GuardCaller,
  GuardCatalogueEntry,
  GuardDashboard,
  GuardDecisionInput,
  GuardDecisionView,
  GuardDiscoveryView,
  GuardOptions,
  GuardPolicyCheck,
  GuardPolicyView,
  GuardScanView,
  GuardService,
} from './guard.js';
export { GUARD_SHIPPED_POLICY_ID, guardOptionsFrom } from './guard.js';
export type { ChatMessage, ChatRequest, GuardProxy, GuardProxyOptions, ProxyPlan } from './guard-proxy.js';
export { ClientGone, planChat, rewriteCompletion, SseRewriter, UpstreamCall } from './guard-proxy.js';
export type {
  Caller,
  Identity,
  IdentityPolicy,
  NewUser,
  PublicToken,
  PublicUser,
  SignIn,
  UserChanges,
} from './identity.js';
export { checkPasswordStrength, DEFAULT_IDENTITY_POLICY, USERNAME_PATTERN, weakPasswordReason } from './identity.js';
export type {
  CampaignInput,
  CampaignStatus,
  CampaignView,
  Learner,
  LearnOptions,
  LearnService,
  PublicQuestion,
  TrackedVisit,
} from './learn.js';
export { CAMPAIGN_STATUSES, createLearnService, TOKEN_PATTERN, tokenDigest } from './learn.js';
export { readContentDir, SHIPPED_CONTENT_DIR } from './learn-content.js';
export type { LearnTransport, OutgoingMessage } from './learn-sender.js';
export { smtpTransport, startLearnSender } from './learn-sender.js';
export type {
  AnalystVerdict,
  LearnResult,
  MailModelInfo,
  MailQueueDetail,
  MailQueueItem,
  MailService,
  MailSource,
} from './mail.js';
export { ANALYST_VERDICTS, MAIL_SOURCES } from './mail.js';
export type { MailImapOptions, PollResult } from './mail-imap.js';
export { imapConnection, pollReportingMailbox, reportedMessages, startMailImapPolling } from './mail-imap.js';
export type { ModuleInfo } from './modules.js';
export { MODULE_CATALOG } from './modules.js';
export type { Platform, PlatformOptions } from './platform.js';
export { createPlatform } from './platform.js';
export type { Posture } from './posture.js';
export { loadQrReader } from './qr-reader.js';
export type { IncomingReading, IngestResult, SenseOptions, SenseService } from './sense.js';
export { DEFAULT_ALERT_THRESHOLD } from './sense.js';
export type { SenseMqttOptions } from './sense-mqtt.js';
export { connectSenseMqtt, readingFromMessage } from './sense-mqtt.js';
