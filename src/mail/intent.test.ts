import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signalContext } from '../../tests/support/mail.js';
import { intentReasons, scoreIntent } from './intent.js';
import { expandPattern, foldText, PhraseMatcher, tokenize, wordTokens } from './phrases.js';
import type { Reason, SignalContext } from './types.js';

function ctxOf(subject: string, text: string, visibleText = ''): SignalContext {
  // Visible text comes from an HTML body, as the HTML analyser would have read it.
  const html = visibleText ? `<p>${visibleText}</p>` : '';
  return signalContext({ message: { subject, text, html, size: text.length }, html: { visibleText } });
}

const byCode = (reasons: Reason[]) => new Map(reasons.map((r) => [r.code, r]));
const total = (reasons: Reason[]) => reasons.reduce((sum, r) => sum + r.weight, 0);

describe('phrase matching', () => {
  it('folds accents, case, ligatures and punctuation', () => {
    expect(foldText('VÉRIFIEZ votre Cœur, l’accès !')).toBe('verifiez votre coeur l acces');
    expect(foldText('dans les 24 heures')).toBe('dans les # heures');
    expect(tokenize('60% pour vous').map((t) => t.word)).toEqual(['#', '%', 'pour', 'vous']);
  });

  it('tokenises exactly as a plain character-by-character reading (property)', () => {
    // The reference: one UTF-16 unit at a time, folded with NFD, as the tokenizer is specified.
    const reference = (text: string, maxTokens = 20_000) => {
      const tokens: { word: string; start: number; end: number }[] = [];
      let word = '';
      let start = -1;
      const flush = (end: number) => {
        if (word) tokens.push({ word: /^[0-9]+$/.test(word) ? '#' : word.slice(0, 64), start, end });
        word = '';
        start = -1;
      };
      for (let i = 0; i < text.length && tokens.length < maxTokens; i++) {
        const ch = text.charAt(i);
        if ('.!?;\u3002'.includes(ch) && (i + 1 >= text.length || /\s/.test(text.charAt(i + 1)))) {
          flush(i);
          tokens.push({ word: '|', start: i, end: i + 1 });
          continue;
        }
        if ('%$€£'.includes(ch)) {
          flush(i);
          tokens.push({ word: ch, start: i, end: i + 1 });
          continue;
        }
        const special: Record<string, string> = { œ: 'oe', Œ: 'oe', æ: 'ae', Æ: 'ae', ß: 'ss', ø: 'o', Ø: 'o' };
        let folded =
          special[ch] ??
          ch
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase();
        if (!/^[\p{L}\p{N}]+$/u.test(folded)) folded = '';
        if (!folded) {
          flush(i);
          continue;
        }
        if (start < 0) start = i;
        if (word.length < 256) word += folded;
      }
      if (tokens.length < maxTokens) flush(text.length);
      return tokens;
    };
    const unit = fc.constantFrom(
      ..."aZ09 .!?;%$€£。éÉœßﬁ①٣\u00a0\u2028\ufeff\t\n-'ÀŒ\ud83d\ude00".split(''),
      'x'.repeat(70),
      '7'.repeat(300),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit, maxLength: 60 }), fc.string({ maxLength: 200, unit: 'grapheme' })),
        fc.integer({ min: 1, max: 40 }),
        (text, max) => {
          expect(tokenize(text, max)).toEqual(reference(text, max));
          expect(tokenize(text)).toEqual(reference(text));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('expands alternatives, optional parts and ? groups', () => {
    expect(expandPattern('(a|b c) d [e]').map((s) => s.join(' '))).toEqual(['a d', 'a d e', 'b c d', 'b c d e']);
    expect(expandPattern('x (y)? z').map((s) => s.join(' '))).toEqual(['x z', 'x y z']);
    expect(() => expandPattern('(a|b')).toThrow();
  });

  it('finds overlapping phrases and keeps the original text span', () => {
    const matcher = new PhraseMatcher(['your account', 'verify your account', 'account will be closed']);
    const text = 'Please VERIFY your account: your account will be closed.';
    const found = matcher.match(wordTokens(text)).map((m) => text.slice(m.start, m.end));
    expect(found).toEqual(['VERIFY your account', 'your account', 'your account', 'account will be closed']);
  });

  it('agrees with a naive matcher on random token streams (property)', () => {
    const vocab = ['a', 'b', 'c', 'd'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.constantFrom(...vocab, 'z'), { maxLength: 60 }),
        (patterns, words) => {
          const text = words.join(' ');
          // Scanned before the matcher exists too, as a message may be before a matcher is built.
          const scanned = wordTokens(text);
          const matcher = new PhraseMatcher(patterns.map((p) => p.join(' ')));
          const tokens = tokenize(text);
          const got = matcher
            .match(scanned)
            .map((m) => `${m.pattern}@${m.start}`)
            .sort();
          const expected: string[] = [];
          patterns.forEach((p, index) => {
            for (let i = 0; i + p.length <= tokens.length; i++) {
              if (p.every((w, j) => tokens[i + j]?.word === w)) expected.push(`${index}@${tokens[i]?.start}`);
            }
          });
          // A pattern listed twice reports once per occurrence under each index.
          expect(new Set(got)).toEqual(new Set(expected));
        },
      ),
    );
  });

  it('matches words a matcher built after the text was scanned added to the vocabulary', () => {
    const text = 'Zorblax quintessentially Flumph-Wobbegong!';
    const scanned = wordTokens(text);
    const matcher = new PhraseMatcher(['zorblax quintessentially flumph', 'wobbegong']);
    expect(matcher.match(scanned).map((m) => text.slice(m.start, m.end))).toEqual([
      'Zorblax quintessentially Flumph',
      'Wobbegong',
    ]);
  });

  it('numbers folded, cut and accented words as their folded form (property)', () => {
    // Pattern words as the tokens fold them; the text writes them in other cases and accents.
    const folded = ['verifiez', 'compte', '#', '€', 'oe', 'x'.repeat(64), 'ab1'];
    const written = [
      'VÉRIFIEZ',
      'vérifiez',
      'Vérifiez',
      'Compte',
      'COMPTE',
      '2024',
      '€',
      'Œ',
      'œ',
      'x'.repeat(70),
      'AB1',
      'abc',
      'z',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...folded), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom(...written), { maxLength: 30 }),
        (patterns, words) => {
          const matcher = new PhraseMatcher(patterns.map((p) => p.join(' ')));
          const text = words.join(' ');
          const tokens = tokenize(text);
          const got = matcher.match(wordTokens(text)).map((m) => `${m.pattern}@${m.start}-${m.end}`);
          const expected: string[] = [];
          patterns.forEach((p, index) => {
            for (let i = 0; i + p.length <= tokens.length; i++) {
              if (p.every((w, j) => tokens[i + j]?.word === w))
                expected.push(`${index}@${tokens[i]?.start}-${tokens[i + p.length - 1]?.end}`);
            }
          });
          expect(new Set(got)).toEqual(new Set(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and stays bounded on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'grapheme' }), (text) => {
        const hits = scoreIntent(text);
        for (const h of hits) expect(h.score).toBeLessThanOrEqual(4);
        expect(tokenize(text, 50).length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 300 },
    );
  });

  it('reads 50 KB of adversarial text within the test time-out (no backtracking blow-up)', () => {
    const text = 'verify your verify your account '.repeat(5000).slice(0, 200_000);
    intentReasons(ctxOf('x', text));
  });
});

