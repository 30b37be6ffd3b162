// Shadow-AI discovery: each log format from fixtures written here, the catalogue against the
// v2fly lists (skipped when ../shared/data is absent), the report and its CSV, and no-throw
// properties for every parser.
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeCatalogue } from './catalogue.js';
import { LEFT_OUT } from './catalogue-data.js';
import { parseCatalogueExtension, parseDepartmentMap } from './inputs.js';
import { LOG_FORMATS, LogParser, type LogRecord } from './parsers.js';
import { csvCell, DiscoveryAggregator, reportToCsv } from './report.js';

function records(lines: string, format: (typeof LOG_FORMATS)[number] = 'auto', year = 2024) {
  const p = new LogParser({ format, year });
  return lines
    .split('\n')
    .map((l) => p.line(l))
    .filter((r) => r.kind !== 'ignored');
}
const only = (lines: string, format?: (typeof LOG_FORMATS)[number]) => {
  const r = records(lines, format);
  expect(r).toHaveLength(1);
  if (r[0]?.kind !== 'record') throw new Error(JSON.stringify(r[0]));
  return r[0].record;
};

describe('log parsers', () => {
  it('reads Squid native access.log', () => {
    const r = only(
      '1704103200.123    150 10.0.0.5 TCP_TUNNEL/200 5230 CONNECT chatgpt.com:443 alice HIER_DIRECT/1.2.3.4 -',
    );
    expect(r).toEqual({
      time: '2024-01-01T10:00:00.123Z',
      clientIp: '10.0.0.5',
      host: 'chatgpt.com',
      user: 'alice',
      bytesIn: 5230,
      action: 'allowed',
    });
    const denied = only(
      '1704103200.5 3 10.0.0.6 TCP_DENIED/403 0 GET http://claude.ai/chat - HIER_NONE/- text/html',
      'squid',
    );
    expect(denied).toMatchObject({ host: 'claude.ai', action: 'blocked' });
    expect(denied.user).toBeUndefined();
  });

  it('reads W3C / ELFF through its #Fields header, quoted values included', () => {
    const log = [
      '#Software: SGOS 6.7',
      '#Fields: date time time-taken c-ip cs-username s-action cs-method cs-host cs-uri-path cs-bytes sc-bytes cs(User-Agent)',
      '2024-03-05 08:15:02 120 10.1.2.3 jdupont TCP_TUNNELED CONNECT gemini.google.com / 4096 12000 "Mozilla/5.0 (X11; Linux)"',
      '2024-03-05 08:15:03 120 10.1.2.3 jdupont',
    ].join('\n');
    const r = records(log);
    expect(r[0]).toMatchObject({
      kind: 'record',
      record: {
        time: '2024-03-05T08:15:02.000Z',
        user: 'jdupont',
        host: 'gemini.google.com',
        bytesOut: 4096,
        bytesIn: 12000,
        action: 'TCP_TUNNELED',
      },
    });
    expect(r[1]).toMatchObject({ kind: 'invalid' });
    expect(records('2024-03-05 08:15:02 x', 'w3c')[0]).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/#Fields/),
    });
  });

  it('reads Zscaler NSS web logs in JSON, wrapped or flat', () => {
    const wrapped = only(
      '{"sourcetype":"zscalernss-web","event":{"datetime":"Mon Oct 16 22:55:48 2023","user":"bob@corp.fr","department":"Finance","ClientIP":"10.1.1.1","hostname":"api.openai.com","url":"api.openai.com/v1/chat/completions","requestsize":"12345","responsesize":"999","action":"Allowed","urlcategory":"Generative AI"}}',
    );
    expect(wrapped).toEqual({
      time: '2023-10-16T22:55:48.000Z',
      host: 'api.openai.com',
      user: 'bob@corp.fr',
      clientIp: '10.1.1.1',
      bytesOut: 12345,
      bytesIn: 999,
      action: 'allowed',
      department: 'Finance',
    });
    const flat = only(
      '{"datetime":"2023-10-16 22:55:48","login":"eve@corp.fr","cip":"10.2.2.2","url":"https://chat.mistral.ai/chat","reqsize":10,"respsize":20,"urlcategory":"AI","appclass":"AI"}',
      'zscaler',
    );
    expect(flat).toMatchObject({ host: 'chat.mistral.ai', user: 'eve@corp.fr', bytesOut: 10 });
  });

  it('reads dnsmasq queries and ignores replies', () => {
    const log = [
      'Jan  5 12:00:00 gw dnsmasq[1234]: query[A] chat.deepseek.com from 192.168.1.10',
      'Jan  5 12:00:00 gw dnsmasq[1234]: forwarded chat.deepseek.com to 1.1.1.1',
      'Jan  5 12:00:00 gw dnsmasq[1234]: reply chat.deepseek.com is 1.2.3.4',
      '2024-01-05T12:00:01+01:00 gw dnsmasq[1234]: query[AAAA] claude.ai from 192.168.1.11',
    ].join('\n');
    const r = records(log);
    expect(r.map((x) => (x.kind === 'record' ? [x.record.time, x.record.host, x.record.clientIp] : x))).toEqual([
      ['2024-01-05T12:00:00.000Z', 'chat.deepseek.com', '192.168.1.10'],
      ['2024-01-05T11:00:01.000Z', 'claude.ai', '192.168.1.11'],
    ]);
  });

  it('reads BIND query logs (with and without the client object address)', () => {
    const log = [
      '05-Jan-2024 12:00:00.123 queries: info: client @0x7f1234abcd 192.168.1.11#53211 (claude.ai): query: claude.ai IN A +E(0)K (10.0.0.1)',
      '05-Jan-2024 12:00:01.000 client 2001:db8::5#4000 (perplexity.ai): view internal: query: perplexity.ai IN AAAA + (10.0.0.1)',
    ].join('\n');
    const r = records(log, 'bind');
    expect(r.map((x) => (x.kind === 'record' ? [x.record.time, x.record.host, x.record.clientIp] : x))).toEqual([
      ['2024-01-05T12:00:00.123Z', 'claude.ai', '192.168.1.11'],
      ['2024-01-05T12:00:01.000Z', 'perplexity.ai', '2001:db8::5'],
    ]);
  });

  it('reads generic JSON lines, ECS-style nested keys included, and reports bad lines', () => {
    const r = records(
      [
        '{"@timestamp":"2024-02-01T09:00:00Z","user":{"name":"zoe"},"source":{"ip":"10.9.9.9","bytes":321},"url":{"domain":"huggingface.co"}}',
        '{"ts":1706778000,"username":"yann","dest_host":"poe.com","bytes_out":5}',
        '{"ts":"yesterday","host":"poe.com"}',
        '{not json',
      ].join('\n'),
    );
    expect(r[0]).toMatchObject({
      kind: 'record',
      record: { user: 'zoe', clientIp: '10.9.9.9', bytesOut: 321, host: 'huggingface.co' },
    });
    expect(r[1]).toMatchObject({
      kind: 'record',
      record: { time: '2024-02-01T09:00:00.000Z', host: 'poe.com', bytesOut: 5 },
    });
    expect(r.slice(2).map((x) => x.kind)).toEqual(['invalid', 'invalid']);
  });

  // Real-looking lines with a random cut and insertion: reach deep into each parser.
  const SAMPLES = [
    '1704103200.123    150 10.0.0.5 TCP_TUNNEL/200 5230 CONNECT chatgpt.com:443 alice HIER_DIRECT/1.2.3.4 -',
    '2024-03-05 08:15:02 gemini.google.com',
    '{"sourcetype":"zscalernss-web","event":{"datetime":"Mon Oct 16 22:55:48 2023","hostname":"api.openai.com","requestsize":"1"}}',
    'Jan  5 12:00:00 gw dnsmasq[1234]: query[A] chat.deepseek.com from 192.168.1.10',
    '05-Jan-2024 12:00:00.123 queries: info: client @0x7f1234abcd 192.168.1.11#53211 (claude.ai): query: claude.ai IN A +E(0)K (10.0.0.1)',
    '{"@timestamp":"2024-02-01T09:00:00Z","url":{"domain":"huggingface.co"}}',
  ];
  const mutated = fc
    .tuple(fc.constantFrom(...SAMPLES), fc.nat(), fc.nat(), fc.string({ maxLength: 20 }))
    .map(([s, a, b, x]) => s.slice(0, a % s.length) + x + s.slice((a % s.length) + (b % 5)));

  it.each(LOG_FORMATS)('never throws on arbitrary lines (%s)', (format) => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.json(), mutated),
        ),
        (lines) => {
          const p = new LogParser({ format });
          for (const l of ['#Fields: date time cs-host', ...lines]) {
            const r = p.line(l);
            expect(['record', 'ignored', 'invalid']).toContain(r.kind);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stays fast on long hostile lines', () => {
    const p = new LogParser();
    const hostile = [
      `${'client '.repeat(9000)} query: x IN`,
      `dnsmasq: ${'query[A] '.repeat(7000)}`,
      `{"host":"${'a.'.repeat(30_000)}"}`,
    ];
    for (const l of hostile) expect(['invalid', 'ignored']).toContain(p.line(l).kind);
  });
});

