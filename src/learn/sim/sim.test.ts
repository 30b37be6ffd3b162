import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../../tests/support/learn-content.js';
import { loadContent } from '../content/load.js';
import { type Campaign, campaignSchema, planSends } from './campaign.js';
import { parseCsv } from './csv.js';
import { campaignResults, median, outcomesCsv, resultsCsv } from './results.js';
import { audienceOf, parseTargets } from './targets.js';
import { redactSubmission, renderTemplate } from './templates.js';
import { classifyClick, compileClassifier, type TrackingEvent } from './tracking.js';

const content = loadContent(shippedFiles());
const template = (id: string) => {
  const t = content.templates.find((x) => x.id === id);
  if (!t) throw new Error(id);
  return t;
};

const TARGETS_CSV = `E-mail,Prénom,Nom,Service,Poste,Langue
alice@example.org,Alice,Martin,Finance,Comptable fournisseurs,fr
bob@example.org,Bob,Durand,IT,Administrateur systèmes,en
"carol@example.org",Carol,"Petit, Jr",Finance,Contrôleuse de gestion,
not-an-address,X,Y,Z,W,fr
alice@example.org,Alice,Again,Finance,,fr
dan@example.org,Dan,Roux,Direction,PDG,fr
`;

describe('parseTargets', () => {
  it('reads French headers, reports bad and duplicate rows with their line', () => {
    const r = parseTargets(TARGETS_CSV, 'en');
    expect(r.targets.map((t) => t.email)).toEqual([
      'alice@example.org',
      'bob@example.org',
      'carol@example.org',
      'dan@example.org',
    ]);
    expect(r.targets[2]).toMatchObject({ lastName: 'Petit, Jr', department: 'Finance', locale: 'en' });
    expect(r.problems).toEqual([
      { line: 5, reason: 'invalid e-mail address: not-an-address' },
      { line: 6, reason: 'duplicate e-mail address alice@example.org' },
    ]);
  });

  it('refuses a file without an e-mail column', () => {
    expect(parseTargets('name,dept\nA,B\n').problems[0]?.reason).toMatch(/no e-mail column/);
  });

  it('maps free-text roles to audiences', () => {
    expect(audienceOf('Comptable fournisseurs')).toBe('finance');
    expect(audienceOf('Administrateur systèmes')).toBe('it-admins');
    expect(audienceOf('PDG')).toBe('executives');
    expect(audienceOf('Chargée de communication')).toBe('all-staff');
  });
});

