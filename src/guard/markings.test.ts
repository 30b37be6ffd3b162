import { describe, expect, it } from 'vitest';
import { mask, scanText } from './index.js';

function types(text: string, options = {}): string[] {
  return scanText(text, options).spans.map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('markings, dictionaries and code', () => {
  it('scores markings by position', () => {
    expect(types('CONFIDENTIEL\nRapport annuel')).toEqual(['marking.confidential:CONFIDENTIEL']);
    expect(types('Classification : C2')).toEqual(['marking.internal:C2']);
    expect(types('We had a confidential conversation about the C2 model yesterday.')).toEqual([]);
  });
  it('matches dictionary terms as whole words, case and accent insensitive', () => {
    const options = { dictionaries: [{ name: 'projects', terms: ['Hermès'] }] };
    expect(types('le projet HERMES avance', options)).toEqual(['dictionary.projects:HERMES']);
    expect(types('les hermesiens', options)).toEqual([]);
  });
  it('spans pasted code and keeps secrets inside it', () => {
    const code =
      'Voici mon code :\nfunction f(a) {\n  const x = a + 1;\n  return x * 2;\n}\nconst token = "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";\n';
    const found = types(code);
    expect(found.some((f) => f.startsWith('code.source:function f(a)'))).toBe(true);
    expect(found.some((f) => f.startsWith('secret.github_token:'))).toBe(true);
    expect(types('Ceci est une phrase ordinaire.\nEt une autre phrase ici.\nPuis une troisième ligne.')).toEqual([]);
  });
});

describe('masking', () => {
  it('masks values by type', () => {
    expect(mask('jean.dupont@exemple.fr', 'pii.email')).toBe('j***@e***.fr');
    expect(mask('FR76 3000 6000 0112 3456 7890 189', 'pii.iban')).toBe('FR76 **** **** **** **** ***0 189');
    expect(mask('4111 1111 1111 1234', 'pii.card')).toBe('**** **** **** 1234');
    expect(mask('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', 'secret.github_token')).toBe('ghp_********');
  });
});
