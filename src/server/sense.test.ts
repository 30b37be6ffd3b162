import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../tests/support/app.js';

const START = Date.parse('2026-03-01T00:00:00.000Z');

function readings(device: string, series: string, count: number, spikeAt?: number, from = 0) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      device,
      series,
      timestamp: new Date(START + i * 60_000).toISOString(),
      value: i === spikeAt ? 95 : 20 + Math.sin(i / 40) + ((i * 7919) % 13) * 0.02,
    };
  });
}

describe('Sense API', () => {
  let t: TestApp;
  let sensor: Record<string, string>;
  beforeEach(async () => {
    t = await testApp();
    const admin = await t.signIn('admin');
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: admin,
      payload: { name: 'gateway', scopes: ['sense:write'] },
    });
    sensor = { authorization: `Bearer ${token.json().secret}` };
  });
  afterEach(() => t.close());

  it('scores readings, raises an explained alert on a spike, and lists the device', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sense/readings',
      headers: sensor,
      payload: { readings: readings('boiler-1', 'temperature', 900, 850) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 900, rejected: [] });
    expect(res.json().alerts).toBeGreaterThanOrEqual(1);

    const analyst = await t.as('analyst');
    const devices = (await t.app.inject({ method: 'GET', url: '/api/sense/devices', headers: analyst })).json();
    expect(devices.items).toHaveLength(1);
    expect(devices.items[0]).toMatchObject({ id: 'boiler-1', messages: 900, status: 'anomalous' });
    expect(devices.items[0].series[0]).toMatchObject({ key: 'temperature', count: 900, max: 95 });

    const detail = (await t.app.inject({ method: 'GET', url: '/api/sense/devices/boiler-1', headers: analyst })).json();
    const points = detail.series[0].points;
    expect(points).toHaveLength(900);
    const spike = points[850];
    expect(spike.value).toBe(95);
    expect(spike.score).toBeGreaterThanOrEqual(detail.alertThreshold);
    const alert = detail.alerts.find((a: { at: string }) => a.at === spike.t);
    expect(alert).toMatchObject({
      device: 'boiler-1',
      series: 'temperature',
      kind: expect.stringMatching(/^reading_/),
    });
    expect(alert.evidence[0].message.fr).toContain('a mesuré 95');

    const alerts = (await t.app.inject({ method: 'GET', url: '/api/sense/alerts', headers: analyst })).json();
    expect(alerts.items.length).toBeGreaterThanOrEqual(1);
  });

  it('lists devices by page and filters alerts by device', async () => {
    for (const device of ['c', 'a', 'b']) {
      await t.app.inject({
        method: 'POST',
        url: '/api/sense/readings',
        headers: sensor,
        payload: { readings: readings(device, 's', 3) },
      });
    }
    const analyst = await t.as('analyst');
    const first = (await t.app.inject({ method: 'GET', url: '/api/sense/devices?limit=2', headers: analyst })).json();
    expect(first.items.map((d: { id: string }) => d.id)).toEqual(['a', 'b']);
    expect(first.next).toBe('b');
    const rest = (
      await t.app.inject({ method: 'GET', url: `/api/sense/devices?limit=2&after=${first.next}`, headers: analyst })
    ).json();
    expect(rest).toMatchObject({ items: [{ id: 'c', messages: 3, series: [{ key: 's', count: 3 }] }], next: null });
    const tooMany = await t.app.inject({ method: 'GET', url: '/api/sense/devices?limit=100000', headers: analyst });
    expect(tooMany.json().code).toBe('VIGIE_ERR_VALIDATION');
    const alerts = (await t.app.inject({ method: 'GET', url: '/api/sense/alerts?device=b', headers: analyst })).json();
    expect(alerts.items.map((a: { device: string; kind: string }) => [a.device, a.kind])).toEqual([
      ['b', 'device_new_device'],
    ]);
  });

  it('rejects readings older than the last one of their series, and bad input clearly', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/sense/readings',
      headers: sensor,
      payload: { readings: readings('d', 's', 3) },
    });
    const late = await t.app.inject({
      method: 'POST',
      url: '/api/sense/readings',
      headers: sensor,
      payload: { readings: readings('d', 's', 1) },
    });
    expect(late.json()).toMatchObject({
      accepted: 0,
      rejected: [{ index: 0, reason: expect.stringContaining('older') }],
    });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/sense/readings',
      headers: sensor,
      payload: { readings: [{ device: 'a/b', series: 's', timestamp: 'soon', value: 1 }] },
    });
    expect(bad.json().code).toBe('VIGIE_ERR_VALIDATION');
    const date = await t.app.inject({
      method: 'POST',
      url: '/api/sense/readings',
      headers: sensor,
      payload: { readings: [{ device: 'a', series: 's', timestamp: 'soon', value: 1 }] },
    });
    expect(date.json().message).toContain('readings[0].timestamp is not a date');
    expect((await t.app.inject({ method: 'GET', url: '/api/sense/devices/nope', headers: sensor })).statusCode).toBe(
      403,
    );
  });

  it('remembers baselines across a restart by replaying stored readings', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/sense/readings',
      headers: sensor,
      payload: { readings: readings('pump', 'flow', 700) },
    });
    const fresh = (await import('../platform/index.js')).createPlatform(t.platform.store);
    expect(await fresh.sense.restore()).toBe(700);
    const result = await fresh.sense.ingest([{ device: 'pump', series: 'flow', timestampMs: START - 1, value: 20 }]);
    expect(result.rejected).toHaveLength(1);
    const spike = await fresh.sense.ingest([
      { device: 'pump', series: 'flow', timestampMs: START + 700 * 60_000, value: 90 },
    ]);
    expect(spike.alerts).toBeGreaterThanOrEqual(1);
  });
});

