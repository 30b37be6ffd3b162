// Learn API: the learner's quiz loop, and the public tracking / landing routes under arbitrary
// input (never a 500, never a stored value).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../tests/support/app.js';

describe('learn API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('builds a quiz without answers, grades an answer and completes a module', async () => {
    const learner = await t.as('learner');
    const quiz = await t.app.inject({
      method: 'POST',
      url: '/api/learn/quiz',
      headers: learner,
      payload: { moduleId: 'reporting', size: 20 },
    });
    expect(quiz.statusCode, quiz.body).toBe(200);
    const questions = quiz.json().questions as { id: string; kind: string; choices?: object[] }[];
    expect(questions.length).toBeGreaterThan(2);
    expect(quiz.body).not.toContain('"correct"');
    expect(quiz.body).not.toContain('"accept"');
    for (const q of questions) {
      const answer =
        q.kind === 'true-false'
          ? { kind: 'boolean', value: true }
          : q.kind === 'cloze'
            ? { kind: 'text', value: 'x' }
            : { kind: 'choices', ids: ['a'] };
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/learn/answers',
        headers: learner,
        payload: { moduleId: 'reporting', questionId: q.id, answer },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(typeof res.json().correct).toBe('boolean');
    }
    const done = await t.app.inject({ method: 'POST', url: '/api/learn/modules/reporting/complete', headers: learner });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().moduleId).toBe('reporting');
    const me = (await t.app.inject({ url: '/api/learn/me', headers: learner })).json();
    expect(me.stats.points).toBeGreaterThanOrEqual(0);
    expect(me.path.id).toBe('all-staff');
    expect(Object.keys(me.knowledge)).toContain('reporting');
  });

  it('refuses unknown fields and unknown questions with clear errors', async () => {
    const learner = await t.as('learner');
    const extra = await t.app.inject({ method: 'POST', url: '/api/learn/quiz', headers: learner, payload: { x: 1 } });
    expect(extra.json().code).toBe('VIGIE_ERR_VALIDATION');
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/learn/answers',
      headers: learner,
      payload: { moduleId: 'reporting', questionId: 'nope', answer: { kind: 'boolean', value: true } },
    });
    expect(unknown.json().code).toBe('VIGIE_ERR_NOT_FOUND');
    const badLocale = await t.app.inject({
      method: 'POST',
      url: '/api/learn/answers',
      headers: learner,
      payload: { moduleId: 'reporting', questionId: 'nope', answer: { kind: 'boolean', value: true }, locale: 'de' },
    });
    expect(badLocale.json().code).toBe('VIGIE_ERR_VALIDATION');
  });

  it('launches a campaign once when two launches arrive together (no second lure per target)', async () => {
    const admin = await t.signIn('admin');
    const csv = 'email,first name,last name,department\nann@acme.test,Ann,A,Finance\nbea@acme.test,Bea,B,Sales';
    const group = await t.app.inject({
      method: 'POST',
      url: '/api/learn/groups',
      headers: admin,
      payload: { name: 'Twice', csv },
    });
    expect(group.statusCode, group.body).toBe(200);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/learn/campaigns',
      headers: admin,
      payload: {
        name: 'Double click',
        groupId: group.json().group.id,
        templates: ['it-password-expiry'],
        schedule: {
          start: '2026-03-02T09:00:00Z',
          end: '2026-03-20T17:00:00Z',
          window: { days: [1, 2, 3, 4, 5], startHour: 0, endHour: 24 },
          perMinute: 10,
        },
        sender: { address: 'it@acme-helpdesk.test' },
      },
    });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json().id as string;
    const launch = () => t.app.inject({ method: 'POST', url: `/api/learn/campaigns/${id}/launch`, headers: admin });
    const [a, b] = await Promise.all([launch(), launch()]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const sends = await t.platform.store.db
      .selectFrom('learn_sends')
      .selectAll()
      .where('campaign_id', '=', id)
      .execute();
    expect(sends).toHaveLength(2);
    const audits = await t.platform.store.audit.list({ limit: 10, action: 'learn.campaign.launch' });
    expect(audits.filter((e) => e.target === id)).toHaveLength(1);
  });

  it('answers any request on the public tracking routes without a 500 and stores nothing for unknown tokens', async () => {
    const paths = ['', '/o.gif', '/lesson', '/report'];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[A-Za-z0-9_-]{22}$/)),
        fc.constantFrom(...paths),
        fc.constantFrom('GET', 'POST', 'HEAD'),
        fc.string({ maxLength: 300 }),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data'),
        async (token, path, method, body, type) => {
          const res = await t.app.inject({
            method: method as 'GET',
            url: `/learn/t/${encodeURIComponent(token)}${path}`,
            headers: { 'content-type': type, 'user-agent': body.slice(0, 50) },
            ...(method === 'POST' ? { payload: body } : {}),
          });
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    const events = await t.platform.store.db.selectFrom('learn_events').selectAll().execute();
    expect(events).toEqual([]);
  });
});
