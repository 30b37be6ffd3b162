/**
 * Detection quality of the mail engine on ../shared/data/mail, by 5-fold cross-validation:
 * every message is scored by a model trained without it (the signals need no training).
 *
 *   npx tsx bench/mail/quality.ts [CORPUS_DIR]
 */
import {
  crossValidatedScores,
  detectionFigures,
  foldOf,
  SHIPPED_MAIL_MODEL,
  scoreExample,
  trainMailModel,
} from '../../src/mail/index.js';
import { loadMailCorpus } from './corpus.js';

const FOLDS = 5;
const out = (line = '') => process.stdout.write(`${line}\n`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const corpus = await loadMailCorpus(process.argv[2]);
const labels = corpus.map((m) => m.phishing);
const phishingCount = labels.filter(Boolean).length;
out(`corpus: ${corpus.length} messages, ${phishingCount} phishing, ${corpus.length - phishingCount} legitimate`);

const scores = crossValidatedScores(corpus, FOLDS);
const strict = detectionFigures(scores, labels, 0.005);

// The default threshold, as `npm run train:mail` chooses it (the 0.5% point of out-of-fold
// scores), measured honestly: each fold is judged at a threshold chosen from the other folds.
const folds = corpus.map((m) => foldOf(m.id, FOLDS));
const thresholdWithout = new Map<number, number>();
for (let fold = 0; fold < FOLDS; fold++) {
  const others = corpus.map((_, j) => j).filter((j) => folds[j] !== fold);
  const figures = detectionFigures(
    others.map((j) => scores[j] ?? 0),
    others.map((j) => labels[j] ?? false),
    0.005,
  );
  thresholdWithout.set(fold, figures.thresholdAtFpr);
}
const flaggedHonestly = corpus.map((_, i) => (scores[i] ?? 0) > (thresholdWithout.get(folds[i] ?? 0) ?? 1));
const { suspicious, phishing } = SHIPPED_MAIL_MODEL.thresholds;
const flaggedAt = (threshold: number) => ({
  recall: share(corpus.filter((m, i) => m.phishing && (scores[i] ?? 0) >= threshold).length, phishingCount),
  falsePositives: share(
    corpus.filter((m, i) => !m.phishing && (scores[i] ?? 0) >= threshold).length,
    corpus.length - phishingCount,
  ),
});

// The signals alone, with no trained words: what the explained rules are worth by themselves.
const signalsOnly = trainMailModel(
  corpus.map((m) => ({ ...m, features: new Set<string>() })),
  { version: 'signals-only', corpusDigest: '', thresholds: SHIPPED_MAIL_MODEL.thresholds },
);
const signalScores = corpus.map((m) => scoreExample(signalsOnly, { ...m, features: new Set() }));
const signalFigures = detectionFigures(signalScores, labels, 0.005);

out();
out(`| measure (${FOLDS}-fold cross-validation) | value |`);
out('|---|---|');
out(
  `| phishing caught at ≤ 0.5% legitimate flagged | **${pct(strict.recallAtFpr)}** (score > ${strict.thresholdAtFpr.toFixed(4)}) |`,
);
const atPhishing = flaggedAt(phishing);
const honest = {
  recall: share(corpus.filter((m, i) => m.phishing && flaggedHonestly[i]).length, phishingCount),
  falsePositives: share(
    corpus.filter((m, i) => !m.phishing && flaggedHonestly[i]).length,
    corpus.length - phishingCount,
  ),
};
out(
  `| at the default threshold, chosen without the scored fold (shipped: ${suspicious}) | ${pct(honest.recall)} caught, ${pct(honest.falsePositives)} legitimate flagged |`,
);
out(
  `| verdict phishing only (score ≥ ${phishing}) | ${pct(atPhishing.recall)} caught, ${pct(atPhishing.falsePositives)} legitimate flagged |`,
);
out(`| ROC AUC | ${strict.rocAuc.toFixed(4)} |`);
out(
  `| signals alone (no words; scales fitted on all data) | ${pct(signalFigures.recallAtFpr)} at ≤ 0.5%, AUC ${signalFigures.rocAuc.toFixed(4)} |`,
);

out();
out('| source | class | messages | flagged at the default threshold, chosen without the scored fold |');
out('|---|---|---|---|');
const sources = [...new Set(corpus.map((m) => `${m.phishing ? 'phishing' : 'legitimate'}\t${m.source}`))].sort();
for (const key of sources) {
  const [kind, source] = key.split('\t');
  const members = corpus
    .map((m, i) => ({ m, flagged: flaggedHonestly[i] ?? false }))
    .filter(({ m }) => m.source === source && (m.phishing ? 'phishing' : 'legitimate') === kind);
  const flagged = members.filter((x) => x.flagged).length;
  out(`| ${source} | ${kind} | ${members.length} | ${flagged} (${pct(flagged / members.length)}) |`);
}

const misses = corpus
  .map((m, i) => ({ m, s: scores[i] ?? 0, flagged: flaggedHonestly[i] ?? false }))
  .filter(({ m, flagged }) => m.phishing !== flagged)
  .sort((a, b) => b.s - a.s);
if (process.env.VIGIE_BENCH_VERBOSE) {
  out();
  for (const { m, s } of misses)
    out(`${m.phishing ? 'missed' : 'false positive'}\t${s.toFixed(4)}\t${m.source}\t${m.file}`);
}

function share(count: number, total: number): number {
  return total ? count / total : 0;
}
