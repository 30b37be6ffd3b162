/**
 * Guard detectors on ../shared/data/guard: span-level precision and recall per type (presidio
 * synthetic English, ECHR French), validity accuracy on French identifiers (python-stdnum),
 * recall per provider on secretlint's fixtures, false positives on benign prompts, and scan
 * latency for 2 KB prompts. A predicted span counts as right when it overlaps a gold span of
 * the mapped type.
 * Gold card spans are also checked on their own: those that fail Luhn, or pass it outside every
 * issuer range, are counted apart (the detector is not meant to find them).
 * Usage: npx tsx bench/guard/detectors.ts [data folder, default ../shared/data/guard] [--misses]
 *   --misses  prints each missed card and phone span of presidio_synth_v2 with its context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  cardBrand,
  frVatValid,
  ibanValid,
  luhnValid,
  nirValid,
  scanText,
  sirenValid,
  siretValid,
} from '../../src/guard/index.js';

const args = process.argv.slice(2);
const showMisses = args.includes('--misses');
const folder = args.find((a) => !a.startsWith('--'));
const root = resolve(folder ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'guard'));
if (!existsSync(root)) {
  console.log(`no data at ${root}: skipped`);
  process.exit(0);
}
interface Row {
  id: string;
  text: string;
  spans?: { start: number; end: number; label: string }[];
  [k: string]: unknown;
}
const read = (p: string): Row[] =>
  readFileSync(join(root, p), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);

type Tally = Map<string, { tp: number; fp: number; fn: number }>;
/** Missed gold spans of these types, printed with --misses. */
const MISS_TYPES = new Set(['pii.card', 'pii.phone']);
const misses: string[] = [];
function score(rows: Row[], map: Record<string, string>, tally: Tally): void {
  const ours = new Set(Object.values(map));
  for (const row of rows) {
    const gold = (row.spans ?? []).filter((s) => map[s.label]).map((s) => ({ ...s, type: map[s.label] ?? '' }));
    const pred = scanText(row.text).spans.filter((s) => ours.has(s.type));
    for (const t of ours) {
      const g = gold.filter((s) => s.type === t);
      const p = pred.filter((s) => s.type === t);
      const e = tally.get(t) ?? { tp: 0, fp: 0, fn: 0 };
      for (const s of g)
        if (p.some((q) => q.start < s.end && q.end > s.start)) e.tp++;
        else {
          e.fn++;
          if (showMisses && MISS_TYPES.has(t))
            misses.push(
              `  ${t} ${JSON.stringify(row.text.slice(s.start, s.end))} in ${JSON.stringify(row.text.slice(Math.max(0, s.start - 40), s.end + 20))}`,
            );
        }
      for (const q of p) if (!gold.some((s) => q.start < s.end && q.end > s.start)) e.fp++;
      tally.set(t, e);
    }
  }
}
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '  n/a');
function print(title: string, tally: Tally): void {
  console.log(`\n${title}\n  type                         gold   tp   fp   fn  precision  recall`);
  for (const [t, e] of [...tally].sort()) {
    console.log(
      `  ${t.padEnd(26)} ${String(e.tp + e.fn).padStart(6)} ${String(e.tp).padStart(4)} ${String(e.fp).padStart(4)} ${String(e.fn).padStart(4)}  ${pct(e.tp / (e.tp + e.fp)).padStart(9)}  ${pct(e.tp / (e.tp + e.fn)).padStart(6)}`,
    );
  }
}

const presidio: Tally = new Map();
score(
  read('pii/presidio_synth_v2.jsonl'),
  {
    EMAIL_ADDRESS: 'pii.email',
    PHONE_NUMBER: 'pii.phone',
    CREDIT_CARD: 'pii.card',
    IBAN_CODE: 'pii.iban',
    IP_ADDRESS: 'pii.ip',
    PERSON: 'pii.person',
    STREET_ADDRESS: 'pii.address',
  },
  presidio,
);
print('presidio_synth_v2 (English, synthetic)', presidio);
// Gold card spans checked on their own, so the recall can be read against valid numbers only.
let cardGold = 0;
let badLuhn = 0;
let noIssuer = 0;
for (const row of read('pii/presidio_synth_v2.jsonl'))
  for (const s of row.spans ?? []) {
    if (s.label !== 'CREDIT_CARD') continue;
    cardGold++;
    const digits = row.text.slice(s.start, s.end).replace(/\D/g, '');
    if (!luhnValid(digits)) badLuhn++;
    else if (!cardBrand(digits)) noIssuer++;
  }
