/**
 * Sending simulation e-mails: the SMTP transport (nodemailer, configured by one URL so the
 * password lives in configuration, not in the database) and the in-process scheduler that
 * `vigie serve` starts. The scheduler only calls `learn.sendDue()`; throttling and the
 * at-most-once bookkeeping live in the service (src/platform/learn.ts).
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What the service needs of a mail transport; tests may hand in their own. */
export interface LearnTransport {
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  close?(): void;
}

/**
 * `smtp://user:pass@host:587` (STARTTLS when the server offers it), `smtps://…:465` (TLS), or
 * `smtp://host:25?tls=off` for a relay on loopback that offers no TLS at all.
 */
export function smtpTransport(url: string): LearnTransport {
  const parsed = new URL(url);
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new Error('the sending profile URL must start with smtp:// or smtps://');
  }
  const secure = parsed.protocol === 'smtps:';
  const transporter = nodemailer.createTransport({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ignoreTLS: parsed.searchParams.get('tls') === 'off',
    ...(parsed.username
      ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }
      : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return nodemailerTransport(transporter);
}

/** Simulation messages sent through a nodemailer transporter (the env profile's or a stored one's). */
export function nodemailerTransport(transporter: Transporter): LearnTransport & { verify(): Promise<void> } {
  return {
    async verify() {
      await transporter.verify();
    },
    async send(message) {
      const info = await transporter.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { ...message.headers },
      });
      return { messageId: String(info.messageId ?? '') };
    },
    close: () => transporter.close(),
  };
}

/**
 * Calls `tick` every `intervalMs` (first call at once), never overlapping; a failed tick is
 * reported and the next one runs as planned.
 */
export function startLearnSender(options: {
  readonly tick: () => Promise<unknown>;
  readonly intervalMs: number;
  readonly onProblem?: (reason: string) => void;
}): { stop(): Promise<void>; tickNow(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await options.tick();
      } catch (error) {
        options.onProblem?.(error instanceof Error ? error.message : String(error));
      }
    });
    return running;
  };
  void run();
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    tickNow: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
