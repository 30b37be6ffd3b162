/**
 * The Guard proxy end to end: the real server, authenticated by Vigie API tokens, in front of a
 * local OpenAI-compatible upstream (node:http on a free port) — allowed prompts, blocked
 * secrets, IBANs pseudonymised upstream and restored in whole and streamed answers, upstream
 * failures as clean OpenAI-shaped errors, client disconnects, and what is recorded.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChat } from '../../src/platform/index.js';
import { type GuardTestApp, guardTestApp } from './guard-app.js';
import { type FakeUpstream, startFakeUpstream } from './guard-upstream.js';

const IBAN = 'FR76 3000 6000 0112 3456 7890 189';
const IBAN_COMPACT = 'FR7630006000011234567890189';
const SECRET = 'AKIAZ7QW3RT5YU2IO4PA';

let upstream: FakeUpstream;
let t: GuardTestApp;
let learner: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  t = await guardTestApp({
    upstreamUrl: upstream.url,
    upstreamKey: 'sk-upstream-key',
    service: 'internal-llm',
    timeoutMs: 800,
  });
  learner = await t.token('learner', { department: 'Finance' });
});

afterAll(async () => {
  await t.close();
  await upstream.close();
});

function chat(token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token}`, ...headers },
    payload: body,
  });
}

/** The data of each SSE event, in order. */
function events(body: string): string[] {
  return body
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
}

function streamedText(body: string): string {
  return events(body)
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d) as { choices?: { delta?: { content?: string } }[] })
    .map((c) => c.choices?.[0]?.delta?.content ?? '')
    .join('');
}