describe('catalogue', () => {
  const catalogue = mergeCatalogue();

  it('matches exact names before suffixes, on label boundaries only', () => {
    expect(catalogue.match('api.openai.com')?.id).toBe('openai-api');
    expect(catalogue.match('chatgpt.com')?.id).toBe('openai-chatgpt');
    expect(catalogue.match('CHAT.MISTRAL.AI.')?.region).toBe('EU');
    expect(catalogue.match('notopenai.com')).toBeUndefined();
    expect(catalogue.match('google.com')).toBeUndefined();
    expect(catalogue.match('myres.openai.azure.com')?.id).toBe('azure-openai');
  });

  it('merges an admin extension: sanctioned ids, new services, extra domains', () => {
    const c = parseCatalogueExtension(
      'sanctioned: [mistral]\nservices:\n  - { id: corp-gpt, name: Corp GPT, vendor: ACME, region: EU, category: chat, sanctioned: true, suffixes: [gpt.acme.fr], full: [] }\n  - { id: deepseek, full: [ds.proxy.example] }\n',
    );
    expect(c.match('chat.mistral.ai')?.sanctioned).toBe(true);
    expect(c.match('x.gpt.acme.fr')?.id).toBe('corp-gpt');
    expect(c.match('ds.proxy.example')?.id).toBe('deepseek');
    expect(c.match('chat.deepseek.com')?.id).toBe('deepseek');
    expect(() => parseCatalogueExtension('sanctioned: [nope]')).toThrow(/unknown service "nope"/);
    expect(() => parseCatalogueExtension('services: [{ id: "Bad Id" }]')).toThrow(/services\.0\.id/);
  });

  const tsv = new URL('../../../../shared/data/guard/shadow_ai/domains_v2fly.tsv', import.meta.url);
  it.skipIf(!existsSync(tsv))('covers the v2fly AI lists and none of their hard negatives', () => {
    const rows = readFileSync(tsv, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    const left = new Set(LEFT_OUT.map(([d]) => d));
    const ai = rows.filter((r) => r[5] === '1' && !left.has(r[0] ?? ''));
    const missed = ai.filter((r) => catalogue.match(r[0] ?? '') === undefined).map((r) => r[0]);
    expect(missed).toEqual([]);
    const negatives = rows.filter((r) => r[5] === '0');
    const wrong = negatives.filter((r) => catalogue.match(r[0] ?? '') !== undefined).map((r) => r[0]);
    expect(wrong.length / negatives.length).toBeLessThan(0.005);
  });
});

describe('report and CSV', () => {
  const recs: LogRecord[] = [
    { time: '2024-01-01T10:00:00.000Z', user: 'alice', host: 'chatgpt.com', bytesOut: 100 },
    { time: '2024-01-02T10:00:00.000Z', user: 'alice', host: 'chatgpt.com', bytesOut: 50 },
    { time: '2024-01-01T09:00:00.000Z', user: 'alice', host: 'chat.mistral.ai', bytesOut: 10 },
    { time: '2024-01-03T10:00:00.000Z', clientIp: '10.0.0.7', host: 'claude.ai', action: 'blocked' },
    { time: '2024-01-03T10:00:00.000Z', user: 'bob', host: 'www.wikipedia.org' },
  ];

  it('aggregates per user and department with first/last seen and unsanctioned use', () => {
    const agg = new DiscoveryAggregator(
      mergeCatalogue({ sanctioned: ['mistral'] }),
      (k) => ({ alice: 'Finance', '10.0.0.7': 'RH' })[k],
    );
    for (const r of recs) agg.add(r);
    const report = agg.report();
    expect(report.totals).toEqual({ records: 5, matched: 4, unsanctionedRequests: 3 });
    const alice = report.users.find((u) => u.user === 'alice');
    expect(alice).toMatchObject({
      department: 'Finance',
      requests: 3,
      bytesOut: 160,
      firstSeen: '2024-01-01T09:00:00.000Z',
      lastSeen: '2024-01-02T10:00:00.000Z',
      unsanctionedRequests: 2,
      unsanctionedServices: ['openai-chatgpt'],
    });
    expect(report.users.find((u) => u.user === '10.0.0.7')).toMatchObject({ kind: 'ip', department: 'RH' });
    expect(report.users.find((u) => u.user === '10.0.0.7')?.services[0]?.blockedRequests).toBe(1);
    expect(report.departments.map((d) => d.department).sort()).toEqual(['Finance', 'RH']);
  });

  it('writes RFC 4180 CSV that a spreadsheet will not execute', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(12)).toBe('12');
    const agg = new DiscoveryAggregator(mergeCatalogue());
    agg.add({ time: '2024-01-01T10:00:00.000Z', user: '@evil,"x"', host: 'poe.com' });
    const csv = reportToCsv(agg.report());
    expect(csv.split('\r\n')[1]).toMatch(/^"'@evil,""x""",user,,poe,Poe,Quora,US,false,1,0,0,0,/);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('reads the department map as CSV or JSON, reporting bad lines', () => {
    const csv = parseDepartmentMap('user,department\nalice,Finance\n"dupont, jean","RH"\nbroken\n');
    expect([...csv.departments]).toEqual([
      ['alice', 'Finance'],
      ['dupont, jean', 'RH'],
    ]);
    expect(csv.problems).toEqual([{ line: 4, reason: 'expected user,department' }]);
    expect(parseDepartmentMap('{"bob":"IT"}').departments.get('bob')).toBe('IT');
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (t) => void parseDepartmentMap(t)));
  });
});
