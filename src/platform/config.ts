/**
 * Runtime configuration from environment variables (and CLI flags, which win).
 * Every variable is listed in the README's configuration table.
 */
import { z } from 'zod';
import { VigieError } from '../core/index.js';
import { USERNAME_PATTERN, weakPasswordReason } from './identity.js';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z.object({
  VIGIE_DATA_DIR: z.string().min(1).default('./data'),
  VIGIE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  VIGIE_HOST: z.string().min(1).default('127.0.0.1'),
  VIGIE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  VIGIE_PUBLIC_URL: z.url().optional(),
  VIGIE_ADMIN_USERNAME: z
    .string()
    .regex(USERNAME_PATTERN, 'lower-case letters, digits, . _ -, starting with a letter or digit')
    .default('admin'),
  VIGIE_ADMIN_PASSWORD: z.string().optional(),
  VIGIE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIE_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(1024 * 1024),
  VIGIE_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(8 * 60),
  VIGIE_SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
  VIGIE_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  VIGIE_LOGIN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  VIGIE_LOGIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(30),
  VIGIE_SECURE_COOKIES: booleanFromEnv.optional(),
  VIGIE_TRUST_PROXY: booleanFromEnv.default(false),
  VIGIE_METRICS_PUBLIC: booleanFromEnv.default(false),
  VIGIE_SENSE_MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\//, 'must be an mqtt:// or mqtts:// URL')
    .optional(),
  VIGIE_SENSE_MQTT_TOPICS: z.string().min(1).default('vigie/sense/#'),
  VIGIE_SENSE_ALERT_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  VIGIE_SENSE_MAX_SERIES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Days Sense readings are kept (0: forever); series summaries and alerts stay. */
  VIGIE_SENSE_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
  VIGIE_MAIL_IMAP_URL: z
    .string()
    .regex(/^imaps?:\/\/[^/]+/, 'must be an imap:// or imaps:// URL with user and password')
    .optional(),
  VIGIE_MAIL_IMAP_MAILBOX: z.string().min(1).max(200).default('INBOX'),
  VIGIE_MAIL_IMAP_INTERVAL: z.coerce.number().int().min(10).max(86_400).default(60),
  VIGIE_DETECT_RULES_DIR: z.string().min(1).optional(),
  VIGIE_DETECT_SYSLOG_UDP: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port')
    .optional(),
  VIGIE_DETECT_SYSLOG_TCP: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port')
    .optional(),
  VIGIE_DETECT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  VIGIE_DETECT_REPLAY_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  VIGIE_GUARD_UPSTREAM_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL (the base, e.g. https://api.openai.com/v1)')
    .optional(),
  VIGIE_GUARD_UPSTREAM_KEY: z.string().min(1).max(4096).optional(),
  VIGIE_GUARD_UPSTREAM_AUTH: z.enum(['bearer', 'api-key']).default('bearer'),
  VIGIE_GUARD_SERVICE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ -')
    .default('internal-llm'),
  VIGIE_GUARD_UPSTREAM_TIMEOUT: z.coerce.number().min(1).max(3600).default(120),
  VIGIE_GUARD_KNOWN_HOSTS: z.string().max(10_000).optional(),
  VIGIE_SECRET_KEY: z.string().min(32, 'at least 32 characters').max(200).optional(),
  VIGIE_LEARN_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL (smtp://user:pass@host:587)')
    .optional(),
  VIGIE_LEARN_PUBLIC_URL: z.url().optional(),
  VIGIE_LEARN_CONTENT_DIR: z.string().min(1).optional(),
  VIGIE_LEARN_SEND_INTERVAL: z.coerce.number().int().min(1).max(3600).default(30),
  VIGIE_LEARN_COMPANY: z.string().max(200).optional(),
  VIGIE_LEARN_SCANNER_RANGES: z.string().max(10_000).optional(),
  VIGIE_LEARN_PSEUDONYM_SECRET: z.string().min(16).max(200).optional(),
});

export type VigieConfig = z.infer<typeof configSchema>;

/** Rules that involve two variables, checked once both are read. */
const configSchemaChecked = configSchema.superRefine((config, ctx) => {
  const password = config.VIGIE_ADMIN_PASSWORD;
  const reason = password === undefined ? null : weakPasswordReason(password, config.VIGIE_ADMIN_USERNAME);
  if (reason) ctx.addIssue({ code: 'custom', path: ['VIGIE_ADMIN_PASSWORD'], message: reason });
});

/** Reads the configuration; an invalid value stops start-up with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<VigieConfig> = {}): VigieConfig {
  const relevant = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('VIGIE_') && v !== ''));
  const parsed = configSchemaChecked.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new VigieError('VIGIE_ERR_CONFIG', `Invalid configuration: ${problems}`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...parsed.data, ...defined };
}
