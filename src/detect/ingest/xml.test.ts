// The EVTX XML subset reader: elements, attributes, text and entities, clear refusals, no throw or hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_XML_DEPTH, type XmlElement, xmlToElement } from './xml.js';

const parse = (xml: string): XmlElement => {
  const r = xmlToElement(xml);
  if ('reason' in r) throw new Error(`expected an element: ${r.reason}`);
  return r.element;
};

/** A tree as plain data, for comparisons. */
const shape = (e: XmlElement): unknown => ({
  name: e.name,
  attributes: e.attributes,
  text: e.text,
  children: e.children.map(shape),
});

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Tree {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: Tree[];
}

function serialise(t: Tree): string {
  const attributes = Object.entries(t.attributes)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (t.children.length === 0 && t.text === '') return `<${t.name}${attributes}/>`;
  return `<${t.name}${attributes}>${escapeXml(t.text)}${t.children.map(serialise).join('')}</${t.name}>`;
}

describe('xmlToElement', () => {
  it('reads an EVTX record', () => {
    const root = parse(
      '<?xml version="1.0"?><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>' +
        '<EventID Qualifiers="">4625</EventID><Channel>Security</Channel></System>' +
        '<EventData><Data Name="TargetUserName">bob &amp; &lt;alice&gt; &#x41;&#66;</Data><Data Name="Empty"/></EventData></Event>',
    );
    expect(root.name).toBe('Event');
    expect(root.attributes).toEqual({ xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' });
    const [system, data] = root.children;
    expect(system?.children.map((c) => [c.name, c.text])).toEqual([
      ['EventID', '4625'],
      ['Channel', 'Security'],
    ]);
    expect(data?.children[0]?.text).toBe('bob & <alice> AB');
    expect(data?.children[1]).toEqual({ name: 'Data', attributes: { Name: 'Empty' }, children: [], text: '' });
  });

  it('keeps CDATA literally, skips comments, keeps unknown entities as written', () => {
    expect(parse('<a><![CDATA[x <y> &amp;]]><!-- note --></a>').text).toBe('x <y> &amp;');
    expect(parse('<a>&nbsp; &#xFFFFFFF; &</a>').text).toBe('&nbsp; &#xFFFFFFF; &');
  });

  it('refuses malformed XML with a reason', () => {
    expect(xmlToElement('<a><b></a>')).toEqual({ reason: 'closing </a> does not match' });
    expect(xmlToElement('<a>')).toEqual({ reason: '<a> is not closed' });
    expect(xmlToElement('<a/><b/>')).toEqual({ reason: 'more than one root element' });
    expect(xmlToElement('text')).toEqual({ reason: 'text outside the root element' });
    expect(xmlToElement('')).toEqual({ reason: 'no element' });
    expect(xmlToElement('<a x=1/>')).toEqual({ reason: 'unquoted attribute x in <a>' });
    expect(xmlToElement('<a><![CDATA[x</a>')).toEqual({ reason: 'unterminated CDATA' });
    expect(xmlToElement(`${'<a>'.repeat(MAX_XML_DEPTH + 1)}`)).toEqual({
      reason: `nested deeper than ${MAX_XML_DEPTH} elements`,
    });
  });

  it('never sets prototype keys from attributes', () => {
    const root = parse('<a __proto__="x" constructor="y" ok="1"/>');
    expect(Object.keys(root.attributes)).toEqual(['ok']);
  });

  it('reads back any tree it is given as XML (property)', () => {
    const name = fc.constantFrom('Event', 'System', 'Data', 'a', 'b:c', 'x-1');
    const text = fc.string({
      unit: fc.constantFrom('a', ' ', '&', '<', '>', '"', "'", 'é', '\u{1F600}'),
      maxLength: 8,
    });
    const tree = (depth: number): fc.Arbitrary<Tree> =>
      fc.record({
        name,
        attributes: fc.dictionary(fc.constantFrom('Name', 'id', 'xmlns'), text, { maxKeys: 2 }),
        // Text is compared trimmed when the element has children (evtx_dump's reading).
        text: text.map((t) => t.trim()),
        children: depth === 0 ? fc.constant([]) : fc.array(tree(depth - 1), { maxLength: 3 }),
      });
    fc.assert(
      fc.property(tree(3), (t) => {
        const plain = JSON.parse(JSON.stringify(t)) as Tree;
        expect(shape(parse(serialise(plain)))).toEqual(shape(plain as unknown as XmlElement));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any input, and does not hang on large adversarial input (property)', () => {
    const pieces = fc.constantFrom(
      '<',
      '>',
      '/',
      '</a>',
      '<a',
      ' x="1"',
      '"',
      '&amp;',
      '&#',
      ';',
      '<!--',
      '-->',
      '<![CDATA[',
      ']]>',
      '<?',
      '?>',
      'a',
      '=',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 80 }).map((p) => p.join('')),
        ),
        (xml) => {
          const r = xmlToElement(xml);
          expect('reason' in r ? typeof r.reason : r.element.name).toBeTypeOf('string');
        },
      ),
      { numRuns: 3000 },
    );
    // Large adversarial inputs (a quadratic reader would exceed the test's time-out): each refused.
    for (const big of ['<a'.repeat(50_000), '<a>'.repeat(50_000), `<a>${'&'.repeat(200_000)}`, '<!--'.repeat(50_000)])
      expect(xmlToElement(big)).toHaveProperty('reason');
  });
});
