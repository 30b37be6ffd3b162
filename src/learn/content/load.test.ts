import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedFiles } from '../../../tests/support/learn-content.js';
import { type ContentFile, loadContent } from './load.js';
import { AUDIENCES } from './schema.js';

const shipped = shippedFiles();
const content = loadContent(shipped);

describe('shipped content', () => {
  it('loads without a single problem', () => {
    expect(content.problems).toEqual([]);
  });

  it('has at least 10 modules of 2–4 lessons and 5+ questions each', () => {
    expect(content.modules.length).toBeGreaterThanOrEqual(10);
    for (const m of content.modules) {
      expect(m.lessons.length, m.id).toBeGreaterThanOrEqual(2);
      expect(m.lessons.length, m.id).toBeLessThanOrEqual(4);
      expect(m.questions.length, m.id).toBeGreaterThanOrEqual(5);
    }
  });

  it('covers every topic the issue names', () => {
    const topics = new Set(content.modules.map((m) => m.topic));
    for (const t of [
      'ai-phishing',
      'deepfakes',
      'shadow-ai',
      'ai-assistants',
      'authentication',
      'updates',
      'reporting',
      'social-engineering',
      'mobile-qr',
      'payment-fraud',
    ]) {
      expect(topics, t).toContain(t);
    }
  });

  it('uses every question kind', () => {
    const kinds = new Set(content.modules.flatMap((m) => m.questions.map((q) => q.kind)));
    expect([...kinds].sort()).toEqual(['cloze', 'multiple', 'single', 'true-false']);
  });

  it('has a path for every audience, each naming known modules only', () => {
    const audiences = new Set(content.paths.map((p) => p.audience));
    for (const a of AUDIENCES) expect(audiences, a).toContain(a);
    const ids = new Set(content.modules.map((m) => m.id));
    for (const p of content.paths) for (const m of p.modules) expect(ids, `${p.id} → ${m}`).toContain(m);
  });

  it('writes French with French typography (no plain space before ? ! ; :, curly apostrophes)', () => {
    const french: string[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === 'fr' && typeof v === 'string') french.push(v);
          else if (k === 'fr' && Array.isArray(v)) french.push(...v.filter((x): x is string => typeof x === 'string'));
          else collect(v);
        }
      }
    };
    collect([content.modules, content.paths, content.templates, content.landings]);
    expect(french.length).toBeGreaterThan(300);
    for (const text of french) {
      // Code spans (`P@ssw0rd!`) are left alone.
      const prose = text.replace(/`[^`]*`/g, '');
      expect(prose, text).not.toMatch(/ [?!;:]/);
      expect(prose, text).not.toMatch(/[\p{L}]'[\p{L}]/u);
    }
  });

  it('ships simulation templates for several audiences, each with a known landing page', () => {
    expect(content.templates.length).toBeGreaterThanOrEqual(6);
    const landings = new Set(content.landings.map((l) => l.id));
    for (const t of content.templates) expect(landings).toContain(t.landing);
    expect(new Set(content.templates.flatMap((t) => t.audiences)).size).toBeGreaterThanOrEqual(5);
  });
});

const MODULE = `kind: module
id: org-badge
topic: organisation
minutes: 3
title: { fr: Badges, en: Badges }
summary: { fr: Le badge, en: The badge }
lessons:
  - id: one
    title: { fr: Porter le badge, en: Wear the badge }
    body: { fr: Toujours., en: Always. }
questions:
  - id: q1
    kind: true-false
    answer: true
    prompt: { fr: Vrai ?, en: True? }
    explanation: { fr: Oui., en: Yes. }
`;

describe('loadContent', () => {
  it('reports a schema problem with the line of the offending node', () => {
    const broken = MODULE.replace('    kind: true-false\n    answer: true', '    kind: single\n    choices: []');
    const result = loadContent([{ path: 'org/badge.yaml', text: broken, origin: 'organisation' }]);
    expect(result.modules).toEqual([]);
    const problem = result.problems.find((p) => p.reason.startsWith('questions.0.choices'));
    expect(problem?.file).toBe('org/badge.yaml');
    expect(problem?.line).toBe(14);
    expect(problem?.level).toBe('error');
  });

  it('reports a YAML syntax error with its line and keeps loading the other files', () => {
    const result = loadContent([
      { path: 'bad.yaml', text: 'kind: module\nid: [unclosed\n', origin: 'organisation' },
      { path: 'good.yaml', text: MODULE, origin: 'organisation' },
    ]);
    expect(result.modules.map((m) => m.id)).toEqual(['org-badge']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.file).toBe('bad.yaml');
    expect(result.problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('lets organisation content replace a shipped module and add its own', () => {
    const replacement = MODULE.replace('id: org-badge', 'id: updates').replace('topic: organisation', 'topic: updates');
    const result = loadContent([
      ...shipped,
      { path: 'org/updates.yaml', text: replacement, origin: 'organisation' },
      { path: 'org/badge.yaml', text: MODULE, origin: 'organisation' },
    ]);
    const updates = result.modules.find((m) => m.id === 'updates');
    expect(updates?.origin).toBe('organisation');
    expect(updates?.lessons).toHaveLength(1);
    expect(result.modules.some((m) => m.id === 'org-badge')).toBe(true);
    expect(result.problems.map((p) => p.level)).toEqual(['warning']);
  });

  it('refuses a duplicate id inside the same origin', () => {
    const result = loadContent([
      { path: 'a.yaml', text: MODULE, origin: 'organisation' },
      { path: 'b.yaml', text: MODULE, origin: 'organisation' },
    ]);
    expect(result.modules).toHaveLength(1);
    expect(result.problems[0]?.reason).toMatch(/duplicate module id org-badge/);
  });

  it('drops unknown modules from a path with a warning', () => {
    const paths =
      'kind: paths\npaths:\n  - id: p\n    audience: all-staff\n    title: { fr: P, en: P }\n    summary: { fr: P, en: P }\n    modules: [org-badge, nowhere]\n';
    const result = loadContent([
      { path: 'm.yaml', text: MODULE, origin: 'organisation' },
      { path: 'p.yaml', text: paths, origin: 'organisation' },
    ]);
    expect(result.paths[0]?.modules).toEqual(['org-badge']);
    expect(result.problems[0]).toMatchObject({ file: 'p.yaml', line: 3, level: 'warning' });
  });

  it('versions content by digest: same text same version, one word changed another', () => {
    const a = loadContent(shipped);
    const b = loadContent([...shipped].reverse());
    expect(b.version).toBe(a.version);
    const edited = shipped.map((f) =>
      f.path.endsWith('updates.yaml') ? { ...f, text: f.text.replace('quelques heures', 'quelques jours') } : f,
    );
    const c = loadContent(edited);
    expect(c.version).not.toBe(a.version);
    expect(c.modules.find((m) => m.id === 'updates')?.version).not.toBe(
      a.modules.find((m) => m.id === 'updates')?.version,
    );
    expect(c.modules.find((m) => m.id === 'deepfakes')?.version).toBe(
      a.modules.find((m) => m.id === 'deepfakes')?.version,
    );
  });

  it('requires both languages', () => {
    const result = loadContent([
      {
        path: 'x.yaml',
        text: MODULE.replace('title: { fr: Badges, en: Badges }', 'title: { fr: Badges }'),
        origin: 'organisation',
      },
    ]);
    expect(result.modules).toEqual([]);
    expect(result.problems[0]?.reason).toMatch(/^title\.en/);
  });

  it('never throws on arbitrary text, and reports every unreadable file', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { maxLength: 4 }), (texts) => {
        const files: ContentFile[] = texts.map((text, i) => ({ path: `f${i}.yaml`, text, origin: 'organisation' }));
        const result = loadContent(files);
        for (const p of result.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        expect(result.modules.length + result.paths.length + result.problems.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated shipped YAML', () => {
    const source = shipped.find((f) => f.path.endsWith('deepfakes.yaml'))?.text ?? '';
    fc.assert(
      fc.property(fc.nat(source.length), fc.nat(40), fc.string({ maxLength: 10 }), (at, cut, insert) => {
        const text = source.slice(0, at) + insert + source.slice(at + cut);
        const result = loadContent([{ path: 'm.yaml', text, origin: 'organisation' }]);
        expect(result.modules.length + result.problems.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });
});
