import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMbox, splitMbox } from './mbox.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('mbox', () => {
  const mbox = Buffer.from(
    [
      'From alice@example.org Mon Jan  1 00:00:00 2024',
      'From: alice@example.org',
      'Subject: one',
      '',
      'first body',
      '>From the start, mboxrd quotes this line',
      '>>From stays quoted once',
      '',
      'From bob@example.org Mon Jan  1 00:00:01 2024',
      'From: bob@example.org',
      'Subject: two',
      '',
      'second body',
      '',
    ].join('\n'),
  );

  it('recognises an mbox by its first line', () => {
    expect(isMbox(mbox)).toBe(true);
    expect(isMbox(Buffer.from('From: a@b.example\n\nbody'))).toBe(false);
  });

  it('splits messages, drops separators and unquotes >From lines', () => {
    const messages = splitMbox(mbox).map(text);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(
      'From: alice@example.org\nSubject: one\n\nfirst body\nFrom the start, mboxrd quotes this line\n>From stays quoted once\n\n',
    );
    expect(messages[1]).toBe('From: bob@example.org\nSubject: two\n\nsecond body\n');
  });

  it('keeps every byte that is not a separator, for any content', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ maxLength: 60 }).filter((s) => !s.includes('From ') && !s.includes('>')),
          { maxLength: 8 },
        ),
        (bodies) => {
          const file = Buffer.from(bodies.map((b, i) => `From x${i}\n${b}\n`).join(''));
          const messages = splitMbox(file).map(text);
          expect(messages).toEqual(bodies.map((b) => `${b}\n`));
        },
      ),
    );
  });
});
