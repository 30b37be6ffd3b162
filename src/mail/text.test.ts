import { describe, expect, it } from 'vitest';
import { escapeUnsafe, hasUnsafeText, safeText } from './text.js';

describe('safeText', () => {
  it('removes C0, C1 and bidi controls, and keeps ordinary text', () => {
    const hostile = 'facture\u001b[2K\u0000\u0085\u202e\u2066fdp.exe\u2069\n';
    expect(safeText(hostile)).toBe('facture[2Kfdp.exe');
    expect(hasUnsafeText(hostile)).toBe(true);
    expect(hasUnsafeText(safeText(hostile))).toBe(false);
    expect(safeText('Société Générale — 100 €')).toBe('Société Générale — 100 €');
    expect(safeText('abcdefghij', 8)).toBe('abcde...');
  });

  it('escapes what it removes, for data kept as written', () => {
    expect(escapeUnsafe('a\u202eb\u001b')).toBe('a\\u{202e}b\\u{1b}');
    expect(hasUnsafeText(escapeUnsafe('a\u202eb\u001b'))).toBe(false);
  });
});
