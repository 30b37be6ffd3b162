/**
 * SpamAssassin side by side on the same files (Debian package; local tests only: no network,
 * no Bayes, no auto-learning), as a daemon with one child so that per-message cost is not
 * Perl start-up, asked over its own protocol as a mail server's filter would (no `spamc`
 * process per message): throughput and detection at its default threshold (5.0) and at ≤ 0.5%
 * false positives. Vigie's engine (one core, as bench/mail/speed.ts) is timed on the same files
 * in step with it: after each slice of 100 messages through SpamAssassin (~10 s), one pass of
 * all the files through Vigie (~1.5 s). This machine's speed drifts by up to 1.6× within
 * minutes; interleaved, both tools see the same drift and their ratio does not. A pass after
 * seconds of idling starts colder than one of a busy server (V8 has dropped some compiled code
 * meanwhile): that costs Vigie a few per cent here, and is left in.
 *
 *   apt-get install spamassassin && npx tsx bench/mail/spamassassin.ts [CORPUS_DIR]
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeMail, detectionFigures } from '../../src/mail/index.js';
import { loadQrReader } from '../../src/platform/index.js';
import { DEFAULT_MAIL_CORPUS } from './corpus.js';

const root = process.argv[2] ?? DEFAULT_MAIL_CORPUS;
const PORT = 17830;
const out = (line: string) => process.stdout.write(`${line}\n`);

const manifest = readFileSync(join(root, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1);
const messages = manifest.map((line) => {
  const [file = '', label] = line.split('\t');
  return { file, phishing: label === 'phish', bytes: readFileSync(join(root, file)) };
});

// Debian's site configuration (the .pre files that load the plugins) plus our local switches.
const config = mkdtempSync(join(tmpdir(), 'vigie-sa-'));
cpSync('/etc/spamassassin', config, { recursive: true });
// spamd started as root reads its configuration as an unprivileged user.
chmodSync(config, 0o755);
writeFileSync(
  join(config, 'local.cf'),
  'use_bayes 0\nbayes_auto_learn 0\nskip_rbl_checks 1\nuse_razor2 0\nuse_pyzor 0\n',
);
const daemon = spawn(
  'spamd',
  ['-L', '-x', '--max-children=1', '--min-children=1', `--listen=127.0.0.1:${PORT}`, `--siteconfigpath=${config}`],
  { stdio: 'ignore' },
);
const qrReader = await loadQrReader();
const SLICE = 100;

try {
  await waitForDaemon();
  // One pass lets the JIT settle, as it would in a server that has run for a minute.
  for (const m of messages) await analyzeMail(m.bytes, { qrReader });
  const scores: number[] = [];
  let saMs = 0;
  let vigieMs = 0;
  let vigiePasses = 0;
  for (let from = 0; from < messages.length; from += SLICE) {
    const slice = messages.slice(from, from + SLICE);
    let start = performance.now();
    for (const m of slice) scores.push(await spamdScore(m.bytes));
    saMs += performance.now() - start;
    start = performance.now();
    for (const m of messages) await analyzeMail(m.bytes, { qrReader });
    vigieMs += performance.now() - start;
    vigiePasses++;
  }
  const labels = messages.map((m) => m.phishing);
  const phishing = messages.filter((m) => m.phishing).length;
  const atDefault = (phish: boolean) =>
    messages.filter((m, i) => m.phishing === phish && (scores[i] ?? 0) >= 5).length /
    (phish ? phishing : messages.length - phishing);
  const strict = detectionFigures(scores, labels, 0.005);
  out(
    `SpamAssassin ${execFileSync('spamassassin', ['--version']).toString().split('\n')[0]} (spamd, 1 child, -L, no Bayes)`,
  );
  const rate = messages.length / (saMs / 1000);
  out(`${messages.length} messages in ${(saMs / 1000).toFixed(1)} s: ${rate.toFixed(1)} messages/s`);
  out(
    `default threshold 5.0: ${(atDefault(true) * 100).toFixed(1)}% of phishing caught, ${(atDefault(false) * 100).toFixed(1)}% of legitimate flagged`,
  );
  out(
    `at ≤ 0.5% false positives: ${(strict.recallAtFpr * 100).toFixed(1)}% caught; ROC AUC ${strict.rocAuc.toFixed(4)}`,
  );
  const vigieRate = (messages.length * vigiePasses) / (vigieMs / 1000);
  out(
    `Vigie on the same files, interleaved (${vigiePasses} passes, one after each slice of ${SLICE} through SpamAssassin): ` +
      `${vigieRate.toFixed(0)} messages/s, ${(vigieRate / rate).toFixed(0)} times SpamAssassin's rate`,
  );
} finally {
  daemon.kill();
}

/**
 * spamd's score for one message, asked as `spamc -c` does (SPAMC protocol 1.5, CHECK): one
 * connection per message, which spamd closes after its answer.
 */
function spamdScore(message: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(PORT, '127.0.0.1', () => {
      socket.write(`CHECK SPAMC/1.5\r\nContent-length: ${message.byteLength}\r\n\r\n`);
      socket.end(message);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('latin1');
      // "Spam: True ; 15.3 / 5.0"
      const score = /^Spam: \w+ ; (-?[\d.]+) \//m.exec(answer)?.[1];
      if (score === undefined) reject(new Error(`spamd answered: ${answer.slice(0, 200)}`));
      else resolve(Number.parseFloat(score));
    });
  });
}

async function waitForDaemon(): Promise<void> {
  let exited = false;
  daemon.on('exit', () => {
    exited = true;
  });
  for (let attempt = 0; attempt < 120 && !exited; attempt++) {
    try {
      execFileSync('spamc', ['-d', '127.0.0.1', '-p', String(PORT), '-K'], { stdio: 'ignore', timeout: 5000 });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error('spamd did not start (run it by hand to see why)');
}