describe('renderTemplate', () => {
  it('fills merge fields, escapes every value and builds the only link', () => {
    const m = renderTemplate(template('hr-salary-review'), 'fr', {
      first_name: 'Zoé<script>alert(1)</script>',
      department: 'R&D',
      role: 'Ingénieure "senior"',
      date: '2026',
      link: 'https://learn.example.org/t/abc?x=1&y=2',
    });
    expect(m.subject).toBe('R&D\u00a0: grille de révision salariale 2026');
    expect(m.html).toContain('Zoé&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('<a href="https://learn.example.org/t/abc?x=1&amp;y=2">Consulter ma révision</a>');
    expect(m.html.match(/<a /g)).toHaveLength(1);
    expect(m.text).toContain('Consulter ma révision: https://learn.example.org/t/abc?x=1&y=2');
  });

  it('refuses a non-http link and strips line breaks from header values', () => {
    const m = renderTemplate(template('ceo-confidential-transfer'), 'en', {
      executive_name: 'Eve\r\nBcc: all@example.org',
      link: 'javascript:alert(1)',
    });
    expect(m.senderName).toBe('Eve  Bcc: all@example.org');
    expect(m.html).not.toContain('javascript:');
    expect(m.html).not.toContain('<a ');
  });

  it('rejects unknown merge fields at load time', () => {
    const text = `kind: template\nid: t\naudiences: [all-staff]\ndifficulty: 1\ntopic: x\nlanding: sso-login\nsender_name: { fr: A, en: A }\nsubject: { fr: "{{password}}", en: A }\nlink_text: { fr: L, en: L }\nbody: { fr: "{{link}}", en: "{{link}}" }\ncues: [{ fr: c, en: c }]\n`;
    const r = loadContent([...shippedFiles(), { path: 't.yaml', text, origin: 'organisation' }]);
    expect(r.problems).toEqual([
      { file: 't.yaml', line: 8, reason: 'subject.fr: unknown merge field {{password}}', level: 'error' },
    ]);
  });

  it('keeps only the names of filled landing fields, never their values', () => {
    const landing = content.landings.find((l) => l.id === 'sso-login');
    if (!landing) throw new Error('landing');
    const kept = redactSubmission(landing, { email: 'a@b.c', password: 'hunter2', extra: 'x' });
    expect(kept).toEqual({ filled: ['email', 'password'], passwordTyped: true });
    expect(JSON.stringify(kept)).not.toContain('hunter2');
  });
});

describe('planSends', () => {
  const targets = parseTargets(TARGETS_CSV).targets;
  const campaign: Campaign = campaignSchema.parse({
    id: 'spring',
    name: 'Spring',
    templates: ['supplier-bank-change', 'it-password-expiry', 'dev-token-leak'],
    schedule: {
      start: '2026-03-06T16:59:00+01:00',
      end: '2026-03-20T00:00:00Z',
      window: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, utcOffsetMinutes: 60 },
      perMinute: 2,
    },
  });

  it('throttles, keeps to the window and fits templates to audiences', () => {
    const plan = planSends(campaign, targets, content.templates, 'seed');
    expect(plan.unscheduled).toEqual([]);
    const byEmail = new Map(plan.sends.map((s) => [s.email, s]));
    expect(byEmail.get('alice@example.org')?.templateId).toBe('supplier-bank-change');
    expect(byEmail.get('bob@example.org')?.templateId).toBe('dev-token-leak');
    expect(byEmail.get('dan@example.org')?.templateId).toBe('it-password-expiry');
    // Friday 16:59 local: two sends fit that minute, the rest wait for Monday 09:00 local (08:00 UTC).
    const times = plan.sends.map((s) => s.at);
    expect(times.slice(0, 2)).toEqual(['2026-03-06T15:59:00.000Z', '2026-03-06T15:59:30.000Z']);
    expect(times.slice(2)).toEqual(['2026-03-09T08:00:00.000Z', '2026-03-09T08:00:30.000Z']);
  });

  it('is deterministic for a seed and reports what cannot be placed', () => {
    expect(planSends(campaign, targets, content.templates, 'seed')).toEqual(
      planSends(campaign, targets, content.templates, 'seed'),
    );
    const late = { ...campaign, schedule: { ...campaign.schedule, end: '2026-03-07T00:00:00Z' } };
    expect(planSends(late, targets, content.templates, 'seed').unscheduled).toHaveLength(2);
    const financeOnly = { ...campaign, departments: ['finance'] };
    expect(
      planSends(financeOnly, targets, content.templates, 'seed')
        .sends.map((s) => s.email)
        .sort(),
    ).toEqual(['alice@example.org', 'carol@example.org']);
  });
});

const ev = (
  email: string,
  type: TrackingEvent['type'],
  at: string,
  extra: Partial<TrackingEvent> = {},
): TrackingEvent => ({
  campaignId: 'c1',
  email,
  type,
  at,
  ...extra,
});
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

