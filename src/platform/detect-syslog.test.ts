/** TCP syslog framing (RFC 6587): octet counting and newline framing, split anywhere, never unbounded. */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DetectService } from './detect.js';
import { parseHostPort, SyslogFramer, startDetectSyslog } from './detect-syslog.js';

/** Feeds `bytes` in the given chunk sizes; returns every message and problem. */
function frame(bytes: Buffer, cuts: readonly number[], max = 1024) {
  const framer = new SyslogFramer(max);
  const messages: string[] = [];
  const problems: string[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const end = Math.min(bytes.length, at + Math.max(1, cut));
    const out = framer.push(bytes.subarray(at, end));
    messages.push(...out.messages);
    problems.push(...out.problems);
    at = end;
    if (at >= bytes.length) break;
  }
  messages.push(...framer.end());
  return { messages, problems };
}

const message = fc
  .string({ minLength: 1, maxLength: 80 })
  .map((s) => `<13>${s.replace(/[\r\n]/g, ' ')}`)
  .filter((s) => s.trim() !== '');

describe('SyslogFramer', () => {
  it('reads octet-counted and newline-framed messages, mixed', () => {
    const msg = '<34>1 2026-03-02T09:00:00Z web01 sshd - - - héllo';
    const bytes = Buffer.from(`${Buffer.byteLength(msg)} ${msg}plain line\r\n${Buffer.byteLength(msg)} ${msg}`);
    expect(frame(bytes, [3, 7, 1]).messages).toEqual([msg, 'plain line', msg]);
  });

  it('gives back the messages whatever the chunking (property)', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }),
        (messages, counted, cuts) => {
          const text = messages.map((m) => (counted ? `${Buffer.byteLength(m)} ${m}` : `${m}\n`)).join('');
          expect(frame(Buffer.from(text), cuts).messages).toEqual(messages);
        },
      ),
    );
  });

  it('skips and reports messages over the limit, then carries on', () => {
    const long = 'x'.repeat(3000);
    const octet = frame(Buffer.from(`3000 ${long}5 <1>ok`), [100, 2000, 100], 1024);
    expect(octet.messages).toEqual(['<1>ok']);
    expect(octet.problems).toHaveLength(1);
    const line = frame(Buffer.from(`${long}\n<1>next\n`), [500, 500, 500, 500, 500, 500, 500], 1024);
    expect(line.messages).toEqual(['<1>next']);
    expect(line.problems).toHaveLength(1);
  });

  it('never throws and never holds more than the limit on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), fc.array(fc.integer({ min: 1, max: 500 })), (bytes, cuts) => {
        const { messages } = frame(Buffer.from(bytes), cuts, 256);
        for (const m of messages) expect(Buffer.byteLength(m)).toBeLessThanOrEqual(256 * 3);
      }),
    );
  });

  it('reads host:port, IPv6 in brackets', () => {
    expect(parseHostPort('0.0.0.0:514')).toEqual({ host: '0.0.0.0', port: 514 });
    expect(parseHostPort('[::1]:6514')).toEqual({ host: '::1', port: 6514 });
    expect(() => parseHostPort('localhost')).toThrow();
    expect(() => parseHostPort('h:70000')).toThrow();
  });
});

/** A Detect service whose storage is down: counts how often the listener tries it. */
function failingDetect() {
  const calls = { ingest: 0 };
  const detect = {
    maxBatch: 1000,
    ingest: async () => {
      calls.ingest += 1;
      throw new Error('database unavailable');
    },
  } as unknown as DetectService;
  return { detect, calls };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startDetectSyslog under pressure', () => {
  it('waits for the retry instead of hitting a failing store once per datagram', async () => {
    const { detect, calls } = failingDetect();
    const listener = await startDetectSyslog({ detect, udp: '127.0.0.1:0', maxBatchLines: 1, retryMs: 60_000 });
    const client = createSocket('udp4');
    try {
      for (let i = 0; i < 100; i++) {
        await new Promise<void>((resolve) =>
          client.send(`<13>line ${i}`, listener.udp?.port ?? 0, '127.0.0.1', () => resolve()),
        );
      }
      await sleep(200);
      expect(listener.stats().received).toBeGreaterThan(10);
      // One attempt, then the retry timer: not one database call (and one queued pass) per datagram.
      expect(calls.ingest).toBeLessThanOrEqual(2);
    } finally {
      client.close();
      await listener.close();
    }
  });

  it('refuses TCP connections beyond maxConnections and reports it', async () => {
    const { detect } = failingDetect();
    const problems: string[] = [];
    const listener = await startDetectSyslog({
      detect,
      tcp: '127.0.0.1:0',
      maxConnections: 2,
      onProblem: (p) => problems.push(p.reason),
    });
    const port = listener.tcp?.port ?? 0;
    const open = () =>
      new Promise<ReturnType<typeof connect>>((resolve) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => undefined);
      });
    const sockets = [await open(), await open()];
    await sleep(50);
    const third = await open();
    const closed = await Promise.race([
      new Promise<boolean>((resolve) => third.on('close', () => resolve(true))),
      sleep(1000).then(() => false),
    ]);
    expect(closed).toBe(true);
    expect(problems.some((p) => p.includes('connections'))).toBe(true);
    for (const s of [...sockets, third]) s.destroy();
    await listener.close();
  });

  it('closes TCP connections that stay silent', async () => {
    const { detect } = failingDetect();
    const listener = await startDetectSyslog({ detect, tcp: '127.0.0.1:0', idleMs: 100 });
    const socket = connect(listener.tcp?.port ?? 0, '127.0.0.1');
    socket.on('error', () => undefined);
    const closed = await Promise.race([
      new Promise<boolean>((resolve) => socket.on('close', () => resolve(true))),
      sleep(2000).then(() => false),
    ]);
    expect(closed).toBe(true);
    socket.destroy();
    await listener.close();
  });
});
