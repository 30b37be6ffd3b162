/**
 * A local OpenAI-compatible upstream for the Guard proxy's tests and benchmark: node:http on a
 * free loopback port. The model name chooses the behaviour: `echo` repeats the last user
 * message (so pseudonyms come back and must be restored), `fail` answers 500, `slow` never
 * answers, `garbage` answers something that is not JSON, `leak` answers with a secret.
 * Streams (`stream: true`) send the answer three characters per chunk, splitting tokens.
 * `denied` answers 401 quoting the key it was given, `chatty` answers 400 quoting its key and
 * address, `tool` answers a tool call whose arguments repeat the last user message, and
 * `tool-leak` one whose arguments carry a secret (streamed too, arguments three characters per
 * chunk). `leak-mid` streams a clean line, a secret mid-answer and more text, then stays silent
 * (only an abort ends it); `leak-split` streams a clean line and a secret cut in two chunks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpstream {
  readonly url: string;
  /** Bodies received on /chat/completions, in order. */
  readonly requests: unknown[];
  /** Authorization headers received. */
  readonly authorizations: (string | undefined)[];
  /** `api-key` headers (Azure OpenAI's style) and query strings received on /chat/completions. */
  readonly apiKeys: (string | undefined)[];
  readonly queries: string[];
  /** How many requests the client (the proxy) abandoned before their answer ended. */
  aborted(): number;
  close(): Promise<void>;
}

const LEAKED_KEY = 'AKIAZ7QW3RT5YU2IO4PA';

function answerFor(body: { model?: string; messages?: { role: string; content?: unknown }[] }): string {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const said = typeof last?.content === 'string' ? last.content : '';
  if (body.model === 'leak') return `Here is the key you asked for: ${LEAKED_KEY}`;
  if (body.model === 'leak-mid') {
    return `All clear so far, nothing to hide.\nHere is the key: ${LEAKED_KEY} and more text follows.\nLast line.\n`;
  }
  return `You said: ${said}`;
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: unknown[] = [];
  const authorizations: (string | undefined)[] = [];
  const apiKeys: (string | undefined)[] = [];
  const queries: string[] = [];
  let aborted = 0;

  async function readBody(req: IncomingMessage): Promise<string> {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    return Buffer.concat(parts).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('close', () => {
      if (!res.writableFinished) aborted++;
    });
    const [path, query = ''] = (req.url ?? '').split('?', 2);
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'echo', object: 'model', owned_by: 'test' }] }));
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'no such route', type: 'invalid_request_error' } }));
      return;
    }
    authorizations.push(req.headers.authorization);
    const apiKey = req.headers['api-key'];
    apiKeys.push(Array.isArray(apiKey) ? apiKey[0] : apiKey);
    queries.push(query);
    const body = JSON.parse(await readBody(req)) as {
      model?: string;
      stream?: boolean;
      messages?: { role: string; content?: unknown }[];
    };
    requests.push(body);
    const model = body.model ?? 'echo';
    if (model === 'fail') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'the model crashed', type: 'server_error' } }));
      return;
    }
    if (model === 'denied' || model === 'chatty') {
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const where = `http://${req.headers.host ?? ''}/v1`;
      res.writeHead(model === 'denied' ? 401 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key} at ${where}` } }));
      return;
    }
    if (model === 'tool' || model === 'tool-leak') {
      const args = JSON.stringify({ text: model === 'tool' ? answerFor(body) : `key ${LEAKED_KEY}` });
      const call = { id: 'call_1', type: 'function', function: { name: 'note', arguments: args } };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const head = { ...call, index: 0, function: { name: 'note', arguments: '' } };
        res.write(
          `data: ${JSON.stringify(chunk(model, { role: 'assistant', content: null, tool_calls: [head] }, null))}\n\n`,
        );
        for (let i = 0; i < args.length; i += 3) {
          const piece = { index: 0, function: { arguments: args.slice(i, i + 3) } };
          res.write(`data: ${JSON.stringify(chunk(model, { tool_calls: [piece] }, null))}\n\n`);
        }
        res.write(`data: ${JSON.stringify(chunk(model, {}, 'tool_calls'))}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      const answer = completion(model, '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ...answer,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: null, tool_calls: [call] },
              finish_reason: 'tool_calls',
            },
          ],
        }),
      );
      return;
    }
    if (model === 'leak-split' && body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const pieces = ['A perfectly clean first line.\nkey: ', LEAKED_KEY.slice(0, 9), `${LEAKED_KEY.slice(9)} done.\n`];
      for (const piece of pieces) res.write(`data: ${JSON.stringify(chunk(model, { content: piece }, null))}\n\n`);
      res.write(`data: ${JSON.stringify(chunk(model, {}, 'stop'))}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    if (model === 'slow') return; // never answers: the proxy's time-out (or its client) ends it
    if (model === 'garbage') {
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify(chunk(model, { role: 'assistant', content: 'Hel' }, null))}\n\n`);
        res.end('data: {this is not json\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>not a completion</html>');
      return;
    }
    const content = answerFor(body);
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion(model, content)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`data: ${JSON.stringify(chunk(model, { role: 'assistant', content: '' }, null))}\n\n`);
    for (let i = 0; i < content.length; i += 3) {
      res.write(`data: ${JSON.stringify(chunk(model, { content: content.slice(i, i + 3) }, null))}\n\n`);
    }
    if (model === 'stall' || model === 'leak-mid') return; // streams, then stays silent
    res.write(`data: ${JSON.stringify(chunk(model, {}, 'stop'))}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    authorizations,
    apiKeys,
    queries,
    aborted: () => aborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