describe('classifyClick', () => {
  const config = compileClassifier({ scannerRanges: ['203.0.113.0/24', '2001:db8::/32', 'nonsense'] });
  const sent = ev('a@x.org', 'sent', '2026-03-09T08:00:00Z');

  it('tells a person from scanners, with reasons', () => {
    const human = ev('a@x.org', 'clicked', '2026-03-09T08:03:10Z', {
      userAgent: CHROME,
      ip: '198.51.100.7',
      interaction: true,
    });
    expect(classifyClick(human, [sent, human], config).verdict).toBe('human');
    const head = ev('a@x.org', 'clicked', '2026-03-09T08:00:01Z', { method: 'HEAD', userAgent: CHROME });
    const v = classifyClick(head, [sent, head], config);
    expect(v.verdict).toBe('bot');
    expect(v.reasons.map((r) => r.code).sort()).toEqual(['http.head', 'timing.fast']);
    const vendor = ev('a@x.org', 'clicked', '2026-03-09T09:00:00Z', { userAgent: CHROME, ip: '2001:db8::42' });
    expect(classifyClick(vendor, [sent, vendor], config).reasons.map((r) => r.code)).toEqual(['ip.vendor']);
    const curl = ev('a@x.org', 'clicked', '2026-03-09T09:00:00Z', { userAgent: 'python-requests/2.31' });
    expect(classifyClick(curl, [sent, curl], config).verdict).toBe('bot');
    expect(config.badRanges).toEqual(['nonsense']);
  });

  it('flags clicks on every link at once', () => {
    const l1 = ev('a@x.org', 'clicked', '2026-03-09T09:00:00Z', { userAgent: CHROME, linkId: 'l1' });
    const l2 = ev('a@x.org', 'clicked', '2026-03-09T09:00:01Z', { userAgent: CHROME, linkId: 'l2' });
    const l3 = ev('a@x.org', 'clicked', '2026-03-09T09:00:01Z', { userAgent: CHROME, linkId: 'l3' });
    const v = classifyClick(l1, [sent, l1, l2, l3], config);
    expect(v.reasons.map((r) => r.code)).toContain('links.all-at-once');
    expect(v.verdict).not.toBe('human');
    expect(v.reasons[0]?.en).toMatch(/^3 different links/);
  });
});

describe('campaignResults', () => {
  const targets = parseTargets(TARGETS_CSV).targets;
  const config = compileClassifier();
  const events: TrackingEvent[] = [
    ...['alice', 'bob', 'carol', 'dan'].map((n) => ev(`${n}@example.org`, 'sent', '2026-03-09T08:00:00Z')),
    // Alice: scanner click, then a real click and a submission.
    ev('alice@example.org', 'clicked', '2026-03-09T08:00:01Z', { method: 'HEAD' }),
    ev('alice@example.org', 'clicked', '2026-03-09T08:10:00Z', { userAgent: CHROME, interaction: true }),
    ev('alice@example.org', 'submitted', '2026-03-09T08:11:00Z', { userAgent: CHROME }),
    // Carol reports after 2 minutes; Bob after 10 minutes; Dan does nothing.
    ev('carol@example.org', 'reported', '2026-03-09T08:02:00Z', { via: 'button' }),
    ev('bob@example.org', 'opened', '2026-03-09T08:05:00Z'),
    ev('bob@example.org', 'reported', '2026-03-09T08:10:00Z', { via: 'mailbox' }),
    // A previous campaign where Alice also clicked.
    { ...ev('alice@example.org', 'sent', '2026-01-05T08:00:00Z'), campaignId: 'c0' },
    { ...ev('alice@example.org', 'clicked', '2026-01-05T09:00:00Z', { userAgent: CHROME }), campaignId: 'c0' },
  ];

  it('computes rates, medians, repeat clickers and resilience, leaving bot clicks out', () => {
    const r = campaignResults(
      targets,
      events.filter((e) => e.campaignId === 'c1'),
      config,
    );
    expect(r.overall).toMatchObject({
      sent: 4,
      clicked: 1,
      submitted: 1,
      reported: 2,
      opened: 2,
      botClicks: 1,
      clickRate: 0.25,
      submissionRate: 0.25,
      reportRate: 0.5,
      medianSecondsToClick: 600,
      medianSecondsToReport: 360,
      resilienceRatio: 2,
      repeatClickers: 0,
    });
    const finance = r.departments.find((d) => d.department === 'Finance');
    expect(finance).toMatchObject({ sent: 2, clicked: 1, reported: 1, clickRate: 0.5 });
    const all = campaignResults(targets, events, config);
    expect(all.overall.repeatClickers).toBe(1);
  });

  it('exports CSV that reads back, with formula-looking department names neutralised', () => {
    const tricky = targets.map((t) => (t.email === 'dan@example.org' ? { ...t, department: '=cmd|calc' } : t));
    const r = campaignResults(
      tricky,
      events.filter((e) => e.campaignId === 'c1'),
      config,
    );
    const rows = parseCsv(resultsCsv(r, 'fr')).rows;
    expect(rows[0]?.[0]).toBe('Service');
    expect(rows.some((row) => row[0] === "'=cmd|calc")).toBe(true);
    expect(rows.at(-1)?.slice(0, 3)).toEqual(['Total', '4', '4']);
    expect(parseCsv(outcomesCsv(r)).rows).toHaveLength(5);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
