/**
 * Detect's syslog listener over real sockets: sshd brute-force lines sent over UDP (RFC 3164,
 * one per datagram) and TCP (RFC 5424, octet-counted and newline-framed) on free loopback
 * ports reach the store and open incidents, through the listener `vigie serve` starts.
 * Needs no outside service.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatform,
  type DetectSyslogListener,
  type Platform,
  startDetectSyslog,
} from '../../src/platform/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { sshFailure, sshFailure5424 } from '../support/detect.js';

async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Detect syslog listener', () => {
  let store: Store;
  let platform: Platform;
  let listener: DetectSyslogListener;
  beforeAll(async () => {
    store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-syslog-')), 'vigie.db') });
    platform = createPlatform(store);
    listener = await startDetectSyslog({
      detect: platform.detect,
      udp: '127.0.0.1:0',
      tcp: '127.0.0.1:0',
      batchMs: 50,
    });
  });
  afterAll(async () => {
    await listener.close();
    await store.close();
  });

  it('opens incidents from sshd brute force sent over UDP and TCP', async () => {
    const now = Date.now();
    const udp = createSocket('udp4');
    for (let i = 0; i < 6; i++) {
      const line = Buffer.from(sshFailure(now - 60_000 + i * 1000, 'root', '203.0.113.7', 'web01'));
      await new Promise<void>((resolve, reject) =>
        udp.send(line, listener.udp?.port ?? 0, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
      );
    }
    udp.close();

    const lines = Array.from({ length: 6 }, (_, i) =>
      sshFailure5424(now - 50_000 + i * 1000, 'admin', '198.51.100.4', 'db01'),
    );
    const octetCounted = lines
      .slice(0, 3)
      .map((l) => `${Buffer.byteLength(l)} ${l}`)
      .join('');
    const newlineFramed = lines
      .slice(3)
      .map((l) => `${l}\n`)
      .join('');
    await new Promise<void>((resolve, reject) => {
      const socket = connect(listener.tcp?.port ?? 0, '127.0.0.1', () => {
        // Split mid-frame on purpose: the framer must join the pieces.
        const bytes = Buffer.from(octetCounted + newlineFramed);
        socket.write(bytes.subarray(0, 37));
        socket.end(bytes.subarray(37));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });

    const incidents = await waitFor(async () => {
      const { items } = await platform.detect.listIncidents({ limit: 10 });
      return items.length >= 2 ? items : undefined;
    });
    expect(incidents.map((i) => i.entity.value).sort()).toEqual(['db01', 'web01']);
    const alerts = (await platform.detect.listAlerts({ limit: 10 })).items;
    expect(alerts.map((a) => [a.ruleId, a.source, a.entities.users?.[0]]).sort()).toEqual([
      ['brute_force', 'syslog-tcp', 'admin'],
      ['brute_force', 'syslog-udp', 'root'],
    ]);
    await waitFor(async () => (listener.stats().stored === 12 ? true : undefined));
    expect(listener.stats()).toMatchObject({ received: 12, stored: 12, rejected: 0, dropped: 0 });
    const audit = await store.audit.list({ limit: 20, action: 'detect.ingest' });
    expect(audit.every((e) => e.actor === 'system')).toBe(true);
  });
});
