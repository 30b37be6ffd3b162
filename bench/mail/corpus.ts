/**
 * The real mail corpus of ../shared/data/mail, read from disk and turned into training
 * examples. Used by the benchmark and by `npm run train:mail`; never copied into the project.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAIL_SETTINGS, gatherEvidence, type LabelledExample, parseMessage } from '../../src/mail/index.js';
import { loadQrReader } from '../../src/platform/index.js';

export const DEFAULT_MAIL_CORPUS = new URL('../../../shared/data/mail', import.meta.url).pathname;

export interface CorpusMessage extends LabelledExample {
  readonly file: string;
  /** The corpus' own name for where it came from (`pot`, `nazario`, `sa-easy`, ...). */
  readonly source: string;
  readonly bytes: Buffer;
}

/** Reads every message listed in the corpus manifest, in manifest order. */
export async function loadMailCorpus(root = DEFAULT_MAIL_CORPUS): Promise<CorpusMessage[]> {
  const manifest = join(root, 'manifest.tsv');
  if (!existsSync(manifest)) throw new Error(`No mail corpus at ${root} (manifest.tsv missing).`);
  const lines = readFileSync(manifest, 'utf8').trim().split('\n');
  const header = (lines.shift() ?? '').split('\t');
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`manifest.tsv has no ${name} column`);
    return index;
  };
  const [fileColumn, labelColumn, sourceColumn] = [column('file'), column('label'), column('source_tag')];
  const messages: CorpusMessage[] = [];
  const qrReader = await loadQrReader();
  for (const line of lines) {
    const cells = line.split('\t');
    const file = cells[fileColumn] ?? '';
    const bytes = readFileSync(join(root, file));
    const message = await parseMessage(bytes);
    const evidence = await gatherEvidence(message, DEFAULT_MAIL_SETTINGS, qrReader);
    messages.push({
      id: file,
      file,
      source: cells[sourceColumn] ?? '',
      bytes,
      phishing: cells[labelColumn] === 'phish',
      features: evidence.features,
      reasons: evidence.reasons,
    });
  }
  return messages;
}

/** A digest of what the model learns from: file names, labels and contents. */
export function corpusDigest(messages: readonly CorpusMessage[]): string {
  const hash = createHash('sha256');
  for (const m of messages) hash.update(`${m.file}\t${m.phishing}\t`).update(m.bytes);
  return hash.digest('hex');
}