describe('intentReasons', () => {
  it('credential request under pressure (English)', () => {
    const reasons = intentReasons(
      ctxOf(
        'Action required',
        'We could not verify your account. Please sign in to confirm your details within 24 hours, or your account will be suspended.',
      ),
    );
    const map = byCode(reasons);
    expect(map.get('mail.intent.credentials')?.weight).toBeGreaterThanOrEqual(1.5);
    expect(map.has('mail.intent.urgency')).toBe(true);
    expect(map.has('mail.intent.threat')).toBe(true);
    expect(map.get('mail.intent.combination')?.data?.combinations).toContain('credentials_pressure');
    expect(total(reasons)).toBeGreaterThanOrEqual(4);
  });

  it('credential request (French, accents or not) and names the phrase', () => {
    const reasons = intentReasons(
      ctxOf('Votre messagerie', 'Votre boîte mail est pleine. VÉRIFIEZ VOTRE COMPTE dans les 48 heures.'),
    );
    const credentials = byCode(reasons).get('mail.intent.credentials');
    expect(credentials).toBeDefined();
    expect(credentials?.message.fr).toContain('VÉRIFIEZ VOTRE COMPTE');
    expect(credentials?.message.en).toContain('VÉRIFIEZ VOTRE COMPTE');
    expect(byCode(reasons).has('mail.intent.urgency')).toBe(true);
  });

  it('bank detail change kept secret is BEC', () => {
    const reasons = intentReasons(
      ctxOf(
        'Règlement',
        'Bonjour, nos coordonnées bancaires ont changé : merci d’effectuer le virement sur notre nouveau compte. Merci de rester discret, opération confidentielle.',
      ),
    );
    const map = byCode(reasons);
    expect(map.get('mail.intent.payment_change')?.weight).toBeGreaterThanOrEqual(2.5);
    expect(map.has('mail.intent.secrecy')).toBe(true);
    expect(map.get('mail.intent.combination')?.data?.combinations).toContain('bec_payment');
    expect(total(reasons)).toBeGreaterThanOrEqual(4);
  });

  it('new bank details in English', () => {
    const map = byCode(
      intentReasons(
        ctxOf(
          'Updated remittance',
          'Please note our new bank details for all future payments. Keep this confidential.',
        ),
      ),
    );
    expect(map.has('mail.intent.payment_change')).toBe(true);
    expect(map.has('mail.intent.combination')).toBe(true);
  });

  it('gift cards', () => {
    const fr = byCode(
      intentReasons(
        ctxOf('Service', 'Peux-tu acheter des cartes cadeaux Google Play ? Envoie-moi les codes, reste discret.'),
      ),
    );
    expect(fr.get('mail.intent.gift_cards')?.weight).toBeGreaterThanOrEqual(2.5);
    const en = byCode(
      intentReasons(
        ctxOf('Quick favor', 'I need you to purchase some gift cards, scratch off the back and send me the codes.'),
      ),
    );
    expect(en.get('mail.intent.gift_cards')?.weight).toBeGreaterThanOrEqual(2.5);
  });

  it('advance-fee (419) in both languages', () => {
    const fr = intentReasons(
      ctxOf(
        'Donation',
        'Je suis atteinte d’un cancer en phase terminale et mon défunt mari m’a laissé la somme de 2 millions d’euros. Je souhaite faire un don de cette somme à une personne de confiance.',
      ),
    );
    expect(byCode(fr).get('mail.intent.advance_fee')?.weight).toBeGreaterThanOrEqual(3);
    const en = intentReasons(
      ctxOf(
        'Business proposal',
        'As next of kin you will receive 40% of the total sum; the transaction is 100% risk free.',
      ),
    );
    expect(byCode(en).get('mail.intent.advance_fee')?.weight).toBeGreaterThanOrEqual(3);
  });

  it('delivery fee, reward, crypto, invoice lure, threat', () => {
    expect(
      byCode(
        intentReasons(ctxOf('Colis', 'Votre colis est en attente : veuillez régler les frais de livraison de 1,99 €.')),
      ).has('mail.intent.delivery_fee'),
    ).toBe(true);
    expect(
      byCode(intentReasons(ctxOf('Customs', 'Pay the customs fee to release your parcel.'))).has(
        'mail.intent.delivery_fee',
      ),
    ).toBe(true);
    expect(
      byCode(intentReasons(ctxOf('Félicitations', 'Vous avez gagné ! Réclamez votre gain.'))).has('mail.intent.reward'),
    ).toBe(true);
    expect(
      byCode(intentReasons(ctxOf('Wallet', 'Connect your wallet and enter your recovery phrase.'))).get(
        'mail.intent.crypto',
      )?.weight,
    ).toBeGreaterThan(2);
    expect(
      byCode(intentReasons(ctxOf('Voicemail', 'You have a new voicemail. Open the attached document.'))).has(
        'mail.intent.invoice_lure',
      ),
    ).toBe(true);
    expect(
      byCode(
        intentReasons(
          ctxOf(
            'Avis',
            'Sans réponse de votre part, votre compte sera suspendu et des poursuites judiciaires engagées.',
          ),
        ),
      ).get('mail.intent.threat')?.weight,
    ).toBeGreaterThanOrEqual(1.5);
  });

  it('reads the visible HTML text when there is no text part', () => {
    const reasons = intentReasons(ctxOf('Hello', '', 'Please confirm your password to keep your account.'));
    expect(byCode(reasons).has('mail.intent.credentials')).toBe(true);
  });

  it('keeps a single weak cue weak', () => {
    const urgent = intentReasons(
      ctxOf('Urgent: meeting moved', 'The meeting is moved to 3pm, please reply as soon as possible.'),
    );
    expect(total(urgent)).toBeLessThanOrEqual(1);
    const reset = intentReasons(
      ctxOf(
        'Password reset',
        'Here is the password reset you requested. If you did not request it, you can ignore this email.',
      ),
    );
    expect(total(reset)).toBeLessThan(1);
    const shipping = intentReasons(
      ctxOf(
        'Your order has shipped',
        'Hi, your package is on the way. Track your package. Arriving Friday. Delivery charges: free.',
      ),
    );
    expect(total(shipping)).toBeLessThan(1);
    const newsletter = intentReasons(
      ctxOf('Notre lettre', 'Découvrez nos nouveautés. Livraison offerte, frais de port offerts dès 50 €.'),
    );
    expect(total(newsletter)).toBeLessThan(1);
  });

  it('has stable codes and bilingual messages', () => {
    const reasons = intentReasons(
      ctxOf('x', 'Verify your account immediately or it will be closed. Your account will be suspended.'),
    );
    for (const r of reasons) {
      expect(r.code).toMatch(/^mail\.intent\.[a-z_]+$/);
      expect(r.category).toBe('intent');
      expect(r.message.fr.length).toBeGreaterThan(10);
      expect(r.message.en.length).toBeGreaterThan(10);
    }
  });
});
