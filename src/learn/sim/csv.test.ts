import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula, parseCsv, writeCsv } from './csv.js';

describe('writeCsv', () => {
  it('writes RFC 4180: CRLF, quotes doubled, quoting only when needed', () => {
    expect(writeCsv([['a', 'b,c', 'say "hi"', 'two\nlines', 3, null, ' pad']])).toBe(
      'a,"b,c","say ""hi""","two\nlines",3,," pad"\r\n',
    );
  });

  it('neutralises spreadsheet formulas in text cells but not numbers', () => {
    expect(writeCsv([['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', -5]])).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),-5\r\n`,
    );
    expect(neutraliseFormula('\tcmd')).toBe("'\tcmd");
  });

  it('round-trips any table of text through parseCsv (formula cells come back neutralised)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 6 }), { maxLength: 8 }),
        (rows) => {
          const parsed = parseCsv(writeCsv(rows));
          expect(parsed.problems).toEqual([]);
          expect(parsed.rows).toEqual(rows.map((r) => r.map(neutraliseFormula)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseCsv', () => {
  it('reads LF or CRLF, quoted fields across lines and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\n"x\r\ny","q""q"\r\n').rows).toEqual([
      ['a', 'b'],
      ['x\r\ny', 'q"q'],
    ]);
  });

  it('reports malformed records with their line instead of failing', () => {
    const r = parseCsv('a,b\nc,d"e\n"open,f');
    expect(r.rows[1]).toEqual(['c', 'd"e']);
    expect(r.problems).toEqual([
      { line: 2, reason: 'quote inside an unquoted field' },
      { line: 3, reason: 'unterminated quoted field' },
    ]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const r = parseCsv(text);
        for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });
});
