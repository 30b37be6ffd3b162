/** Sense: readings in (HTTP batches), devices, series with their scores, and alerts. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SEVERITIES, VigieError } from '../../core/index.js';
import type { Platform } from '../../platform/index.js';
import { parseTimestamp } from '../../sense/index.js';
import { label, localizedTextSchema } from '../schemas.js';

/** Device and series names: what MQTT topic levels allow, minus wildcards and separators. */
const name = label(128).regex(/^[^/#+]+$/, 'must not contain / # or +');
/** Devices per page of GET /devices, by default and at most (the service bounds it the same way). */
const DEVICES_PAGE = 500;
const MAX_DEVICES_PAGE = 1000;

const deviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  messages: z.number().int(),
  ratePerMinute: z.number().nullable(),
  status: z.enum(['ok', 'anomalous', 'silent']),
  openAlerts: z.number().int(),
  series: z.array(
    z.object({
      key: z.string(),
      lastValue: z.number(),
      lastScore: z.number(),
      lastAt: z.string(),
      min: z.number(),
      max: z.number(),
      count: z.number().int().describe('Readings received, including those the retention purge has deleted'),
    }),
  ),
});

const alertSchema = z.object({
  id: z.string(),
  device: z.string(),
  series: z.string().nullable(),
  at: z.string(),
  severity: z.enum(SEVERITIES),
  score: z.number(),
  kind: z.string(),
  title: localizedTextSchema,
  evidence: z.array(z.object({ code: z.string(), weight: z.number(), message: localizedTextSchema })),
});

export const senseRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const sense = platform.sense;
  const toAlert = (f: Awaited<ReturnType<typeof sense.alerts>>[number]) => {
    const series = f.evidence.find((e) => typeof e.data?.series === 'string')?.data?.series;
    return {
      id: f.id,
      device: f.entities.devices?.[0] ?? '?',
      series: typeof series === 'string' ? series : null,
      at: f.observedAt,
      severity: f.severity,
      score: f.score,
      kind: f.kind,
      title: f.title,
      evidence: f.evidence.map(({ code, weight, message }) => ({ code, weight, message })),
    };
  };

  app.post(
    '/readings',
    {
      config: { access: { permission: 'sense:write' } },
      schema: {
        tags: ['sense'],
        summary: 'Send a batch of readings (in time order per series); answered once stored',
        body: z.strictObject({
          readings: z
            .array(
              z.strictObject({
                device: name,
                series: name,
                timestamp: z.union([z.string().max(40), z.number()]),
                value: z.number(),
              }),
            )
            .min(1)
            .max(10_000),
        }),
        response: {
          200: z.object({
            accepted: z.number().int(),
            alerts: z.number().int(),
            rejected: z.array(z.object({ index: z.number().int(), reason: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const readings = request.body.readings.map((r, index) => {
        // Numbers and numeric strings alike: seconds when small enough to be seconds, else milliseconds.
        const timestampMs = parseTimestamp(String(r.timestamp));
        if (timestampMs === undefined || !Number.isFinite(timestampMs)) {
          throw new VigieError(
            'VIGIE_ERR_VALIDATION',
            `readings[${index}].timestamp is not a date: ${String(r.timestamp)}`,
          );
        }
        return { device: r.device, series: r.series, value: r.value, timestampMs };
      });
      return sense.ingest(readings);
    },
  );

  app.get(
    '/devices',
    {
      config: { access: { permission: 'sense:read' } },
      schema: {
        tags: ['sense'],
        summary: 'Devices seen, with their status and series, one page at a time in name order',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(MAX_DEVICES_PAGE).default(DEVICES_PAGE),
          after: name.optional().describe('The `next` of the previous page'),
        }),
        response: {
          200: z.object({
            items: z.array(deviceSchema),
            alertThreshold: z.number(),
            next: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
          }),
        },
      },
    },
    async (request) => {
      const { limit, after } = request.query;
      const page = await sense.devices({ limit, ...(after !== undefined ? { after } : {}) });
      return { items: page.items, next: page.next, alertThreshold: sense.alertThreshold };
    },
  );

  app.get(
    '/devices/:id',
    {
      config: { access: { permission: 'sense:read' } },
      schema: {
        tags: ['sense'],
        summary: 'One device: recent readings of each series with scores and expected band, and its alerts',
        params: z.strictObject({ id: name }),
        response: {
          200: z.object({
            device: deviceSchema,
            series: z.array(
              z.object({
                key: z.string(),
                points: z.array(
                  z.object({
                    t: z.string(),
                    value: z.number(),
                    score: z.number(),
                    expected: z.number().nullable(),
                    low: z.number().nullable(),
                    high: z.number().nullable(),
                  }),
                ),
              }),
            ),
            alerts: z.array(alertSchema),
            alertThreshold: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const device = await sense.device(request.params.id);
      if (!device) throw new VigieError('VIGIE_ERR_NOT_FOUND', `No device ${request.params.id}`);
      const series = await Promise.all(
        device.series.map(async (s) => ({
          key: s.key,
          points: (await sense.readings(device.id, s.key)).map((r) => ({
            t: r.at,
            value: r.value,
            score: r.score,
            expected: r.expected,
            low: r.low,
            high: r.high,
          })),
        })),
      );
      const alerts = (await sense.alerts(200, device.id)).map(toAlert);
      return { device, series, alerts, alertThreshold: sense.alertThreshold };
    },
  );

  app.get(
    '/alerts',
    {
      config: { access: { permission: 'sense:read' } },
      schema: {
        tags: ['sense'],
        summary: 'Sense alerts (findings), newest first',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          device: name.optional(),
        }),
        response: { 200: z.object({ items: z.array(alertSchema) }) },
      },
    },
    async (request) => ({ items: (await sense.alerts(request.query.limit, request.query.device)).map(toAlert) }),
  );
};