describe('Sense ingest under hostile input (regressions from review)', () => {
  it('rejects an absurd timestamp or value alone and keeps ingesting the rest', async () => {
    const t = await testApp();
    try {
      const sense = t.platform.sense;
      const now = t.platform.clock().getTime();
      const result = await sense.ingest([
        { device: 'd', series: 's', timestampMs: 1e16, value: 1 },
        { device: 'd', series: 's', timestampMs: now, value: 1e308 },
        { device: 'x'.repeat(300), series: 's', timestampMs: now, value: 1 },
        { device: 'bad\u0001name', series: 's', timestampMs: now, value: 1 },
        { device: 'd', series: 's', timestampMs: now, value: 1 },
      ]);
      expect(result.accepted).toBe(1);
      expect(result.rejected.map((r) => r.index)).toEqual([0, 1, 2, 3]);
      const next = await sense.ingest([{ device: 'd', series: 's', timestampMs: now + 60_000, value: 2 }]);
      expect(next.accepted).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('caps the number of series tracked', async () => {
    const t = await testApp();
    try {
      const { createPlatform } = await import('../platform/index.js');
      const platform = createPlatform(t.platform.store, { sense: { maxSeries: 2 } });
      const now = t.platform.clock().getTime();
      const result = await platform.sense.ingest(
        ['a', 'b', 'c'].map((series) => ({ device: 'd', series, timestampMs: now, value: 1 })),
      );
      expect(result.accepted).toBe(2);
      expect(result.rejected[0]?.reason).toContain('more than 2 series');
    } finally {
      await t.close();
    }
  });

  it('raises no false "new topic" or "new device" after a restart', async () => {
    const t = await testApp();
    try {
      const now = t.platform.clock().getTime();
      const first = Array.from({ length: 60 }, (_, i) => ({
        device: 'plc',
        series: 'temp',
        timestampMs: now - (60 - i) * 60_000,
        value: 20 + (i % 3),
      }));
      await t.platform.sense.ingest(first);
      const before = await t.platform.store.findings.recent(100, 'sense');
      const { createPlatform } = await import('../platform/index.js');
      const restarted = createPlatform(t.platform.store, { clock: t.platform.clock });
      await restarted.sense.restore();
      await restarted.sense.ingest([{ device: 'plc', series: 'temp', timestampMs: now, value: 21 }]);
      const after = await t.platform.store.findings.recent(100, 'sense');
      expect(after.filter((f) => f.kind.startsWith('device_new')).length).toBe(
        before.filter((f) => f.kind.startsWith('device_new')).length,
      );
      const [device] = (await restarted.sense.devices()).items;
      expect(device?.messages).toBe(61);
    } finally {
      await t.close();
    }
  });
});