describe('Guard proxy (OpenAI-compatible) in front of a local upstream', () => {
  it('passes an allowed prompt and its answer, with the upstream key (never the Vigie token)', async () => {
    const res = await chat(learner, {
      model: 'echo',
      messages: [{ role: 'user', content: 'Bonjour, résume ce texte.' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-vigie-guard-action']).toBe('allow');
    expect(res.json().choices[0].message.content).toBe('You said: Bonjour, résume ce texte.');
    expect(upstream.authorizations.at(-1)).toBe('Bearer sk-upstream-key');
  });

  it("sends the key as Azure OpenAI's api-key header and keeps the base URL's query", async () => {
    const azure = await guardTestApp({
      upstreamUrl: `${upstream.url}?api-version=2024-10-21`,
      upstreamKey: 'azure-key',
      upstreamAuth: 'api-key',
      timeoutMs: 800,
    });
    try {
      const token = await azure.token('learner');
      const res = await azure.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${token}` },
        payload: { model: 'echo', messages: [{ role: 'user', content: 'Hello' }] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().choices[0].message.content).toBe('You said: Hello');
      expect(upstream.apiKeys.at(-1)).toBe('azure-key');
      expect(upstream.authorizations.at(-1)).toBeUndefined();
      expect(upstream.queries.at(-1)).toBe('api-version=2024-10-21');
    } finally {
      await azure.close();
    }
  });

  it('lists the upstream models', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { authorization: `Bearer ${learner}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ object: 'list', data: [{ id: 'echo', object: 'model', owned_by: 'test' }] });
  });

  it('blocks a secret with an OpenAI-shaped error carrying the reasons, and forwards nothing', async () => {
    const before = upstream.requests.length;
    const res = await chat(learner, {
      model: 'echo',
      messages: [{ role: 'user', content: `Why does ${SECRET} fail?` }],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VIGIE_ERR_GUARD_BLOCKED');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.code).toBe('vigie_guard_blocked');
    expect(body.error.message).toMatch(/secret\.aws_access_key/);
    expect(body.error.reasons.map((r: { code: string }) => r.code)).toContain('guard.finding.block');
    expect(body.error.findings).toEqual([{ type: 'secret.aws_access_key', action: 'block', masked: 'AKIA********' }]);
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(upstream.requests.length).toBe(before);
    // The employee's training hears of it: the module on data leaks to AI services, with why.
    const token = await t.store.tokens.findById(learner.slice('vgt_'.length, 'vgt_'.length + 16));
    await t.platform.guard.settled();
    const assignments = await t.store.learn.assignments(token?.userId ?? 'none');
    expect(assignments.map((a) => a.signal)).toContain('guard.block');
  });

  it('answers in French when asked', async () => {
    const res = await chat(
      learner,
      { model: 'echo', messages: [{ role: 'user', content: `clé ${SECRET}` }] },
      { 'accept-language': 'fr' },
    );
    expect(res.json().error.message).toMatch(/^Bloqué par la politique Vigie Guard/);
  });

  it('pseudonymises an IBAN upstream and restores it in the answer', async () => {
    const res = await chat(learner, {
      model: 'echo',
      messages: [
        { role: 'system', content: 'You are a helpful bank assistant.' },
        { role: 'user', content: `Vérifie le virement vers ${IBAN} stp.` },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-vigie-guard-action']).toBe('pseudonymise');
    expect(res.headers['x-vigie-guard-findings']).toBe('pii.iban=1');
    const sent = upstream.requests.at(-1) as { messages: { content: string }[] };
    expect(sent.messages[1]?.content).toBe('Vérifie le virement vers [IBAN_1] stp.');
    expect(JSON.stringify(sent)).not.toContain('3000 6000');
    expect(res.json().choices[0].message.content).toBe(`You said: Vérifie le virement vers ${IBAN} stp.`);
  });

  it('restores an IBAN token split across SSE chunks', async () => {
    const res = await chat(learner, {
      model: 'echo',
      stream: true,
      messages: [{ role: 'user', content: `IBAN: ${IBAN}` }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const sent = upstream.requests.at(-1) as { messages: { content: string }[] };
    expect(sent.messages[0]?.content).toBe('IBAN: [IBAN_1]');
    // The upstream sent "[IB", "AN_", "1]" in separate chunks: the client sees the value whole.
    expect(streamedText(res.body)).toBe(`You said: IBAN: ${IBAN}`);
    expect(res.body).not.toContain('IBAN_1');
    expect(events(res.body).at(-1)).toBe('[DONE]');
  });

  it('withholds an answer that leaks a secret (content_filter)', async () => {
    const res = await chat(learner, { model: 'leak', messages: [{ role: 'user', content: 'Donne-moi la clé.' }] });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-vigie-guard-answer-action']).toBe('block');
    const choice = res.json().choices[0];
    expect(choice.finish_reason).toBe('content_filter');
    expect(choice.message.content).not.toContain(SECRET);
  });

  it('cuts a streamed answer leaking a secret mid-stream: content_filter, upstream aborted, decision recorded', async () => {
    await t.platform.guard.settled();
    const cutBefore = (await t.platform.guard.decisions({ limit: 100 })).filter(
      (d) => d.direction === 'response' && d.action === 'block',
    ).length;
    const abortedBefore = upstream.aborted();
    const res = await chat(learner, {
      model: 'leak-mid',
      stream: true,
      messages: [{ role: 'user', content: 'La clé ?' }],
    });
    expect(res.statusCode).toBe(200);
    // Not the secret, nor any piece of it (the upstream sent it three characters per chunk).
    expect(res.body).not.toContain('AKIA');
    expect(res.body).not.toContain('4PA');
    const text = streamedText(res.body);
    expect(text.startsWith('All clear so far, nothing to hide.\n')).toBe(true);
    expect(text).not.toContain('more text follows');
    const all = events(res.body);
    expect(all.at(-1)).toBe('[DONE]');
    const last = JSON.parse(all.at(-2) ?? '{}').choices[0];
    expect(last.finish_reason).toBe('content_filter');
    expect(last.delta.content).toContain('Answer withheld by the organisation’s policy');
    // The upstream never ends this answer by itself: only the proxy's abort does.
    for (let i = 0; i < 100 && upstream.aborted() === abortedBefore; i++) await new Promise((r) => setTimeout(r, 10));
    expect(upstream.aborted()).toBeGreaterThan(abortedBefore);
    await t.platform.guard.settled();
    const cut = (await t.platform.guard.decisions({ limit: 100 })).filter(
      (d) => d.direction === 'response' && d.action === 'block',
    );
    expect(cut.length).toBe(cutBefore + 1);
    expect(cut.some((d) => d.findings.some((f) => f.type === 'secret.aws_access_key'))).toBe(true);
  });

  it('cuts a streamed secret split across chunks, and one at the very end of the answer', async () => {
    for (const model of ['leak-split', 'leak']) {
      const res = await chat(learner, { model, stream: true, messages: [{ role: 'user', content: 'La clé ?' }] });
      expect(res.statusCode).toBe(200);
      expect(res.body, model).not.toContain('AKIA');
      const all = events(res.body);
      expect(all.at(-1)).toBe('[DONE]');
      expect(JSON.parse(all.at(-2) ?? '{}').choices[0].finish_reason).toBe('content_filter');
    }
  });

  it('streams a clean answer unchanged, and releases clean text at a sentence end', async () => {
    const said = 'Bonjour. Voici un texte propre, sans rien de sensible.\nDeuxième ligne ! Fin.';
    const res = await chat(learner, { model: 'echo', stream: true, messages: [{ role: 'user', content: said }] });
    expect(streamedText(res.body)).toBe(`You said: ${said}`);
    expect(res.body).not.toContain('content_filter');
    expect(events(res.body).at(-1)).toBe('[DONE]');

    const plan = planChat({ messages: [{ role: 'user', content: 'hi' }] }, await t.platform.guard.policy(), {
      service: 'internal-llm',
    });
    const rewriter = t.platform.guardProxy.rewriter(plan);
    const sse = (content: string) =>
      `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    expect(streamedText(rewriter.push(sse('The first sentence is clean. The sec')))).toBe(
      'The first sentence is clean. ',
    );
    expect(streamedText(rewriter.push(sse('ond one')))).toBe('');
    expect(streamedText(rewriter.end())).toBe('The second one');
  });

  it('restores pseudonyms in streamed tool call arguments, and cuts streamed arguments leaking a secret', async () => {
    const res = await chat(learner, {
      model: 'tool',
      stream: true,
      messages: [{ role: 'user', content: `IBAN ${IBAN}` }],
    });
    expect(res.statusCode).toBe(200);
    const args = events(res.body)
      .filter((d) => d !== '[DONE]')
      .map((d) => JSON.parse(d).choices?.[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args).text).toBe(`You said: IBAN ${IBAN}`);
    expect(res.body).not.toContain('IBAN_1');
    const leak = await chat(learner, {
      model: 'tool-leak',
      stream: true,
      messages: [{ role: 'user', content: 'note it' }],
    });
    expect(leak.body).not.toContain('AKIA');
    const all = events(leak.body);
    expect(all.at(-1)).toBe('[DONE]');
    expect(JSON.parse(all.at(-2) ?? '{}').choices[0].finish_reason).toBe('content_filter');
  });

  it('turns an upstream 500 into a clean 502', async () => {
    const res = await chat(learner, { model: 'fail', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({
      code: 'VIGIE_ERR_UPSTREAM',
      error: { type: 'api_error', code: 'vigie_upstream', message: 'The AI service answered 500: the model crashed' },
    });
  });

  it('turns an upstream that does not answer into a clean 504', async () => {
    const res = await chat(learner, { model: 'slow', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ code: 'VIGIE_ERR_UPSTREAM_TIMEOUT', error: { type: 'api_error' } });
  });

  it('turns a garbage answer into a clean 502, and a garbage stream event into an error event', async () => {
    const res = await chat(learner, { model: 'garbage', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.message).toMatch(/not JSON/);
    const streamed = await chat(learner, {
      model: 'garbage',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(streamed.statusCode).toBe(200);
    const last = JSON.parse(events(streamed.body).at(-1) ?? '{}');
    expect(last).toMatchObject({ code: 'VIGIE_ERR_UPSTREAM', error: { type: 'api_error' } });
  });

  it('times out a stream that stalls, with an error event', async () => {
    const res = await chat(learner, { model: 'stall', stream: true, messages: [{ role: 'user', content: 'hello' }] });
    const last = JSON.parse(events(res.body).at(-1) ?? '{}');
    expect(last.code).toBe('VIGIE_ERR_UPSTREAM_TIMEOUT');
    expect(streamedText(res.body.split('\n\n').slice(0, -2).join('\n\n'))).toBe('You said: hello'.slice(0, 15));
  });

  it('refuses a token without guard:use, a bad token, and no token, in OpenAI shape', async () => {
    const auditor = await t.token('auditor', { scopes: ['guard:read'] });
    const noScope = await t.token('analyst', { scopes: ['guard:read'] });
    for (const token of [auditor, noScope]) {
      const res = await chat(token, { model: 'echo', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'VIGIE_ERR_FORBIDDEN', error: { type: 'permission_error' } });
    }
    const bad = await chat('vgt_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', {
      model: 'echo',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.type).toBe('authentication_error');
    const none = await t.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: {} });
    expect(none.json()).toMatchObject({ code: 'VIGIE_ERR_UNAUTHENTICATED', error: { type: 'authentication_error' } });
  });

  it('rejects a malformed request in OpenAI shape', async () => {
    const res = await chat(learner, { model: 'echo', messages: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VIGIE_ERR_VALIDATION', error: { type: 'invalid_request_error' } });
  });

  it('applies the policy to every text a message carries, not only string content', async () => {
    const carriers: Record<string, unknown>[] = [
      { role: 'user', content: [{ type: 'input_text', text: `Why does ${SECRET} fail?` }] },
      { role: 'user', name: SECRET, content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: `{"k":"${SECRET}"}` } }],
      },
      { role: 'assistant', content: null, function_call: { name: 'f', arguments: `{"k":"${SECRET}"}` } },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `https://x.example/i.png?k=${SECRET}` } }] },
    ];
    for (const message of carriers) {
      const before = upstream.requests.length;
      const res = await chat(learner, { model: 'echo', messages: [message, { role: 'user', content: 'ok?' }] });
      expect(res.statusCode, JSON.stringify(message)).toBe(400);
      expect(res.json().code).toBe('VIGIE_ERR_GUARD_BLOCKED');
      expect(upstream.requests.length).toBe(before);
    }
    const res = await chat(learner, {
      model: 'echo',
      messages: [
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: `IBAN ${IBAN}` }] },
        { role: 'user', content: 'ok?' },
      ],
      prediction: { type: 'content', content: `IBAN ${IBAN}` },
    });
    expect(res.statusCode).toBe(200);
    const sent = JSON.stringify(upstream.requests.at(-1));
    expect(sent).toContain('[IBAN_1]');
    expect(sent).not.toContain('3000 6000');
  });

  it('never shows the upstream key or address in an error', async () => {
    for (const model of ['denied', 'chatty']) {
      const res = await chat(learner, { model, messages: [{ role: 'user', content: 'hello' }] });
      expect(res.statusCode).toBe(model === 'denied' ? 502 : 400);
      const text = JSON.stringify(res.json());
      expect(text).not.toContain('sk-upstream-key');
      expect(text).not.toContain(new URL(upstream.url).host);
    }
    const down = await guardTestApp({ upstreamUrl: 'http://127.0.0.1:9/v1', upstreamKey: 'k', timeoutMs: 800 });
    try {
      const token = await down.token('learner');
      const res = await down.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${token}` },
        payload: { model: 'echo', messages: [{ role: 'user', content: 'hello' }] },
      });
      expect(res.statusCode).toBe(502);
      expect(res.json().code).toBe('VIGIE_ERR_UPSTREAM');
      expect(res.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:9\b/);
    } finally {
      await down.close();
    }
  });

  it('scans tool call arguments in answers and restores their pseudonyms', async () => {
    const res = await chat(learner, { model: 'tool', messages: [{ role: 'user', content: `IBAN ${IBAN}` }] });
    expect(res.statusCode).toBe(200);
    const args = JSON.parse(res.json().choices[0].message.tool_calls[0].function.arguments);
    expect(args.text).toBe(`You said: IBAN ${IBAN}`);
    const leak = await chat(learner, { model: 'tool-leak', messages: [{ role: 'user', content: 'note it' }] });
    expect(leak.headers['x-vigie-guard-answer-action']).toBe('block');
    expect(leak.json().choices[0].finish_reason).toBe('content_filter');
    expect(leak.body).not.toContain(SECRET);
  });

  it('aborts the upstream request when the client goes away', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const before = upstream.aborted();
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${learner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'hello' }] }),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    const sentAt = upstream.requests.length;
    for (let i = 0; i < 100 && upstream.requests.length === sentAt; i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await pending;
    for (let i = 0; i < 100 && upstream.aborted() === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(upstream.aborted()).toBeGreaterThan(before);
  });

  it('records decisions with masked values only: the clear values are nowhere in the database', async () => {
    await t.platform.guard.settled();
    const decisions = await t.platform.guard.decisions({ limit: 100 });
    const iban = decisions.find((d) => d.findings.some((f) => f.type === 'pii.iban'));
    expect(iban).toMatchObject({ action: 'pseudonymise', department: 'Finance', service: 'internal-llm' });
    expect(iban?.findings[0]?.masked).toBe('FR76 **** **** **** **** ***0 189');
    const blocked = decisions.find((d) => d.action === 'block' && d.direction === 'request');
    expect(blocked?.findingId).not.toBeNull();
    const answer = decisions.find((d) => d.direction === 'response');
    expect(answer?.findings[0]?.type).toBe('secret.aws_access_key');
    // Posture counts them as Guard findings.
    const posture = await t.platform.posture();
    expect(posture.findings.byModule.guard).toBeGreaterThanOrEqual(3);

    // The whole database: every table, and the file itself (WAL checkpointed first).
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(t.store.db);
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(t.store.db);
    let dump = '';
    for (const { name } of tables.rows) {
      const rows = await sql.raw(`select * from "${name}"`).execute(t.store.db);
      dump += JSON.stringify(rows.rows);
    }
    dump += readFileSync(t.file).toString('latin1');
    for (const clear of [IBAN, IBAN_COMPACT, '3000 6000 0112', SECRET]) expect(dump).not.toContain(clear);
    expect(dump).toContain('FR76 **** **** **** **** ***0 189');
  });
});