console.log(
  `  pii.card gold spans that fail Luhn: ${badLuhn}; pass Luhn outside every issuer range: ${noIssuer} ` +
    `(found only when a card word introduces them); with a known issuer: ${cardGold - badLuhn - noIssuer}`,
);
if (showMisses) console.log(`  missed card and phone spans (${misses.length}):\n${misses.join('\n')}`);

const echr: Tally = new Map();
score(read('pii/echr_fr_manual_train.jsonl'), { PER: 'pii.person', LEGAL_PROFESSIONAL: 'pii.person' }, echr);
print('echr_fr_manual_train (French legal text; PER and LEGAL_PROFESSIONAL → pii.person)', echr);

// Validity accuracy of the checksum validators on python-stdnum's valid/invalid strings.
const validators: Record<string, (c: string) => boolean> = {
  IBAN: ibanValid,
  FR_SIREN: sirenValid,
  FR_SIRET: siretValid,
  FR_TVA: frVatValid,
  FR_NIR: nirValid,
  FR_RCS: (c) => sirenValid(c.replace(/^RCS[A-Z]+[AB]/, '')),
};
const acc = new Map<string, { ok: number; n: number }>();
for (const row of read('pii/identifiers_fr_stdnum.jsonl')) {
  const type = String(row.type);
  const f = validators[type];
  if (!f) continue;
  const compact = row.text.replace(/[\s.-]/g, '').toUpperCase();
  const e = acc.get(type) ?? { ok: 0, n: 0 };
  e.n++;
  if (f(compact) === row.valid) e.ok++;
  acc.set(type, e);
}
console.log('\nidentifiers_fr_stdnum: validity accuracy (validator on the compact string)');
for (const [t, e] of acc) console.log(`  ${t.padEnd(10)} ${e.ok}/${e.n} ${pct(e.ok / e.n)}`);

// French identifiers in context: each python-stdnum string in a French sentence. Valid ones
// must be found with the right type (recall), invalid ones must not be (false positives).
const frTypes: Record<string, string> = {
  FR_SIREN: 'pii.siren',
  FR_SIRET: 'pii.siret',
  FR_TVA: 'pii.vat_fr',
  FR_NIR: 'pii.nir',
  IBAN: 'pii.iban',
};
const frLabel: Record<string, string> = {
  FR_SIREN: 'SIREN',
  FR_SIRET: 'SIRET',
  FR_TVA: 'numéro de TVA',
  FR_NIR: 'numéro de sécurité sociale',
  IBAN: 'IBAN',
};
const inContext = new Map<string, { tp: number; fn: number; fp: number; neg: number }>();
for (const row of read('pii/identifiers_fr_stdnum.jsonl')) {
  const type = frTypes[String(row.type)];
  if (!type) continue;
  const prefix = `Merci de reporter le ${frLabel[String(row.type)]} `;
  const text = `${prefix}${row.text} sur le formulaire.`;
  const hit = scanText(text).spans.some(
    (s) => s.type === type && s.start < prefix.length + row.text.length && s.end > prefix.length,
  );
  const e = inContext.get(type) ?? { tp: 0, fn: 0, fp: 0, neg: 0 };
  if (row.valid === true) {
    if (hit) e.tp++;
    else e.fn++;
  } else {
    e.neg++;
    if (hit) e.fp++;
  }
  inContext.set(type, e);
}
console.log('\nidentifiers_fr_stdnum in French sentences (span found with the right type)');
for (const [t, e] of inContext)
  console.log(
    `  ${t.padEnd(12)} valid found ${e.tp}/${e.tp + e.fn} ${pct(e.tp / (e.tp + e.fn))}; invalid flagged ${e.fp}/${e.neg}; precision ${pct(e.tp / (e.tp + e.fp))}`,
  );

