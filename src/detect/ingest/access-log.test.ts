import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAccessLogLine } from './index.js';

const ok = (line: string) => {
  const r = parseAccessLogLine(line);
  if (!r.ok) throw new Error(`expected ok: ${r.reason}`);
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep into events they just checked.
  return r.event as Record<string, any>;
};

describe('access logs', () => {
  it('reads the combined format', () => {
    const line =
      '203.0.113.9 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?a=1&b=%27 HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"';
    const e = ok(line);
    expect(e).toEqual({
      '@timestamp': '2000-10-10T20:55:36.000Z',
      message: line,
      event: { category: 'web', original: line },
      source: { ip: '203.0.113.9' },
      user: { name: 'frank' },
      http: {
        version: '1.0',
        request: { method: 'GET', referrer: 'http://www.example.com/start.html' },
        response: { status_code: 200, body: { bytes: 2326 } },
      },
      url: { original: '/apache_pb.gif?a=1&b=%27', path: '/apache_pb.gif', query: 'a=1&b=%27' },
      user_agent: { original: 'Mozilla/4.08 [en] (Win98; I ;Nav)' },
    });
  });

  it('reads the common format, `-` sizes, and Nginx extra fields', () => {
    const e = ok('10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "POST /login HTTP/1.1" 302 -');
    expect(e.user).toBeUndefined();
    expect(e.http.response.body.bytes).toBe(0);
    expect(e.http.request.referrer).toBeUndefined();
    const nginx = ok('10.1.1.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/2.0" 200 5 "-" "curl/8.0" "-" 0.001');
    expect(nginx.user_agent.original).toBe('curl/8.0');
    expect(nginx.http.version).toBe('2.0');
  });

  it('unwraps lines exported inside extra quotes, and unescapes \\"', () => {
    const e = ok(
      '"192.168.4.164 - - [22/Dec/2016:15:19:05 +0300] "GET /a?x=\\"1\\" HTTP/1.1" 200 20 "-" "UA \\"q\\"""',
    );
    expect(e.source.ip).toBe('192.168.4.164');
    expect(e.url.query).toBe('x="1"');
    expect(e.user_agent.original).toBe('UA "q"');
    expect(e.event.original.startsWith('"192')).toBe(true);
  });

  it('unescapes quoted fields as a character-at-a-time reading does (property)', () => {
    // The reference: \" and \\ give the character after the backslash, any other character is itself.
    const reference = (inside: string): string | undefined => {
      let out = '';
      for (let i = 0; i < inside.length; i++) {
        const c = inside[i];
        if (c === '\\' && (inside[i + 1] === '"' || inside[i + 1] === '\\')) out += inside[++i];
        else if (c === '"') return out;
        else out += c;
      }
      return undefined;
    };
    const unit = fc.constantFrom('a', ' ', '\\', '"', 'x', 'é');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), (agent) => {
        const expected = reference(`${agent}"`);
        const r = parseAccessLogLine(`1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "${agent}"`);
        // What the reference reads as the agent, the parser reads too (the line may end inside it).
        if (r.ok && expected !== undefined)
          expect((r.event as { user_agent?: { original?: string } }).user_agent?.original).toBe(
            expected === '-' ? undefined : expected,
          );
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a request line that is not HTTP in the message only', () => {
    const e = ok('1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"');
    expect(e.http.request).toBeUndefined();
    expect(e.url).toBeUndefined();
    expect(e.http.response.status_code).toBe(400);
  });

  it('refuses what is not an access log, with a reason', () => {
    expect(parseAccessLogLine('Dec 10 06:55:46 LabSZ sshd[24200]: hi')).toMatchObject({ ok: false });
    expect(parseAccessLogLine('1.2.3.4 - - [32/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1')).toEqual({
      ok: false,
      reason: 'invalid access-log time [32/Jan/2024:00:00:00 +0000]',
    });
    expect(parseAccessLogLine('1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1 200 1')).toMatchObject({
      ok: false,
    });
  });

  it('never throws on any input', () => {
    const pieces = fc.constantFrom(
      '"',
      '\\',
      '[',
      ']',
      ' ',
      '-',
      '1.2.3.4',
      '01/Jan/2024:00:00:00 +0000',
      'GET / HTTP/1.1',
      '200',
      '12',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.array(pieces).map((p) => p.join('')),
        ),
        (line) => {
          const r = parseAccessLogLine(line);
          if (r.ok) expect(typeof r.event['@timestamp']).toBe('string');
          else expect(r.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
    expect(parseAccessLogLine(`1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "${'\\"'.repeat(20000)}`).ok).toBe(false);
  });
});

const APACHE = '/work/shared/data/detect/attack/apache-http-logs';
describe.skipIf(!existsSync(APACHE))('real data: apache-http-logs (skipped when /work/shared/data is absent)', () => {
  it.each(['netsparker.txt', 'w3af.txt'])('reads every line of %s', (file) => {
    const lines = readFileSync(`${APACHE}/${file}`, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const bad = lines.map((l) => parseAccessLogLine(l)).filter((r) => !r.ok);
    expect(bad).toEqual([]);
  });
});
