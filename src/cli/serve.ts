/** `vigie serve`: opens the store, creates the first administrator if needed, and listens. */
import { join } from 'node:path';
import {
  bootstrapAdmin,
  connectSenseMqtt,
  createPlatform,
  loadDemoData,
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
  });
  // Detectors live in memory: replay each series' recent readings so baselines survive a restart.
  await platform.sense.restore();
  const bootstrap = await bootstrapAdmin(platform.identity, await store.users.count(), {
    username: config.VIGIE_ADMIN_USERNAME,
    password: config.VIGIE_ADMIN_PASSWORD,
  });
  const demoUsers = options.demo ? await loadDemoData(platform.identity, cliActor()) : [];

  const publicUrl = config.VIGIE_PUBLIC_URL;
  const app = await buildApp({
    platform,
    version: packageVersion(),
    logger: config.VIGIE_LOG_LEVEL === 'silent' ? false : { level: config.VIGIE_LOG_LEVEL },
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
  }, 3_600_000);
  housekeeping.unref();
  const silences = setInterval(() => {
    platform.sense.checkSilences().catch((err: unknown) => app.log.error({ err }, 'sense silence check failed'));
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
        onProblem: (problem) => app.log.warn(problem, 'reporting mailbox: message not queued'),
      })
    : undefined;

  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      clearInterval(housekeeping);
      clearInterval(silences);
      await mqtt?.close();
      await reportingMailbox?.stop();
      await app.close();
      await store.close();
    })();
    return closing;
  };
}
