/**
 * The reporting mailbox: staff forward doubtful mail to an address (phishing@…), Vigie polls
 * it over IMAP and puts each report in the triage queue. A report forwarded "as attachment"
 * (what Outlook's and Thunderbird's report buttons do) is analysed as the attached original,
 * with the forwarder as reporter; anything else is analysed as it is. Processed messages are
 * flagged \Seen, so a restart does not queue them twice (and the queue ignores identical bytes).
 * The reporter is read from the forwarding message's From: it says who forwarded it, as the
 * mailbox received it; it grants nothing.
 */
import { ImapFlow } from 'imapflow';
import { VigieError } from '../core/index.js';
import { parseMessage } from '../mail/index.js';
import type { MailService } from './mail.js';

export interface MailImapOptions {
  /** `imap://user:password@host:143` or `imaps://…:993`. */
  readonly url: string;
  readonly mailbox: string;
  readonly mail: MailService;
  /** Messages read per poll at most; the rest wait for the next poll. */
  readonly batch?: number;
  /**
   * Learn's hook: a reported message that is (or forwards) one of our simulations is counted as
   * a simulation report (matched by its X-Vigie-Simulation header or tracking link) and kept out
   * of the triage queue.
   */
  readonly simulations?: { claimMailboxReport(raw: Uint8Array): Promise<boolean> };
  /** Called for problems (connection, a message that cannot be read); never fatal. */
  readonly onProblem?: (problem: { uid?: number; reason: string }) => void;
}

export interface PollResult {
  readonly fetched: number;
  readonly queued: number;
  readonly duplicates: number;
  readonly failed: number;
  /** Reports of Learn simulations (only when the hook is given). */
  readonly simulations?: number;
}

const DEFAULT_BATCH = 100;

/** Connection settings from the URL, with the password never logged. */
export function imapConnection(url: string): {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string };
} {
  const parsed = new URL(url);
  if (parsed.protocol !== 'imap:' && parsed.protocol !== 'imaps:') {
    throw new Error('the reporting mailbox URL must start with imap:// or imaps://');
  }
  const secure = parsed.protocol === 'imaps:';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
    secure,
    auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) },
  };
}

/** The messages a report carries: its `message/rfc822` attachments, or itself when it has none. */
export async function reportedMessages(raw: Uint8Array): Promise<{ reporter: string | null; messages: Uint8Array[] }> {
  const report = await parseMessage(raw);
  const attached = report.attachments.filter((a) => a.contentType === 'message/rfc822').map((a) => a.content);
  return attached.length > 0
    ? { reporter: report.from?.address || null, messages: attached }
    : { reporter: null, messages: [raw] };
}

/** One poll: reads unseen messages, queues them, flags them seen. Resolves with what it did. */
export async function pollReportingMailbox(options: MailImapOptions): Promise<PollResult> {
  const problem = options.onProblem ?? (() => undefined);
  const client = new ImapFlow({
    ...imapConnection(options.url),
    logger: false,
    // A plain-IMAP server on loopback or a private network is the administrator's choice.
    tls: { rejectUnauthorized: true },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
  client.on('error', (error: Error) => problem({ reason: error.message }));
  const result: { fetched: number; queued: number; duplicates: number; failed: number; simulations?: number } = {
    fetched: 0,
    queued: 0,
    duplicates: 0,
    failed: 0,
    ...(options.simulations ? { simulations: 0 } : {}),
  };
  await client.connect();
  try {
    const lock = await client.getMailboxLock(options.mailbox);
    try {
      const unseen = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of unseen.slice(0, options.batch ?? DEFAULT_BATCH)) {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (message === false || !message.source) continue;
        result.fetched++;
        let done = true;
        try {
          const { reporter, messages } = await reportedMessages(message.source);
          for (const bytes of messages) {
            if (options.simulations && (await options.simulations.claimMailboxReport(bytes))) {
              result.simulations = (result.simulations ?? 0) + 1;
              continue;
            }
            const { duplicate } = await options.mail.report(
              bytes,
              { source: 'imap', reporter },
              { actor: { kind: 'system' } },
            );
            if (duplicate) result.duplicates++;
            else result.queued++;
          }
        } catch (error) {
          result.failed++;
          problem({ uid, reason: error instanceof Error ? error.message : String(error) });
          // A message that cannot be read would fail at every poll: it is set aside (seen).
          // Anything else (the database is away) is retried at the next poll.
          done = error instanceof VigieError && error.code === 'VIGIE_ERR_VALIDATION';
        }
        if (done) await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return result;
}

/**
 * Polls every `intervalMs` until stopped; the first poll runs at once. A poll never overlaps
 * the previous one, and a failed poll (server down) is reported and retried at the next tick.
 */
export function startMailImapPolling(options: MailImapOptions & { readonly intervalMs: number }): {
  stop(): Promise<void>;
  pollNow(): Promise<PollResult | undefined>;
} {
  let running: Promise<PollResult | undefined> = Promise.resolve(undefined);
  let stopped = false;
  const poll = () => {
    running = running.then(async () => {
      if (stopped) return undefined;
      try {
        return await pollReportingMailbox(options);
      } catch (error) {
        options.onProblem?.({ reason: `reporting mailbox: ${error instanceof Error ? error.message : String(error)}` });
        return undefined;
      }
    });
    return running;
  };
  void poll();
  const timer = setInterval(poll, options.intervalMs);
  timer.unref();
  return {
    pollNow: poll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
