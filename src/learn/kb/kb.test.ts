import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { questionSchema } from '../content/schema.js';
import { asQuestion, generateQuestions, splitSentences } from './generate.js';
import { documentParagraphs, htmlToParagraphs, htmlToText, type KbDocument, markdownToParagraphs } from './text.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const DOCS: KbDocument[] = [
  {
    id: 'acces',
    title: 'Politique de sécurité des accès',
    format: 'markdown',
    locale: 'fr',
    text: fixture('politique-mots-de-passe.md'),
  },
  {
    id: 'remote',
    title: 'Remote work security policy',
    format: 'html',
    locale: 'en',
    text: fixture('remote-work-policy.html'),
  },
];

describe('htmlToText', () => {
  it('keeps visible text, drops scripts, styles and the head, decodes entities', () => {
    const text = htmlToText(
      '<html><head><title>T</title><style>p{}</style></head><body><script>var x = "<p>";</script><p>Caf&eacute; &amp; th&#233;</p><div>Deux<br>lignes</div></body></html>',
    );
    expect(text).toBe('Café & thé\n\nDeux\n\nlignes');
  });

  it('records bold and definition terms, and the heading above a paragraph', () => {
    const [p] = htmlToParagraphs('<h2>Accès</h2><p>Use the <strong>VPN</strong> and the <dfn>vault</dfn>.</p>');
    expect(p).toEqual({ text: 'Use the VPN and the vault.', heading: 'Accès', marked: ['VPN', 'vault'] });
  });

  it('never throws and never lets script content through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 50 }), (junk, tail) => {
        const html = `${junk}<script>SECRET_SCRIPT</script>${tail}`;
        const text = htmlToText(html);
        expect(typeof text).toBe('string');
        // Unless the junk left a tag or comment open (which swallows the script as text of an attribute or comment).
        if (!/[<&]/.test(junk)) expect(text).not.toContain('SECRET_SCRIPT');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            '<p>',
            '</p>',
            '<script>',
            '</script>',
            '<b>',
            '</b>',
            'a',
            ' ',
            '&amp;',
            '<!--',
            '-->',
            '<h1>',
            '</h1>',
          ),
          { maxLength: 60 },
        ),
        (parts) => {
          expect(() => htmlToParagraphs(parts.join(''))).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('markdownToParagraphs', () => {
  it('strips markup, skips code blocks and tables, keeps list items apart', () => {
    const md =
      '# Title\n\nUse **MFA** and [the portal](https://x).\nSecond line.\n\n```\nsecret 99 days\n```\n\n| a | b |\n\n- item one\n- item *two*\n';
    const ps = markdownToParagraphs(md);
    expect(ps.map((p) => p.text)).toEqual(['Use MFA and the portal. Second line.', 'item one', 'item two']);
    expect(ps[0]?.marked).toEqual(['MFA']);
    expect(ps[0]?.heading).toBe('Title');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (md) => {
        expect(Array.isArray(markdownToParagraphs(md))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('splitSentences', () => {
  it('splits at sentence ends but not after abbreviations or inside numbers', () => {
    expect(splitSentences('Use a VPN, e.g. WireGuard. Lock after 2.5 minutes! Done')).toEqual([
      'Use a VPN, e.g. WireGuard.',
      'Lock after 2.5 minutes!',
      'Done',
    ]);
  });
});

describe('generateQuestions', () => {
  const result = generateQuestions(DOCS, { seed: 'org-1' });

  it('makes multiple-choice questions with distractors of the same kind, and cloze when there are too few', () => {
    const q12 = result.questions.find((q) => q.answer === '12 caractères');
    expect(q12?.kind).toBe('single');
    expect(q12?.stem).toBe('Les mots de passe des comptes professionnels doivent comporter au moins ___.');
    expect(q12?.choices?.map((c) => c.text)).toContain('16 caractères');
    for (const c of q12?.choices ?? []) expect(c.text).toMatch(/^\d+ caractères$/);
    expect(q12?.choices?.filter((c) => c.correct).map((c) => c.text)).toEqual(['12 caractères']);
    const role = result.questions.find((q) => q.termKind === 'role' && q.locale === 'en');
    expect(role?.answer).toBe('finance department');
    expect(role?.choices).toHaveLength(4);
    const vpn = result.questions.find((q) => q.answer === 'VPN');
    expect(vpn?.kind).toBe('cloze');
  });

  it('traces every question to its paragraph: document, index and hash', () => {
    const paragraphs = new Map(DOCS.map((d) => [d.id, documentParagraphs(d).paragraphs]));
    expect(result.questions.length).toBeGreaterThanOrEqual(12);
    for (const q of result.questions) {
      const p = paragraphs.get(q.source.documentId)?.[q.source.paragraphIndex];
      expect(p?.hash).toBe(q.source.paragraphHash);
      expect(p?.text).toContain(q.stem.replace('___', q.answer));
    }
  });

  it('skips poor sentences and code blocks, and counts why', () => {
    expect(result.skipped['question-or-heading']).toBe(1);
    expect(result.questions.some((q) => q.stem.includes('99'))).toBe(false);
    const short = generateQuestions([
      {
        id: 'x',
        title: 'X',
        format: 'text',
        locale: 'en',
        text: 'Use the VPN.\n\nSee https://example.com for the 30 days rule about passwords.',
      },
    ]);
    expect(short.questions).toEqual([]);
    expect(short.skipped['too-short']).toBe(1);
    expect(short.skipped['link-or-address']).toBe(1);
  });

  it('skips a blank that would be ambiguous', () => {
    const r = generateQuestions([
      {
        id: 'a',
        title: 'A',
        format: 'text',
        locale: 'en',
        text: 'The security team reviews requests, and the security team answers within days.',
      },
    ]);
    expect(r.questions).toEqual([]);
    expect(r.skipped.ambiguous).toBe(1);
  });

  it('is deterministic; the seed changes choice order only, never ids or answers', () => {
    expect(generateQuestions(DOCS, { seed: 'org-1' })).toEqual(result);
    expect(generateQuestions([...DOCS].reverse(), { seed: 'org-1' })).toEqual(result);
    const other = generateQuestions(DOCS, { seed: 'org-2' });
    expect(other.questions.map((q) => [q.id, q.answer])).toEqual(result.questions.map((q) => [q.id, q.answer]));
    expect(other.questions.map((q) => q.choices?.map((c) => c.text).join('|'))).not.toEqual(
      result.questions.map((q) => q.choices?.map((c) => c.text).join('|')),
    );
  });

  it('converts into valid quiz questions', () => {
    for (const q of result.questions) expect(questionSchema.safeParse(asQuestion(q)).success).toBe(true);
  });

  it('never throws on arbitrary documents', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.constantFrom('markdown', 'html', 'text' as const),
        fc.constantFrom('fr', 'en' as const),
        (text, format, locale) => {
          const r = generateQuestions([
            { id: 'd', title: 'D', format: format as KbDocument['format'], locale: locale as 'fr' | 'en', text },
          ]);
          for (const q of r.questions) expect(q.stem.split('___')).toHaveLength(2);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('generateQuestions quality limits', () => {
  it('asks the same answer at most once per document', () => {
    const text = [
      'Every laptop must connect through the VPN before opening internal tools.',
      'Contractors also connect through the VPN when they work from home.',
      'The VPN client is installed by the IT service desk on every laptop.',
    ].join('\n\n');
    const r = generateQuestions([{ id: 'v', title: 'VPN', format: 'text', locale: 'en', text }]);
    expect(r.questions.filter((q) => q.answer === 'VPN')).toHaveLength(1);
    expect(r.skipped['repeated-answer']).toBeGreaterThanOrEqual(1);
  });
});