// Secrets: recall per secretlint rule on ng fixtures (overlap with any secret.* span).
const GENERIC = new Set([
  'pattern',
  'filter-comments',
  'example',
  'no-homedir',
  'no-k8s-kind-secret',
  'no-dotenv',
  'basicauth',
  'database-connection-string',
  'azure',
  'secp256k1-privatekey',
]);
const placeholderMisses: string[] = [];
const perRule = new Map<string, { tp: number; n: number; fpDocs: number; okDocs: number }>();
for (const row of read('secrets/secretlint_fixtures.jsonl')) {
  const rule = String(row.rule);
  const e = perRule.get(rule) ?? { tp: 0, n: 0, fpDocs: 0, okDocs: 0 };
  const pred = scanText(row.text).spans.filter((s) => s.type.startsWith('secret.'));
  if (row.label === 1) {
    // Spans under the threshold that carry the placeholder reason: misses by our placeholder rule.
    const low = scanText(row.text, { minScore: 0 }).spans.filter((s) =>
      s.reasons.some((r) => r.code === 'secret.placeholder'),
    );
    for (const g of row.spans ?? []) {
      e.n++;
      if (pred.some((q) => q.start < g.end && q.end > g.start)) e.tp++;
      else if (!GENERIC.has(rule) && low.some((q) => q.start < g.end && q.end > g.start)) placeholderMisses.push(rule);
    }
  } else if (row.rule_options === null) {
    e.okDocs++;
    if (pred.length > 0) e.fpDocs++;
  }
  perRule.set(rule, e);
}
let provTp = 0;
let provN = 0;
let provFp = 0;
let provOk = 0;
console.log('\nsecretlint fixtures: recall per rule (gold spans), ok-fixtures with any finding (without rule options)');
for (const [rule, e] of [...perRule].sort()) {
  const generic = GENERIC.has(rule);
  if (!generic) {
    provTp += e.tp;
    provN += e.n;
    provFp += e.fpDocs;
    provOk += e.okDocs;
  }
  console.log(
    `  ${(generic ? `(${rule})` : rule).padEnd(30)} ${String(e.tp).padStart(3)}/${String(e.n).padEnd(3)} ${e.n ? pct(e.tp / e.n) : '  n/a'}   ok docs flagged ${e.fpDocs}/${e.okDocs}`,
  );
}
console.log(`  provider rules: recall ${provTp}/${provN} ${pct(provTp / provN)}; ok docs flagged ${provFp}/${provOk}`);
console.log(
  `  provider misses set aside by the placeholder rule: ${placeholderMisses.length} (${placeholderMisses.join(', ')})`,
);

// Background: benign prompts should hold no secrets (and few findings at all).
const benign = [
  'injection/benign_selfinstruct.jsonl',
  'injection/hard_negatives_frr.jsonl',
  'injection/fr_benign_vigogne_xsafety.jsonl',
].flatMap(read);
const byType = new Map<string, number>();
let secretDocs = 0;
for (const row of benign) {
  const spans = scanText(row.text).spans;
  if (spans.some((s) => s.type.startsWith('secret.'))) secretDocs++;
  for (const s of spans) byType.set(s.type, (byType.get(s.type) ?? 0) + 1);
}
console.log(
  `\nbenign prompts (${benign.length}): ${secretDocs} with a secret finding; spans by type: ${[...byType].map(([t, n]) => `${t}=${n}`).join(', ')}`,
);

// Latency: 2 KB prompts built from the benign and PII texts (seeded, same every run).
const pool = [...benign.map((r) => r.text), ...read('pii/presidio_synth_v2.jsonl').map((r) => r.text)];
const prompts: string[] = [];
let seed = 7;
for (let k = 0; k < 300; k++) {
  let t = '';
  while (t.length < 2048) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    t += `${pool[seed % pool.length]}\n`;
  }
  prompts.push(t.slice(0, 2048));
}
for (const p of prompts.slice(0, 50)) scanText(p);
const times: number[] = [];
for (let round = 0; round < 3; round++)
  for (const p of prompts) {
    const s = performance.now();
    scanText(p);
    times.push(performance.now() - s);
  }
times.sort((a, b) => a - b);
const q = (x: number) => (times[Math.min(times.length - 1, Math.floor(x * times.length))] ?? 0).toFixed(3);
console.log(`\nlatency, 2 KB prompts (${times.length} scans): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`);
