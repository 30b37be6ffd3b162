/**
 * Target groups from a CSV export (HR system, directory): e-mail, names, department, role,
 * language. Headers are recognised in French and English; each bad row is reported with its
 * line and the others load.
 */
import type { Audience } from '../content/schema.js';
import { parseCsv } from './csv.js';

export interface Target {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly department: string;
  readonly role: string;
  readonly locale: 'fr' | 'en';
}

export interface TargetImport {
  readonly targets: Target[];
  readonly problems: { readonly line: number; readonly reason: string }[];
}

const HEADERS: Record<keyof Target, readonly string[]> = {
  email: ['email', 'e-mail', 'mail', 'courriel', 'adresse e-mail', 'email address'],
  firstName: ['first name', 'first_name', 'firstname', 'given name', 'prénom', 'prenom'],
  lastName: ['last name', 'last_name', 'lastname', 'surname', 'family name', 'nom'],
  department: ['department', 'dept', 'service', 'département', 'departement', 'direction'],
  role: ['role', 'rôle', 'position', 'job title', 'title', 'poste', 'fonction'],
  locale: ['locale', 'language', 'langue', 'lang'],
};

// Linear: bounded classes, one @, no nested repetition.
const EMAIL = /^[^\s@,;<>"]{1,64}@[^\s@,;<>"]{1,253}\.[^\s@,;<>".]{2,63}$/;

export function parseTargets(csv: string, defaultLocale: 'fr' | 'en' = 'fr'): TargetImport {
  const { rows, problems: csvProblems } = parseCsv(csv);
  const problems = csvProblems.map((p) => ({ line: p.line, reason: `CSV: ${p.reason}` }));
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  const column = Object.fromEntries(
    (Object.keys(HEADERS) as (keyof Target)[]).map((k) => [k, header.findIndex((h) => HEADERS[k].includes(h))]),
  ) as Record<keyof Target, number>;
  if (column.email < 0) {
    return { targets: [], problems: [...problems, { line: 1, reason: 'no e-mail column in the header' }] };
  }
  const targets: Target[] = [];
  const seen = new Set<string>();
  rows.slice(1).forEach((row, i) => {
    const line = i + 2;
    if (row.every((c) => c.trim() === '')) return;
    const get = (k: keyof Target) => (column[k] >= 0 ? (row[column[k]] ?? '').trim() : '');
    const email = get('email').toLowerCase();
    if (!EMAIL.test(email)) {
      problems.push({ line, reason: `invalid e-mail address: ${email.slice(0, 80) || '(empty)'}` });
      return;
    }
    if (seen.has(email)) {
      problems.push({ line, reason: `duplicate e-mail address ${email}` });
      return;
    }
    seen.add(email);
    const lang = get('locale').toLowerCase().slice(0, 2);
    targets.push({
      email,
      firstName: get('firstName').slice(0, 100),
      lastName: get('lastName').slice(0, 100),
      department: get('department').slice(0, 100) || '—',
      role: get('role').slice(0, 100),
      locale: lang === 'fr' || lang === 'en' ? lang : defaultLocale,
    });
  });
  return { targets, problems };
}

const AUDIENCE_WORDS: readonly [Audience, readonly string[]][] = [
  [
    'executives',
    [
      'ceo',
      'cfo',
      'coo',
      'cto',
      'pdg',
      'dg',
      'directeur général',
      'directrice générale',
      'président',
      'présidente',
      'executive',
      'chief',
      'vp',
      'vice-president',
    ],
  ],
  [
    'finance',
    [
      'finance',
      'financier',
      'financière',
      'comptable',
      'comptabilité',
      'accountant',
      'accounting',
      'payable',
      'trésorerie',
      'treasury',
      'paie',
      'payroll',
      'achats',
      'procurement',
    ],
  ],
  ['hr', ['rh', 'hr', 'ressources humaines', 'human resources', 'recruteur', 'recruiter', 'talent', 'recrutement']],
  [
    'it-admins',
    [
      'administrateur',
      'admin',
      'sysadmin',
      'system administrator',
      'support',
      'helpdesk',
      'help desk',
      'service desk',
      'devops',
      'sre',
      'réseau',
      'network',
    ],
  ],
  [
    'developers',
    ['développeur', 'développeuse', 'developer', 'engineer', 'ingénieur', 'ingénieure', 'dev', 'software', 'logiciel'],
  ],
  ['ai-power-users', ['data scientist', 'data', 'ia', 'ai', 'ml', 'prompt']],
  ['managers', ['manager', 'responsable', 'head of', 'chef', 'lead', 'directeur', 'directrice', 'director']],
];

/** The audience a free-text role belongs to; `all-staff` when no keyword matches. */
export function audienceOf(role: string, department = ''): Audience {
  const text = ` ${`${role} ${department}`.toLowerCase().replace(/[^\p{L}\p{N}-]+/gu, ' ')} `;
  for (const [audience, words] of AUDIENCE_WORDS) {
    if (words.some((w) => text.includes(` ${w} `))) return audience;
  }
  return 'all-staff';
}
