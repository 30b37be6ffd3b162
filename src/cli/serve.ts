/** `vigie serve`: opens the store, creates the first administrator if needed, and listens. */
import { join } from 'node:path';
import {
  bootstrapAdmin,
  connectSenseMqtt,
  createPlatform,
  guardOptionsFrom,
  loadDemoData,
  smtpTransport,
  startDetectSyslog,
  startLearnSender,
  startMailImapPolling,
  type VigieConfig,
} from '../platform/index.js';
import { buildApp } from '../server/index.js';
import { openStore } from '../store/index.js';
import { type CliIo, cliActor, identityPolicyFrom, PACKAGE_ROOT, packageVersion } from './context.js';

export async function serve(config: VigieConfig, io: CliIo, options: { demo: boolean }): Promise<() => Promise<void>> {
  const store = await openStore({ url: config.VIGIE_DATABASE_URL, dataDir: config.VIGIE_DATA_DIR });
  const platform = createPlatform(store, {
    identityPolicy: identityPolicyFrom(config),
    sense: { alertThreshold: config.VIGIE_SENSE_ALERT_THRESHOLD, maxSeries: config.VIGIE_SENSE_MAX_SERIES },
    detect: { rulesDir: config.VIGIE_DETECT_RULES_DIR, replayMinutes: config.VIGIE_DETECT_REPLAY_MINUTES },
    guard: guardOptionsFrom(config),
    learn: {
      contentDir: config.VIGIE_LEARN_CONTENT_DIR,
      publicUrl: config.VIGIE_LEARN_PUBLIC_URL ?? config.VIGIE_PUBLIC_URL ?? `http://localhost:${config.VIGIE_PORT}`,
      transport: config.VIGIE_LEARN_SMTP_URL ? smtpTransport(config.VIGIE_LEARN_SMTP_URL) : undefined,
      ...(config.VIGIE_LEARN_COMPANY ? { company: config.VIGIE_LEARN_COMPANY } : {}),
      classifier: {
        scannerRanges: (config.VIGIE_LEARN_SCANNER_RANGES ?? '')
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      },
      pseudonymSecret: config.VIGIE_LEARN_PSEUDONYM_SECRET,
      secretKey: config.VIGIE_SECRET_KEY,
    },
  });
  // Detectors live in memory: replay each series' recent readings so baselines survive a restart.
  await platform.sense.restore();
  // Detect's rules compile and its windows refill from the recent stored events before anything arrives.
  const detectState = await platform.detect.restore();
  const bootstrap = await bootstrapAdmin(platform.identity, await store.users.count(), {
    username: config.VIGIE_ADMIN_USERNAME,
    password: config.VIGIE_ADMIN_PASSWORD,
  });
  const demoUsers = options.demo ? await loadDemoData(platform, cliActor()) : [];

  const publicUrl = config.VIGIE_PUBLIC_URL;
  const app = await buildApp({
    platform,
    version: packageVersion(),
    logger:
      config.VIGIE_LOG_LEVEL === 'silent'
        ? false
        : {
            level: config.VIGIE_LOG_LEVEL,
            // Query strings stay out of the logs: a tracked link's visitor may have typed into one.
            serializers: {
              req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
                method: req.method,
                url: req.url.split('?', 1)[0],
                host: req.hostname,
                remoteAddress: req.ip,
              }),
            },
          },
    bodyLimit: config.VIGIE_BODY_LIMIT,
    secureCookies: config.VIGIE_SECURE_COOKIES ?? publicUrl?.startsWith('https://') ?? false,
    trustProxy: config.VIGIE_TRUST_PROXY,
    metricsPublic: config.VIGIE_METRICS_PUBLIC,
    webRoot: join(PACKAGE_ROOT, 'web', 'dist'),
  });
  const address = await app.listen({ host: config.VIGIE_HOST, port: config.VIGIE_PORT });
  const url = publicUrl ?? address.replace('://[::1]', '://localhost').replace('://127.0.0.1', '://localhost');

  const lines = ['', `Vigie is running at ${url}`, `  database: ${store.location}`, `  API docs: ${url}/api/docs`];
  if (config.VIGIE_SENSE_MQTT_URL) {
    // The broker URL may carry a password: never print it.
    const broker = new URL(config.VIGIE_SENSE_MQTT_URL);
    if (broker.password) broker.password = '***';
    lines.push(`  sensors:  MQTT ${broker.toString()} (${config.VIGIE_SENSE_MQTT_TOPICS})`);
  }
  lines.push(
    `  detect:   ${detectState.rules} rule(s)${detectState.problems > 0 ? `, ${detectState.problems} not compiled` : ''}, ${detectState.replayed} recent event(s) replayed${detectState.truncated ? ' (replay cap reached)' : ''}`,
  );
  const syslog =
    config.VIGIE_DETECT_SYSLOG_UDP || config.VIGIE_DETECT_SYSLOG_TCP
      ? await startDetectSyslog({
          detect: platform.detect,
          udp: config.VIGIE_DETECT_SYSLOG_UDP,
          tcp: config.VIGIE_DETECT_SYSLOG_TCP,
          onProblem: (problem) => app.log.warn(problem, 'detect syslog: lines not ingested'),
        })
      : undefined;
  if (syslog?.udp) lines.push(`  syslog:   UDP ${syslog.udp.address}:${syslog.udp.port}`);
  if (syslog?.tcp) lines.push(`  syslog:   TCP ${syslog.tcp.address}:${syslog.tcp.port}`);
  if (bootstrap.created && bootstrap.generatedPassword) {
    lines.push(
      '',
      'First run: an administrator account was created.',
      `  user name: ${bootstrap.username}`,
      `  password:  ${bootstrap.generatedPassword}`,
      'This password is shown once and stored nowhere in clear: sign in and change it (My account).',
    );
  } else if (bootstrap.created) {
    lines.push(
      '',
      `First run: administrator "${bootstrap.username}" created with the password from VIGIE_ADMIN_PASSWORD.`,
    );
  }
  if (demoUsers.length > 0) {
    lines.push('', 'Demo team loaded (passwords shown once):');
    for (const u of demoUsers) lines.push(`  ${u.username.padEnd(18)} ${u.role.padEnd(8)} ${u.password}`);
  }
  io.out(`${lines.join('\n')}\n\n`);

  const housekeeping = setInterval(() => {
    platform.prune().catch((err: unknown) => app.log.error({ err }, 'housekeeping failed'));
    platform.detect
      .pruneEvents(config.VIGIE_DETECT_RETENTION_DAYS)
      .catch((err: unknown) => app.log.error({ err }, 'detect event retention failed'));
    platform.sense
      .purgeReadings(config.VIGIE_SENSE_RETENTION_DAYS)
      .catch((err: unknown) => app.log.error({ err }, 'sense reading retention failed'));
  }, 3_600_000);
  housekeeping.unref();
  const silences = setInterval(() => {
    platform.sense.checkSilences().catch((err: unknown) => app.log.error({ err }, 'sense silence check failed'));
    // Detect: correlation windows close by the clock (conditions like "fewer than 3 in 5m" are checked then).
    platform.detect.closeWindows().catch((err: unknown) => app.log.error({ err }, 'detect window close failed'));
  }, 60_000);
  silences.unref();
  const mqtt = config.VIGIE_SENSE_MQTT_URL
    ? connectSenseMqtt({
        url: config.VIGIE_SENSE_MQTT_URL,
        topics: config.VIGIE_SENSE_MQTT_TOPICS.split(',').map((t) => t.trim()),
        sense: platform.sense,
        clock: platform.clock,
        onProblem: (problem) => app.log.warn(problem, 'sense MQTT message not ingested'),
      })
    : undefined;
  const reportingMailbox = config.VIGIE_MAIL_IMAP_URL
    ? startMailImapPolling({
        url: config.VIGIE_MAIL_IMAP_URL,
        mailbox: config.VIGIE_MAIL_IMAP_MAILBOX,
        intervalMs: config.VIGIE_MAIL_IMAP_INTERVAL * 1000,
        mail: platform.mail,
        simulations: platform.learn,
        onProblem: (problem) => app.log.warn(problem, 'reporting mailbox: message not queued'),
      })
    : undefined;

  // Learn: sends a crash left half-done are marked interrupted (at most once), then the sender starts.
  const interrupted = await platform.learn.recoverInterrupted();
  if (interrupted > 0)
    app.log.warn({ interrupted }, 'learn: simulation sends interrupted by the last stop, not retried');
  const learnSender = startLearnSender({
    tick: () => platform.learn.sendDue(),
    intervalMs: config.VIGIE_LEARN_SEND_INTERVAL * 1000,
    onProblem: (reason) => app.log.warn({ reason }, 'learn: sending simulations failed'),
  });

  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      clearInterval(housekeeping);
      clearInterval(silences);
      await mqtt?.close();
      await syslog?.close();
      await reportingMailbox?.stop();
      await learnSender.stop();
      await app.close();
      await store.close();
    })();
    return closing;
  };
}
